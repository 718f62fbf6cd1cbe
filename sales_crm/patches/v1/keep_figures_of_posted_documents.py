"""Customers keep their first order, and the monthly figures their sums (per salesperson and product; per
salesperson and department, the orders and receipts), as documents are posted (``sales_crm.kept``): on a
site that has documents already, all are computed once here from the submitted ones, and the report
indexes that read them are added."""

from sales_crm import kept
from sales_crm.patches.v1.add_report_indexes import run_doctype_updates


def execute():
	run_doctype_updates(("Sales Customer", "Sales Product Month"))
	kept.rebuild()
