"""Customers keep their first order, and salespeople their monthly amounts per product
(``sales_crm.kept``), as orders are posted: on a site that has orders already, both are computed once
here from the submitted orders, and the report indexes that read them are added."""

from sales_crm import kept
from sales_crm.patches.v1.add_report_indexes import run_doctype_updates


def execute():
	run_doctype_updates(("Sales Customer", "Sales Product Month"))
	kept.rebuild()
