"""The indexes that group the postings per salesperson and department (the funnel, the forecast and the
plan achievement), on a site that already has the tables."""

from sales_crm.patches.v1.add_report_indexes import run_doctype_updates


def execute():
	run_doctype_updates(("Customer Order", "Sales Receipt", "Sales Contract", "Sales Quotation"))
