"""Scoped list and count per role against Administrator's, on a demo site (a script, not a test).

	cd ~/frappe-bench/sites
	../env/bin/python /path/to/sales_crm/benchmarks/scoped.py --site sales-crm-demo.localhost [--runs 7]

For each DocType and each demo user (a salesperson, a department manager, the director, Administrator):
the first list page (``frappe.get_list``: the permission query conditions, 20 rows by ``modified``
descending) of names only and of the fields the desk's list view asks for (Frappe's standard fields,
the list-view columns, the title and status), and the list's counts as the desk asks for them: the list's "20 of
1000+" (``frappe.desk.reportview.get_count`` with ``limit`` 1001) and the whole count shown when that
is clicked (the same call without a limit; ``frappe.client.get_count`` over REST counts the same way).
Prints the median of ``--runs`` runs and the ratio to Administrator's.
"""

from __future__ import annotations

import argparse
import statistics
import time

import frappe

from sales_crm.permissions import get_list_count  # the desk's count, as the app overrides it

DESK_COUNT_LIMIT = 1001  # frappe/public/js/frappe/list/list_view.js: count_upper_bound
DOCTYPES = ("Sales Lead", "Sales Opportunity", "Customer Order", "Sales Receivable")


STANDARD_FIELDS = (  # frappe.model.std_fields_list, which every desk list asks for
	"name",
	"owner",
	"creation",
	"modified",
	"modified_by",
	"_user_tags",
	"_comments",
	"_assign",
	"_liked_by",
	"docstatus",
	"idx",
)


def desk_fields(doctype: str) -> list[str]:
	"""The fields the desk's list view of ``doctype`` asks for (list_view.js ``set_fields``)."""
	meta = frappe.get_meta(doctype)
	fields = [*STANDARD_FIELDS, *(df.fieldname for df in meta.fields if df.in_list_view)]
	fields += [f for f in (meta.title_field, "status") if f and meta.has_field(f)]
	return list(dict.fromkeys(fields))


OPERATIONS = ("list", "desk list", "list SQL", "count≤1001", "count")


def operations(doctype: str) -> dict:
	"""Each measured operation of ``doctype``'s list, as the current user."""
	fields = desk_fields(doctype)

	def count(limit=0):
		frappe.local.form_dict = frappe._dict(
			doctype=doctype, filters="[]", fields="[]", distinct="false", limit=limit
		)
		return get_list_count()

	desk_sql = frappe.get_list(doctype, fields=fields, order_by="modified desc", limit_page_length=20, run=0)
	return {
		"list SQL": lambda: frappe.db.sql(desk_sql),
		"list": lambda: frappe.get_list(
			doctype, fields=["name"], order_by="modified desc", limit_page_length=20
		),
		"desk list": lambda: frappe.get_list(
			doctype, fields=fields, order_by="modified desc", limit_page_length=20
		),
		"count≤1001": lambda: count(DESK_COUNT_LIMIT),
		"count": count,
	}


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--runs", type=int, default=15)
	parser.add_argument("--doctypes", default=",".join(DOCTYPES), help="comma-separated")
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	users = {
		"Administrator": "Administrator",
		"Sales Director": "demo-director@example.com",
		"Sales Manager": frappe.db.get_value("User", {"name": ("like", "demo-manager-%")}),
		"Sales User": frappe.db.get_value("User", {"name": ("like", "demo-sales-%")}),
	}
	leads = frappe.db.sql("select count(*) from `tabSales Lead`")[0][0]
	print(
		f"site {args.site}: {leads:,} leads; median of {args.runs} runs (operation by operation, the roles"
		" taking turns in a rotating order), ms (ratio to Administrator)"
	)
	try:
		for doctype in args.doctypes.split(","):
			times = {(role, op): [] for role in users for op in OPERATIONS}
			answers = {}
			roles = list(users)
			calls = {}
			for role, user in users.items():
				frappe.set_user(user)
				calls[role] = operations(doctype)  # the list's SQL is the user's
			for op in OPERATIONS:
				for run in range(args.runs + 1):  # the first run warms the caches and is not counted
					# the roles take turns, each first in one run after another: none always follows the
					# whole count of the role before it
					for role in roles[run % len(roles) :] + roles[: run % len(roles)]:
						frappe.set_user(users[role])  # each call starts as a request does: no user's caches
						call = calls[role][op]
						started = time.perf_counter()
						answers[role, op] = call()
						if run:
							times[role, op].append((time.perf_counter() - started) * 1000)
			for role in users:
				cells = []
				for op in OPERATIONS:
					ms = statistics.median(times[role, op])
					base = statistics.median(times["Administrator", op])
					cells.append(f"{op} {ms:6.2f} ({ms / base:.2f}×)")
				total, shown = answers[role, "count"], answers[role, "count≤1001"]
				check = "" if shown == min(total, DESK_COUNT_LIMIT) else f"  MISMATCH: limited count {shown}"
				print(f"  {doctype:18} {role:14} " + "  ".join(cells) + f"  rows {total:,}{check}")
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
