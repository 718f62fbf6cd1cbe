"""What one Sales Lead insert costs on a site of a given size (a script, not a test).

	cd ~/frappe-bench/sites
	../env/bin/python /path/to/sales_crm/benchmarks/lead_insert.py --site sales-crm-demo.localhost [--runs 200]

Inserts ``--runs`` leads through the controller (duplicate matching on the stored keys, the workflow, the
assignment rules: everything a desk or REST insert runs), each with a fresh name, phone and e-mail, and
rolls them all back. Prints the site's lead count and the median / p90 per insert, plus the duplicate
lookup alone. Grow the site with the demo loader (``bench --site S sales-crm-demo --leads N --seed K``;
each seed adds its own leads) and run again to compare sizes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import frappe


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--runs", type=int, default=200)
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	from sales_crm.flows.leads import find_duplicate

	leads = frappe.db.sql("select count(*) from `tabSales Lead`")[0][0]
	customers = frappe.db.sql("select count(*) from `tabSales Customer`")[0][0]
	rng = random.Random(7)
	inserts, lookups = [], []
	try:
		for i in range(args.runs + 10):
			tag = f"{rng.randrange(16**10):010x}"
			doc = frappe.get_doc(
				{
					"doctype": "Sales Lead",
					"company_name": f"Bench Insert {tag} Co., Ltd.",
					"lead_source": "800 Hotline",
					"phone": f"+86 21 {rng.randint(10000000, 99999999)}",
					"mobile": f"139{rng.randint(10000000, 99999999)}",
					"email": f"bench-{tag}@example.com",
				}
			)
			started = time.perf_counter()
			find_duplicate(doc)
			looked = time.perf_counter()
			doc.insert()
			done = time.perf_counter()
			if i >= 10:  # the first inserts warm the caches
				lookups.append((looked - started) * 1000)
				inserts.append((done - looked) * 1000)
	finally:
		frappe.db.rollback()
		frappe.destroy()

	def p90(values):
		return statistics.quantiles(values, n=10)[-1]

	print(f"site {args.site}: {leads:,} leads, {customers:,} customers; {args.runs} inserts, rolled back")
	print(
		f"  insert one lead: median {statistics.median(inserts):.1f} ms, p90 {p90(inserts):.1f} ms"
		f" (duplicate matching included)"
	)
	print(f"  duplicate lookup alone: median {statistics.median(lookups):.2f} ms, p90 {p90(lookups):.2f} ms")


if __name__ == "__main__":
	main()
