# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import KeptFigures


class SalesPersonMonth(KeptFigures):
	"""A salesperson's orders and receipts of one department in one month (``sales_crm.kept.TALLIES``)."""
