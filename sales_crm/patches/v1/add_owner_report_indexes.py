"""The report indexes added with the owner figures, on a site that already has the tables: the postings
per salesperson and department, the funnel's earlier stages per department, the open pipeline per
salesperson, the opportunities' stays per stage, the won opportunities' leads, the follow-ups per
salesperson and opportunity, and the credit balance's advances, refunds and offsets. The stays' earlier
index, which led with the creation date, is dropped."""

import frappe

from sales_crm.patches.v1.add_report_indexes import run_doctype_updates


def execute():
	run_doctype_updates(
		(
			"Customer Order",
			"Sales Receipt",
			"Sales Contract",
			"Sales Quotation",
			"Sales Opportunity",
			"Sales Opportunity Stage",
			"Sales Lead",
			"Sales Credit Offset",
			"Sales Follow Up",
		)
	)
	if frappe.db.has_index("tabSales Opportunity Stage", "stage_report_index"):
		frappe.db.sql_ddl("alter table `tabSales Opportunity Stage` drop index `stage_report_index`")
