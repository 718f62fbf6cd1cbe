# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import KeptFigures
from sales_crm.report_indexes import add_report_indexes


class SalesProductMonth(KeptFigures):
	"""A salesperson's order rows of one product in one month (``sales_crm.kept.TALLIES``)."""


def on_doctype_update():
	add_report_indexes("Sales Product Month")
