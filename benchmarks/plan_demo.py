"""Add payment plans (回款计划) to an existing demo site, so that Collection Plan vs Actual is measured on
real rows.

	cd /home/frappe/frappe-bench/sites
	../env/bin/python ../apps/sales_crm/benchmarks/plan_demo.py --site sales-crm-demo.localhost [--contracts N]

The demo loader plans the contracts it writes; a site loaded before it did has none. For up to
``--contracts`` submitted contracts without one (in name order; all of them by default), a plan of the
usual terms: 30 % at signing and 70 % 60 days after it, split, dated and settled by what the contract has
collected with the app's own rules (``rules.collections.generate``, and ``demo.plan_lines`` as the loader
settles its plans), written in bulk as the demo loader writes its rows. Prints what it wrote and how long
it took; asserts nothing (a script, not a test).
"""

from __future__ import annotations

import argparse
import time

import frappe
from frappe.utils import getdate, nowdate

TERMS = (("Deposit", 30, 0), ("Balance", 70, 60))  # label, share %, days after signing
SLICE = 5000


def contracts_without_plan(limit: int | None) -> list[dict]:
	contract = frappe.qb.DocType("Sales Contract")
	line = frappe.qb.DocType("Sales Payment Plan Line")
	planned = frappe.qb.from_(line).select(line.parent).where(line.parenttype == "Sales Contract")
	query = (
		frappe.qb.from_(contract)
		.select(
			contract.name, contract.grand_total, contract.signed_on, contract.collected_amount, contract.owner
		)
		.where((contract.docstatus == 1) & contract.signed_on.isnotnull() & contract.name.notin(planned))
		.orderby(contract.name)
	)
	if limit:
		query = query.limit(limit)
	return query.run(as_dict=True)


def plan_rows(contract: dict, today, now) -> list[dict]:
	from sales_crm.demo import plan_lines
	from sales_crm.rules import collections as rules

	terms = [
		rules.Term(label, share=share, due_rule=rules.SIGNING, days=days) for label, share, days in TERMS
	]
	lines = rules.generate(terms, contract.grand_total, 2, {rules.SIGNING: getdate(contract.signed_on)})
	return [
		{
			# unique by construction: 200,000 random 10-character names collide about once in fifty loads
			"name": f"{contract.name}-PL{idx}",
			"creation": now,
			"modified": now,
			"owner": contract.owner,
			"modified_by": contract.owner,
			"docstatus": 1,
			"parent": contract.name,
			"parenttype": "Sales Contract",
			"parentfield": "payment_plan",
			"idx": idx,
			**row,
		}
		for idx, row in enumerate(plan_lines(lines, contract.collected_amount, today), 1)
	]


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--site", default="sales-crm-demo.localhost")
	parser.add_argument("--contracts", type=int, default=None)
	args = parser.parse_args()
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	from sales_crm.demo import insert

	started = time.perf_counter()
	contracts = contracts_without_plan(args.contracts)
	today, now = getdate(nowdate()), frappe.utils.now_datetime()
	written = 0
	for start in range(0, len(contracts), SLICE):
		rows = [
			row for contract in contracts[start : start + SLICE] for row in plan_rows(contract, today, now)
		]
		if rows:
			fields = list(rows[0])
			insert("Sales Payment Plan Line", fields, [[row[f] for f in fields] for row in rows])
			frappe.db.commit()
			written += len(rows)
	print(
		f"{len(contracts)} contracts planned, {written} plan lines written in {time.perf_counter() - started:.1f} s"
	)
	frappe.destroy()


if __name__ == "__main__":
	main()
