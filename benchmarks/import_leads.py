"""Throughput of ``sales_crm.api.import_leads`` through the background job (a script, not a test).

	cd ~/frappe-bench/sites
	../env/bin/python /path/to/sales_crm/benchmarks/import_leads.py --site S [--sizes 1000,10000]

For each size: starts a real ``bench worker --queue long`` (unless ``--no-worker``: one is running),
calls ``import_leads`` with that many new leads (each with an external id and one own-products row),
times the call (what the HTTP request waits for), polls ``import_status`` until the job is finished,
and prints leads/s, the progress updates seen and the per-row result counts. The leads it made are
deleted afterwards.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import frappe


def start_worker(bench: Path):
	log = open(bench / "logs" / "sales_crm_benchmark_worker.log", "ab")
	python = str(bench / "env" / "bin" / "python")
	return subprocess.Popen(
		[python, "-m", "frappe.utils.bench_helper", "frappe", "worker", "--queue", "long"],
		cwd=str(bench / "sites"),
		stdout=log,
		stderr=log,
		start_new_session=True,
	)


def rows_for(tag: str, count: int, rng: random.Random) -> list[dict]:
	return [
		{
			"external_id": f"{tag}-{i:06d}",
			"company_name": f"Import Bench {tag} {i} 有限公司",
			"lead_source": "Marketing Campaign",
			"phone": f"+86 21 {rng.randint(10000000, 99999999)}",
			"email": f"{tag.lower()}-{i}@example.com",
			"own_products": [{"product_name": "Valve", "annual_volume": i}],
		}
		for i in range(count)
	]


def run(size: int, rng: random.Random) -> None:
	from sales_crm import api

	tag = f"IB{rng.randrange(16**8):08X}"
	rows = rows_for(tag, size, rng)
	started = time.perf_counter()
	answer = api.import_leads(json.dumps(rows))
	frappe.db.commit()
	called = time.perf_counter()
	seen, state = set(), {}
	while True:
		state = api.import_status(answer["job_id"])
		seen.add(state.get("done", 0))
		if state["status"] in ("finished", "failed"):
			break
		time.sleep(0.5)
	finished = time.perf_counter()
	counts = collections.Counter(r["status"] for r in state.get("results", []))
	print(
		f"  {size:,} leads: call answered in {(called - started) * 1000:.0f} ms ({answer['status']}); "
		f"job {state['status']} in {finished - started:.1f} s = {size / (finished - started):.0f} leads/s; "
		f"{len(seen)} progress readings; results {dict(counts)}"
	)
	frappe.db.rollback()
	names = frappe.get_all("Sales Lead", filters={"external_id": ("like", f"{tag}-%")}, pluck="name")
	for start in range(0, len(names), 1000):
		chunk = names[start : start + 1000]
		frappe.db.delete("Sales Lead Product", {"parent": ("in", chunk), "parenttype": "Sales Lead"})
		frappe.db.delete("Sales Lead", {"name": ("in", chunk)})
	frappe.db.commit()


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--sizes", default="1000,10000")
	parser.add_argument("--no-worker", action="store_true")
	args = parser.parse_args()

	bench = Path(os.getcwd()).resolve().parent
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	leads = frappe.db.sql("select count(*) from `tabSales Lead`")[0][0]
	print(f"site {args.site}: {leads:,} leads; import_leads through the long queue, one worker")
	worker = None if args.no_worker else start_worker(bench)
	try:
		time.sleep(3)
		rng = random.Random(11)
		for size in (int(s) for s in args.sizes.split(",")):
			run(size, rng)
	finally:
		if worker:
			worker.terminate()
			worker.wait(timeout=120)
		frappe.destroy()


if __name__ == "__main__":
	sys.exit(main())
