"""Follow-up Activity counts per salesperson, type and status down ``follow_up_report_index``, now of those
columns in that order, and the leads, opportunities and customers each salesperson touched down an index of
each (``report_indexes``). On a site that has the follow-ups already, the report index of the earlier
columns is dropped and every declared index added."""

import frappe

from sales_crm.patches.v1.add_report_indexes import run_doctype_updates
from sales_crm.report_indexes import REPORT_INDEXES

DOCTYPE = "Sales Follow Up"


def execute():
	for index, columns in REPORT_INDEXES[DOCTYPE].items():
		found = frappe.db.sql(f"show index from `tab{DOCTYPE}` where Key_name = %s", index, as_dict=True)
		if found and [row.Column_name for row in sorted(found, key=lambda r: r.Seq_in_index)] != list(
			columns
		):
			frappe.db.sql_ddl(f"alter table `tab{DOCTYPE}` drop index `{index}`")
	run_doctype_updates((DOCTYPE,))
