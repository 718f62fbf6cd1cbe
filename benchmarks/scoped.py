"""Scoped list and count per role against Administrator's, on a demo site (a script, not a test).

	cd ~/frappe-bench/sites
	../env/bin/python /path/to/sales_crm/benchmarks/scoped.py --site sales-crm-demo.localhost [--runs 7]

For each DocType and each demo user (a salesperson, a department manager, the director, Administrator):
the first list page as the desk asks for it (``frappe.get_list``: the permission query conditions, 20
rows by ``modified`` descending) and the list's count (``frappe.get_list`` of ``count(*)`` — what the
desk's count runs). Prints the median of ``--runs`` runs and the ratio to Administrator's.
"""

from __future__ import annotations

import argparse
import statistics
import time

import frappe

DOCTYPES = ("Sales Lead", "Sales Opportunity", "Customer Order", "Sales Receivable")


def timed(fn, runs: int) -> tuple[float, object]:
	times, result = [], None
	for _ in range(runs):
		started = time.perf_counter()
		result = fn()
		times.append((time.perf_counter() - started) * 1000)
	return statistics.median(times), result


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--runs", type=int, default=7)
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
	print(f"site {args.site}: {leads:,} leads; median of {args.runs} runs, ms (ratio to Administrator)")
	try:
		for doctype in args.doctypes.split(","):
			base = {}
			for role, user in users.items():
				frappe.set_user(user)

				def page(doctype=doctype):
					return frappe.get_list(
						doctype, fields=["name"], order_by="modified desc", limit_page_length=20
					)

				def count(doctype=doctype):
					return frappe.get_list(doctype, fields=["count(*) as total"])[0].total

				page_ms, _ = timed(page, args.runs)
				count_ms, total = timed(count, args.runs)
				base.setdefault("page", page_ms)
				base.setdefault("count", count_ms)
				print(
					f"  {doctype:18} {role:14} list {page_ms:7.1f} ({page_ms / base['page']:.2f}×)"
					f"  count {count_ms:7.1f} ({count_ms / base['count']:.2f}×)  rows {total:,}"
				)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
