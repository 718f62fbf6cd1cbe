"""How fast the history import writes past orders (a script, not a test).

	cd ~/frappe-bench/sites
	../env/bin/python /path/to/sales_crm/benchmarks/history_import.py --site sales-crm-test.localhost [--orders 20000]

Builds ``--orders`` orders of ``--orders / 5`` new customers (half of the orders at a site of their
customer, a quarter with two product rows), imports them chunk by chunk as the job does
(``Importer.import_chunk``: validation, the external-id lookup, customers, sites and orders bulk-inserted),
then sends them again (every order skipped), then runs the customer mining over the site as the daily run
does (``flows.mining.execute``), and rolls everything back. Prints orders per second for both passes and the
mining run's duration.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

import frappe


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--orders", type=int, default=20000)
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	from sales_crm.flows import history_import

	tag = f"BENCH{frappe.generate_hash(length=6).upper()}"
	product = frappe.get_doc(
		{"doctype": "Sales Product", "product_code": f"{tag}-P", "product_name": "Bench pump", "uom": "set"}
	).insert()
	start = date(2020, 1, 1)
	orders = []
	for i in range(args.orders):
		order = {
			"external_id": f"{tag}-{i}",
			"order_date": str(start + timedelta(days=i % 1800)),
			"customer": f"{tag}-C{i % (args.orders // 5)}",
			"customer_name": f"{tag} Customer {i % (args.orders // 5)}",
			"amount": 100 + i % 900,
		}
		if i % 2:
			order["site"] = "Plant"
		if i % 4 == 0:  # the amount is the products' total
			del order["amount"]
			order["items"] = [
				{"product": product.name, "qty": 1, "rate": 50},
				{"product": product.name, "qty": 2, "rate": 25},
			]
		orders.append(order)
	try:
		for label in ("import", "re-sent (all skipped)"):
			importer = history_import.Importer()
			results = []
			started = time.perf_counter()
			for first in range(0, len(orders), history_import.CHUNK):
				results.extend(importer.import_chunk(orders[first : first + history_import.CHUNK]))
			elapsed = time.perf_counter() - started
			counts = history_import.count(results)
			print(
				f"{label}: {len(orders):,} orders in {elapsed:.2f} s = {len(orders) / elapsed:,.0f} orders/s "
				f"(created {counts['created']:,}, skipped {counts['skipped']:,}, errors {counts['errors']:,})"
			)
		from sales_crm import owned
		from sales_crm.flows import mining

		with owned.by_server():  # the run's record is the server's, as the run's own start writes it
			run = frappe.get_doc({"doctype": "Customer Mining Run", "started_by": "Administrator"})
			run.insert(ignore_permissions=True)
		started = time.perf_counter()
		figures = mining.execute(run.name)
		print(
			f"mining run: {time.perf_counter() - started:.2f} s for {figures.get('orders', 0):,} orders, "
			f"{figures.get('customers', 0):,} customers, {figures.get('sites', 0):,} sites, "
			f"{figures.get('opportunities_scored', 0):,} open opportunities ({figures.get('win_status')})"
		)
	finally:
		frappe.db.rollback()
		frappe.destroy()


if __name__ == "__main__":
	main()
