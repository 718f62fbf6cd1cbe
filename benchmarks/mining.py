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
``--probe SECONDS`` also locks a scored customer's row and an open opportunity's row every SECONDS of a
run, each from its own connection, and prints the longest wait: how long a posting waits for the run.

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


class Probe:
	"""A client that, every ``every`` seconds while a run goes on, locks one scored customer's row and one open
	opportunity's row on its own connection (``SELECT … FOR UPDATE``, then a rollback: the locks a posting
	takes to move a credit balance or save an opportunity, with nothing written) and records how long each
	waited: how long the run keeps a user's posting waiting, and at which moment of the run."""

	def __init__(self, every: float):
		import threading

		self.every = every
		rows = [
			("Sales Customer", "last_scored_on is not null"),
			("Sales Opportunity", "status = 'Open'"),
		]
		self.rows = []
		for doctype, condition in rows:
			name = frappe.db.sql(f"select name from `tab{doctype}` where {condition} order by name limit 1")
			if name:
				self.rows.append((doctype, name[0][0]))
		# read here: ``frappe.conf`` is local to this thread
		self.connect = {
			"host": frappe.conf.db_host or "127.0.0.1",
			"port": int(frappe.conf.db_port or 3306),
			"user": frappe.conf.db_name,
			"password": frappe.conf.db_password,
			"database": frappe.conf.db_name,
		}
		self.waits: list[tuple[float, str, float]] = []
		self.stop = threading.Event()
		# a client per row, as a posting is: one row's wait does not delay the other's probe
		self.threads = [threading.Thread(target=self.loop, args=row, daemon=True) for row in self.rows]

	def start(self) -> None:
		self.started = time.perf_counter()
		for thread in self.threads:
			thread.start()

	def loop(self, doctype: str, name: str) -> None:
		import pymysql

		connection = pymysql.connect(**self.connect, autocommit=False)
		cursor = connection.cursor()
		while not self.stop.wait(self.every):
			at = time.perf_counter()
			try:
				cursor.execute(f"select name from `tab{doctype}` where name = %s for update", (name,))
			except pymysql.err.OperationalError:  # MariaDB's lock wait timeout: recorded as the wait
				pass
			waited = time.perf_counter() - at
			connection.rollback()
			self.waits.append((at - self.started, doctype, waited))
		connection.close()

	def finish(self) -> list[tuple[float, str, float]]:
		self.stop.set()
		for thread in self.threads:
			thread.join()
		return self.waits


def run_once(probe_every: float = 0) -> dict:
	from sales_crm.flows import mining

	stages = []
	last = [time.perf_counter()]

	def progress(percent, description):
		now = time.perf_counter()
		stages.append((description, now - last[0], peak_rss_mib()))
		last[0] = now

	run = frappe.get_doc({"doctype": "Customer Mining Run"}).insert(ignore_permissions=True)
	frappe.db.commit()
	probe = Probe(probe_every) if probe_every else None
	start = time.perf_counter()
	if probe:
		probe.start()
	figures = mining.execute(run.name, progress)
	frappe.db.commit()
	elapsed = time.perf_counter() - start
	now = time.perf_counter()
	stages.append(("(commit)", now - last[0], peak_rss_mib()))
	waits = probe.finish() if probe else []
	return {"run": run.name, "seconds": elapsed, "stages": stages, "figures": figures, "waits": waits}


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="sales-crm-demo.localhost")
	parser.add_argument("--runs", type=int, default=2)
	parser.add_argument("--no-run", action="store_true", help="only time the report and the card")
	parser.add_argument(
		"--probe",
		type=float,
		default=0,
		metavar="SECONDS",
		help="every SECONDS of a run, time a lock of a scored customer's and an open opportunity's row",
	)
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	print(f"site {args.site}: {counts()}")
	print(f"peak memory before: {peak_rss_mib():.0f} MiB")

	if not args.no_run:
		for _ in range(args.runs):
			result = run_once(args.probe)
			figures = result["figures"]
			print(
				f"run {result['run']}: {result['seconds']:.1f} s, peak memory {peak_rss_mib():.0f} MiB; "
				f"{figures.get('customers')} customers, {figures.get('sites')} sites, "
				f"{figures.get('orders')} orders, {figures.get('follow_ups_created')} follow-ups opened, "
				f"{figures.get('opportunities_scored', '—')} opportunities scored"
			)
			for description, seconds, peak in result["stages"]:
				print(f"    {seconds:7.2f} s, peak {peak:5.0f} MiB  before «{description}»")
			if result["waits"]:
				for doctype in ("Sales Customer", "Sales Opportunity"):
					waits = [(at, waited) for at, kind, waited in result["waits"] if kind == doctype]
					if not waits:
						continue
					longest = max(waits, key=lambda wait: wait[1])
					print(
						f"    a {doctype} row locked every {args.probe:g} s: {len(waits)} locks, longest wait "
						f"{longest[1]:.2f} s (asked at {longest[0]:.1f} s), "
						f"{sum(1 for _at, waited in waits if waited > 1)} waited over 1 s"
					)
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
