"""The customer mining run and its report at scale (a script, not a test).

	cd ~/frappe-bench/sites
	../env/bin/python ../apps/sales_crm/benchmarks/mining.py --site sales-crm-demo.localhost [--runs 2]

Runs the full mining as the daily job does (``flows.mining.execute`` on a new ``Customer Mining Run``:
read the orders, fit BG/NBD and Gamma-Gamma, backtest, score every customer and site, write the scores
set-based, open the follow-ups, score the open opportunities) and commits it, ``--runs`` times (the first
run on a demo opens the follow-ups for every valuable customer at risk; the next ones find them open).
Prints each run's duration, its stages and the process's peak memory (``VmHWM``: the resident high-water
mark, Frappe included), then times the Customer Lifetime Value report (per customer and per site, as
Administrator and as a salesperson, median of 5) and the Valuable Customers at Risk number card.

Targets (1M-lead demo, 2 cores): a run ≤ 60 s with peak memory ≤ 1 GiB; the report ≤ 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import time

import frappe


def peak_rss_mib() -> float:
	with open("/proc/self/status") as status:
		for line in status:
			if line.startswith("VmHWM:"):
				return int(line.split()[1]) / 1024
	return 0.0


def timed(fn, repeat: int = 5) -> float:
	fn()  # warm
	times = []
	for _ in range(repeat):
		start = time.perf_counter()
		fn()
		times.append(time.perf_counter() - start)
	return statistics.median(times)


def counts() -> dict:
	return {
		"orders": frappe.db.sql("select count(*) from `tabCustomer Order` where docstatus = 1")[0][0],
		"customers": frappe.db.count("Sales Customer"),
		"sites": frappe.db.count("Address"),
		"open opportunities": frappe.db.count("Sales Opportunity", {"status": "Open"}),
		"follow-ups": frappe.db.count("Sales Follow Up"),
	}


def run_once() -> dict:
	from sales_crm.flows import mining

	stages = []
	last = [time.perf_counter()]

	def progress(percent, description):
		now = time.perf_counter()
		stages.append((description, now - last[0], peak_rss_mib()))
		last[0] = now

	run = frappe.get_doc({"doctype": "Customer Mining Run"}).insert(ignore_permissions=True)
	frappe.db.commit()
	start = time.perf_counter()
	figures = mining.execute(run.name, progress)
	frappe.db.commit()
	elapsed = time.perf_counter() - start
	now = time.perf_counter()
	stages.append(("(commit)", now - last[0], peak_rss_mib()))
	return {"run": run.name, "seconds": elapsed, "stages": stages, "figures": figures}


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="sales-crm-demo.localhost")
	parser.add_argument("--runs", type=int, default=2)
	parser.add_argument("--no-run", action="store_true", help="only time the report and the card")
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	print(f"site {args.site}: {counts()}")
	print(f"peak memory before: {peak_rss_mib():.0f} MiB")

	if not args.no_run:
		for _ in range(args.runs):
			result = run_once()
			figures = result["figures"]
			print(
				f"run {result['run']}: {result['seconds']:.1f} s, peak memory {peak_rss_mib():.0f} MiB; "
				f"{figures.get('customers')} customers, {figures.get('sites')} sites, "
				f"{figures.get('orders')} orders, {figures.get('follow_ups_created')} follow-ups opened, "
				f"{figures.get('opportunities_scored', '—')} opportunities scored"
			)
			for description, seconds, peak in result["stages"]:
				print(f"    {seconds:7.2f} s, peak {peak:5.0f} MiB  before «{description}»")
			for key in (
				"bgnbd_r",
				"bgnbd_alpha",
				"bgnbd_a",
				"bgnbd_b",
				"gg_p",
				"gg_q",
				"gg_v",
				"churn_auc",
				"repeat_auc",
			):
				if key in figures:
					print(f"    {key} = {figures[key]}")

	from frappe.desk.query_report import run as run_report

	from sales_crm.flows.mining import valuable_customers_at_risk

	person = frappe.db.sql(
		"""select sales_person from `tabSales Customer` where sales_person is not null
		group by sales_person order by count(*) desc limit 1"""
	)
	users = [("Administrator", "Administrator")]
	if person:
		users.append(("busiest salesperson", person[0][0]))
	for label, user in users:
		frappe.set_user(user)
		for level in ("Customer", "Site"):
			filters = {"level": level}
			seconds = timed(lambda filters=filters: run_report("Customer Lifetime Value", filters=filters))
			result = run_report("Customer Lifetime Value", filters=filters)
			verdict = "ok" if seconds <= 2 else "OVER 2 s"
			print(
				f"Customer Lifetime Value per {level:8} as {label:20}: {seconds:6.3f} s "
				f"({len(result['result'])} rows)  {verdict}"
			)
		seconds = timed(valuable_customers_at_risk)
		print(
			f"Valuable Customers at Risk card as {label:20}: {seconds:6.3f} s = {valuable_customers_at_risk()['value']}"
		)
	frappe.set_user("Administrator")
	frappe.destroy()


if __name__ == "__main__":
	main()
