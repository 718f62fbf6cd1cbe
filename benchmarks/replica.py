"""A read replica on this machine, in figures (a script, not a test; docs/SCALING.md "Read replicas").

	cd ~/frappe-bench/sites
	../env/bin/python /path/to/sales_crm/benchmarks/replica.py --site sales-crm-test.localhost [--runs 20]
		[--burst 1000] [--password admin]

Starts a GTID replica of the site's database on loopback (tests/integration/replica.py: a second
``mariadbd``, seeded from a consistent dump), serves the site with a two-worker gunicorn on 127.0.0.1, and
prints, from one run:

- how long the replica took to start, seed and follow the primary;
- over HTTP as Administrator, median of ``--runs``: a query report, a list page and a list count, read on
  the primary (``read_from_replica`` off) and on the replica;
- what the app's health probe costs (sales_crm/replica.py);
- the replication delay of a burst of ``--burst`` lead inserts, committed on the primary 100 at a time:
  the largest ``Seconds_Behind_Master`` seen while it ran, and how long the replica took to apply the
  last commit.

The burst's leads stay on the site (named ``Replica burst …``). The site config is restored and the replica
stopped and removed at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(CHECKOUT / "tests"), str(CHECKOUT / "tests" / "integration")]

import frappe
from benchsite import Bench
from replica import Replica
from server import Server


def median_ms(fn, runs: int) -> float:
	times = []
	for _ in range(runs):
		started = time.perf_counter()
		fn()
		times.append((time.perf_counter() - started) * 1000)
	return statistics.median(times)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--runs", type=int, default=20)
	parser.add_argument("--burst", type=int, default=1000)
	parser.add_argument("--password", default="admin", help="Administrator's password on the site")
	args = parser.parse_args()

	bench = Bench(Path.cwd().parent)
	config = bench.sites / args.site / "site_config.json"
	original = config.read_text()
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	from sales_crm import replica as app_replica

	replica = Replica(bench, args.site)
	server = None
	try:
		started = time.monotonic()
		replica.start()
		leads = frappe.db.count("Sales Lead")
		print(f"site {args.site}: {leads:,} leads")
		print(f"replica started, seeded and following in {time.monotonic() - started:.1f} s")

		def set_replica(on: bool):
			conf = json.loads(original)
			if on:
				conf.update(read_from_replica=1, replica_host="127.0.0.1", replica_db_port=replica.port)
			config.write_text(json.dumps(conf, indent=1, sort_keys=True))
			frappe.cache().delete_value(app_replica.CACHE_KEY)

		set_replica(True)
		server = Server(bench, args.site, workers=2).start()
		admin = server.session("Administrator", args.password)
		calls = {
			"query report (Lead Source Effectiveness)": lambda: admin.ok(
				"frappe.desk.query_report.run", report_name="Lead Source Effectiveness", filters={}
			),
			"list page (Sales Lead, 20 rows)": lambda: admin.ok(
				"frappe.desk.reportview.get",
				doctype="Sales Lead",
				fields=["`tabSales Lead`.`name`"],
				order_by="`tabSales Lead`.`modified` desc",
				page_length=20,
			),
			"list count (Sales Lead)": lambda: admin.ok(
				"frappe.desk.reportview.get_count", doctype="Sales Lead"
			),
		}
		print(f"HTTP as Administrator, median of {args.runs} runs, ms:")
		for what, call in calls.items():
			figures = {}
			for on in (False, True):
				set_replica(on)
				call()  # warm: the worker's caches, the health verdict
				figures[on] = median_ms(call, args.runs)
			print(f"  {what:44} primary {figures[False]:7.1f}   replica {figures[True]:7.1f}")
		set_replica(False)

		conf = frappe._dict(
			json.loads(original),
			db_name=frappe.conf.db_name,
			db_password=frappe.conf.db_password,
			replica_host="127.0.0.1",
			replica_db_port=replica.port,
		)
		print(
			f"health probe (connect, SHOW SLAVE STATUS): {median_ms(lambda: app_replica.probe(conf), 20):.1f} ms"
		)

		lags, done = [], threading.Event()

		def watch():
			while not done.is_set():
				lag = replica.status().get("Seconds_Behind_Master")
				lags.append(lag or 0)
				time.sleep(0.1)

		watcher = threading.Thread(target=watch, daemon=True)
		watcher.start()
		tag = frappe.generate_hash(length=6)
		started = time.monotonic()
		for i in range(args.burst):
			frappe.get_doc({"doctype": "Sales Lead", "company_name": f"Replica burst {tag} {i}"}).insert()
			if i % 100 == 99:
				frappe.db.commit()
		frappe.db.commit()
		written = time.monotonic() - started
		catch_up = replica.wait_caught_up(timeout=600)
		done.set()
		watcher.join()
		print(
			f"burst of {args.burst:,} lead inserts on the primary in {written:.1f} s "
			f"({args.burst / written:.0f}/s): largest Seconds_Behind_Master {max(lags):.0f} s, "
			f"last commit applied on the replica {catch_up * 1000:.0f} ms after it"
		)
	finally:
		config.write_text(original)
		if server:
			server.stop()
		replica.stop()
		frappe.destroy()


if __name__ == "__main__":
	main()
