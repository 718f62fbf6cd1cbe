"""Every allocation row carries the date it settled its receivable on (its receipt's date, its offset's
posting date: ``chain.ROW_CARRIES``) and its receivable's contract (fetched, as its order is), and every
receivable when it was first and last settled (roll-ups of those dates: ``chain.ROLLUPS``), so that
Receivable Ageing as of an earlier date reads what each receivable owed then from the receivable alone, and
what each payment plan had collected since from the rows alone. Filled in slices, each committed (a re-run
writes what is still missing), then the receivables' ageing indexes rebuilt with the two dates, their
index of the unpaid ones per customer (the ageing as of today) and the allocations' index by date added."""

import frappe

from sales_crm import chain
from sales_crm.patches.v1.add_report_indexes import run_doctype_updates
from sales_crm.patches.v1.carry_order_fields_to_rows import SLICE, fill_carried_rows, slices
from sales_crm.report_indexes import rebuild_changed

DATES = ("first_settled_on", "last_settled_on")


def execute():
	fill_carried_rows(["Sales Receipt", "Sales Credit Offset"])
	for first, last in slices("Sales Receivable"):
		frappe.db.sql(
			"""update `tabSales Receipt Allocation` a join `tabSales Receivable` r on r.name = a.sales_receivable
			set a.sales_contract = r.sales_contract
			where a.sales_receivable between %(first)s and %(last)s and not (a.sales_contract <=> r.sales_contract)""",
			{"first": first, "last": last},
		)
		frappe.db.commit()  # nosemgrep: a slice at a time, so an interrupted run resumes where it stopped
	rollups = tuple(r for r in chain.ROLLUPS if r.target == "Sales Receivable" and r.field in DATES)
	after = ""
	while True:
		# the receivables settled at all: the others' dates stay empty, as the roll-up would leave them
		names = frappe.db.sql_list(
			"""select distinct sales_receivable from `tabSales Receipt Allocation`
			where sales_receivable > %(after)s and docstatus = 1
			order by sales_receivable limit %(slice)s""",
			{"after": after, "slice": SLICE},
		)
		if not names:
			break
		chain.apply_rollups(rollups, names)
		frappe.db.commit()  # nosemgrep: a slice at a time, so an interrupted run resumes where it stopped
		after = names[-1]
	for doctype in ("Sales Receivable", "Sales Receipt Allocation"):
		rebuild_changed(doctype)
	run_doctype_updates(("Sales Receivable", "Sales Receipt Allocation"))
