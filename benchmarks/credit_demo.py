"""Add customer credit to an existing demo site, so that Customer Credit Balance is measured on real rows.

	cd /home/frappe/frappe-bench/sites
	../env/bin/python ../apps/sales_crm/benchmarks/credit_demo.py --site sales-crm-demo.localhost [--customers 3000]

The demo loader writes advances, offsets and refunds while it makes the leads; a site loaded before they
existed has none. For up to ``--customers`` customers with an open receivable (in name order, skipping
those that already have an advance), through the controllers as Administrator: an Advance of 120 % of the
receivable's outstanding amount, an offset of its credit against the customer's open receivables
(``make_offset``), and for every third customer a refund of what is left (``make_refund``). Prints what it
wrote and the time per document; asserts nothing (a script, not a test).
"""

from __future__ import annotations

import argparse
import time

import frappe
from frappe.utils import flt, nowdate


def open_receivables(limit: int) -> list[dict]:
	receivable = frappe.qb.DocType("Sales Receivable")
	receipt = frappe.qb.DocType("Sales Receipt")
	with_advance = (
		frappe.qb.from_(receipt)
		.select(receipt.customer)
		.where((receipt.receipt_type == "Advance") & (receipt.docstatus == 1))
	)
	return (
		frappe.qb.from_(receivable)
		.select(receivable.customer, receivable.currency, receivable.exchange_rate)
		.select(frappe.query_builder.functions.Min(receivable.outstanding_amount).as_("outstanding"))
		.where(
			(receivable.docstatus == 1)
			& (receivable.outstanding_amount > 0)
			& receivable.customer.notin(with_advance)
		)
		.groupby(receivable.customer, receivable.currency, receivable.exchange_rate)
		.orderby(receivable.customer)
		.limit(limit)
		.run(as_dict=True)
	)


def add_credit(row: dict, refund: bool) -> int:
	from sales_crm.flows import receipts

	advance = frappe.get_doc(
		{
			"doctype": "Sales Receipt",
			"receipt_type": "Advance",
			"receipt_date": nowdate(),
			"customer": row.customer,
			"currency": row.currency,
			"exchange_rate": row.exchange_rate or 1,
			"paid_amount": flt(flt(row.outstanding) * 1.2, 2),
		}
	)
	advance.insert()
	advance.submit()
	written = 1
	offset = frappe.get_doc(receipts.make_offset(advance.name))
	offset.insert()
	offset.submit()
	written += 1
	if refund and flt(frappe.db.get_value("Sales Receipt", advance.name, "unallocated_amount")) > 0:
		back = frappe.get_doc(receipts.make_refund(advance.name))
		back.insert()
		back.submit()
		written += 1
	return written


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--customers", type=int, default=3000)
	args = parser.parse_args()
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		rows = open_receivables(args.customers)
		started, written = time.perf_counter(), 0
		for i, row in enumerate(rows, 1):
			written += add_credit(row, refund=i % 3 == 0)
			if i % 100 == 0:
				frappe.db.commit()  # nosemgrep
				print(f"{i} customers, {written} documents", flush=True)
		frappe.db.commit()  # nosemgrep
		seconds = time.perf_counter() - started
		print(
			f"credit added for {len(rows)} customers: {written} documents in {seconds:.1f} s "
			f"({1000 * seconds / max(written, 1):.1f} ms each)"
		)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
