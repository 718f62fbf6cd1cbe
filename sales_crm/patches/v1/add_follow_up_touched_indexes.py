"""Follow-up Activity counts per salesperson, type and status down ``follow_up_report_index``, now of those
columns in that order, and the leads, opportunities and customers each salesperson touched down an index of
each (``report_indexes``). On a site that has the follow-ups already, the report index of the earlier
columns is dropped and every declared index added."""

from sales_crm.patches.v1.add_report_indexes import run_doctype_updates
from sales_crm.report_indexes import rebuild_changed

DOCTYPE = "Sales Follow Up"


def execute():
	rebuild_changed(DOCTYPE)
	run_doctype_updates((DOCTYPE,))
