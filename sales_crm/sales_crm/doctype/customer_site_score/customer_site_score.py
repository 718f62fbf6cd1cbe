# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument
from sales_crm.permissions import add_scope_indexes


class CustomerSiteScore(SalesDocument):
	"""A site's value and churn risk: written set-based by the mining run (sales_crm/flows/mining.py)."""


def on_doctype_update():
	add_scope_indexes("Customer Site Score")
