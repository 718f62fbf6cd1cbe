"""Each opportunity keeps the latest date among its follow-ups (``flows.follow_ups.keep_last_follow_up``):
fill it on the opportunities that exist, in slices of opportunities so that no one statement locks the
whole table."""

import frappe

from sales_crm.flows.follow_ups import recompute_last_follow_up
from sales_crm.patches.v1.add_report_indexes import run_doctype_updates
from sales_crm.patches.v1.carry_order_fields_to_rows import slices


def execute():
	# the follow-ups' (opportunity, follow_up_date) index, which the fill reads
	run_doctype_updates(("Sales Follow Up", "Sales Opportunity"))
	for first, last in slices("Sales Opportunity"):
		recompute_last_follow_up(first=first, last=last)
		frappe.db.commit()  # nosemgrep: a slice at a time, so an interrupted run resumes where it stopped
