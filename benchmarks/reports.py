"""Benchmark the analyses and the order posting on a demo site (a script, not a test).

	cd /home/frappe/frappe-bench/sites
	../env/bin/python ../apps/sales_crm/benchmarks/reports.py --site sales-crm-demo.localhost [--leads 20000]

For every report: its run time through ``frappe.desk.query_report.run``, the time of one hand-written
SQL query computing the same headline figures, their ratio and the peak Python memory (tracemalloc). For
postings: inserting and submitting a Customer Order with every hook against writing the same document
with the hooks bypassed (``db_insert`` of the parent and its rows). Targets: report ≤ 1.5× its SQL twin
and ≤ 2 s; posting ≤ 1.3× the bypassed insert.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import frappe

FROM, TO = "2000-01-01", "2100-12-31"
P = {"from": FROM, "to": TO}

# report -> (filters, its SQL twin: the same headline figures in one hand-written query)
TWINS = {
	"Sales Funnel Conversion": (
		{"group_by": "sales_person"},
		"""select grp, sum(l), sum(o), sum(q), sum(c), sum(ord), sum(col) from (
			select sales_person grp, count(*) l, 0 o, 0 q, 0 c, 0 ord, 0 col from `tabSales Lead`
				where creation >= %(from)s and creation < %(to)s group by grp
			union all select sales_person, 0, count(*), 0, 0, 0, 0 from `tabSales Opportunity`
				where creation >= %(from)s and creation < %(to)s group by sales_person
			union all select sales_person, 0, 0, count(*), 0, 0, 0 from `tabSales Quotation`
				where docstatus < 2 and transaction_date between %(from)s and %(to)s group by sales_person
			union all select sales_person, 0, 0, 0, count(*), 0, 0 from `tabSales Contract`
				where docstatus = 1 and signed_on between %(from)s and %(to)s group by sales_person
			union all select sales_person, 0, 0, 0, 0, count(*), sum(per_collected >= 99.9999) from `tabCustomer Order`
				where docstatus = 1 and order_date between %(from)s and %(to)s group by sales_person
		) t group by grp""",
	),
	"Receivable Ageing": (
		{"group_by": "customer", "report_date": "2100-12-31"},
		"""select customer, sum(outstanding_amount * exchange_rate),
			sum(case when datediff(%(to)s, coalesce(due_date, invoice_date, posting_date)) > 90
				then outstanding_amount * exchange_rate else 0 end)
		from `tabSales Receivable` where docstatus = 1 and outstanding_amount > 0 group by customer""",
	),
	"Salesperson Commission Summary": (
		{},
		"""select sales_person, commission_type, sum(base_amount), sum(accrued_amount), sum(paid_amount),
			sum(outstanding_amount) from `tabSalesperson Commission` where docstatus = 1
			and commission_date between %(from)s and %(to)s group by sales_person, commission_type""",
	),
	"Customer Commission Summary": (
		{},
		"""select customer, status, sum(commission_amount), sum(customer_paid_amount),
			sum(commission_paid_amount) from `tabCustomer Commission` group by customer, status""",
	),
	"Lead Source Effectiveness": (
		{},
		"""select l.lead_source, count(*), sum(l.status = 'Converted'),
			sum(case when o.status = 'Won' then o.won_amount * o.exchange_rate else 0 end),
			avg(case when l.status = 'Converted' then timestampdiff(second, l.creation, l.converted_on) end)
		from `tabSales Lead` l left join `tabSales Opportunity` o on o.name = l.opportunity
		where l.creation >= %(from)s and l.creation < %(to)s group by l.lead_source""",
	),
	"Opportunity Pipeline": (
		{},
		"""select o.sales_stage, count(*), sum(o.base_expected_revenue),
			sum(o.base_expected_revenue * o.probability / 100) from `tabSales Opportunity` o
		where o.status = 'Open' and o.creation >= %(from)s and o.creation < %(to)s group by o.sales_stage""",
	),
	"Quotation Win Rate": (
		{},
		"""select sales_person, count(*), sum(status = 'Accepted'), sum(status = 'Rejected'),
			sum(case when status = 'Accepted' then base_grand_total else 0 end),
			avg(timestampdiff(second, creation, approved_on))
		from `tabSales Quotation` where docstatus < 2 and transaction_date between %(from)s and %(to)s
		group by sales_person""",
	),
	"Customer Value Analysis": (
		{},
		"""select customer, count(*), sum(base_grand_total), max(order_date) from `tabCustomer Order`
		where docstatus = 1 and order_date between %(from)s and %(to)s group by customer""",
	),
}

# issue 13 (money): the credit report's whole output — per customer and currency, opening, advances,
# offsets, refunds and balance — in one query
TWINS["Customer Credit Balance"] = (
	{},
	"""select customer, currency,
		sum(case when d < %(from)s then amt else 0 end) opening,
		sum(case when d >= %(from)s and kind = 'A' then amt else 0 end) advances,
		sum(case when d >= %(from)s and kind = 'O' then -amt else 0 end) offsets,
		sum(case when d >= %(from)s and kind = 'R' then -amt else 0 end) refunds,
		sum(amt) balance, sum(amt * rate) base_balance
	from (
		select 'A' kind, r.customer, r.currency, r.receipt_date d, r.exchange_rate rate,
			r.paid_amount - coalesce((select sum(a.allocated_amount) from `tabSales Receipt Allocation` a
				where a.parent = r.name and a.parenttype = 'Sales Receipt'), 0) amt
		from `tabSales Receipt` r where r.docstatus = 1 and r.receipt_type = 'Advance' and r.receipt_date <= %(to)s
		union all select 'O', customer, currency, posting_date, exchange_rate, -total_amount
		from `tabSales Credit Offset` where docstatus = 1 and posting_date <= %(to)s
		union all select 'R', customer, currency, receipt_date, exchange_rate, -paid_amount
		from `tabSales Receipt` where docstatus = 1 and receipt_type = 'Refund' and receipt_date <= %(to)s
	) t group by customer, currency""",
)


def timed(fn, repeat: int = 3) -> tuple[float, int]:
	"""Median seconds of ``repeat`` runs, and the peak traced memory of one run."""
	fn()  # warm caches (meta, report doc)
	times = []
	for _ in range(repeat):
		start = time.perf_counter()
		fn()
		times.append(time.perf_counter() - start)
	tracemalloc.start()
	fn()
	_current, peak = tracemalloc.get_traced_memory()
	tracemalloc.stop()
	return statistics.median(times), peak


def bench_reports() -> list[tuple]:
	from frappe.desk.query_report import run

	rows = []
	for name, (filters, sql) in TWINS.items():
		report_time, peak = timed(lambda: run(name, {"from_date": FROM, "to_date": TO, **filters}))
		sql_time, _peak = timed(lambda: frappe.db.sql(sql, P))
		rows.append((name, report_time, sql_time, report_time / sql_time if sql_time else 0, peak))
	return rows


def order_doc():
	customer = frappe.db.get_value("Sales Customer", {}, "name")
	products = frappe.get_all("Sales Product", fields=["name", "standard_rate"], limit=3)
	return frappe.get_doc(
		{
			"doctype": "Customer Order",
			"customer": customer,
			"order_source": "Direct",
			"order_date": frappe.utils.today(),
			"items": [{"product": p.name, "qty": 5, "price_list_rate": p.standard_rate} for p in products],
		}
	)


def bench_posting(repeat: int = 20) -> tuple[float, float]:
	def with_hooks():
		doc = order_doc()
		doc.insert()
		doc.submit()

	template = order_doc()
	template.insert()
	template.submit()
	values = template.as_dict()

	def bypassed():
		doc = frappe.get_doc(frappe._dict(values).copy())
		doc.name = None
		doc.set_new_name()
		doc.db_insert()
		for row in doc.get_all_children():
			row.parent = doc.name
			row.name = None
			row.set_new_name()
			row.db_insert()

	hooked, _ = timed(with_hooks, repeat)
	raw, _ = timed(bypassed, repeat)
	frappe.db.rollback()
	return hooked, raw


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="sales-crm-demo.localhost")
	parser.add_argument("--leads", type=int, default=0, help="load this many demo leads first (once)")
	parser.add_argument("--seed", type=int, default=42)
	args = parser.parse_args()
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		if args.leads:
			from sales_crm.demo import make_demo

			start = time.perf_counter()
			counts = make_demo(args.leads, args.seed)
			print(f"demo: {counts} in {time.perf_counter() - start:.1f} s")
		print(
			f"leads on site: {frappe.db.count('Sales Lead')}, orders: {frappe.db.count('Customer Order')}, "
			f"receivables: {frappe.db.count('Sales Receivable')}"
		)
		print(f"{'report':34} {'report s':>9} {'sql s':>8} {'ratio':>6} {'peak MiB':>9}  verdict")
		for name, report_time, sql_time, ratio, peak in bench_reports():
			ok = ratio <= 1.5 and report_time <= 2
			print(
				f"{name:34} {report_time:9.3f} {sql_time:8.3f} {ratio:6.2f} {peak / 2**20:9.2f}  "
				f"{'ok' if ok else 'OVER TARGET'}"
			)
		hooked, raw = bench_posting()
		print(
			f"order posting: insert+submit with hooks {hooked * 1000:.1f} ms, bypassed insert {raw * 1000:.1f} ms, "
			f"ratio {hooked / raw:.2f} ({'ok' if hooked / raw <= 1.3 else 'OVER TARGET'})"
		)
	finally:
		frappe.db.rollback()
		frappe.destroy()


if __name__ == "__main__":
	main()
