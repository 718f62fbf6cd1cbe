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


# ---------------------------------------------------------------- issue 13: plan, forecast and retention
# Each twin computes the report's whole output (every row and figure), not just a headline.
_YEAR = time.localtime().tm_year
_PREVIOUS = (f"{_YEAR - 1}-01-01", f"{_YEAR - 1}-12-31")
_CURRENT = (f"{_YEAR}-01-01", f"{_YEAR}-12-31")
TWINS.update(
	{
		"Sales Pipeline Forecast": (
			{"group_by": "Sales Person"},
			"""with recursive months (m) as (
				select cast(%(from)s as date) union all select m + interval 1 month from months where m < %(to)s
			)
			select mon, sp, sum(n), sum(p), sum(w), sum(t), sum(a) from (
				select date_format(o.expected_close_date, '%%Y-%%m') mon, coalesce(o.sales_person, '') sp,
					count(*) n, sum(coalesce(o.base_expected_revenue, 0)) p,
					sum(coalesce(o.base_expected_revenue, 0) * case when coalesce(o.probability, 0) > 0
						then o.probability else coalesce(s.probability, 0) end / 100) w, 0 t, 0 a
				from `tabSales Opportunity` o left join `tabSales Method Stage` s on s.parent = o.sales_method
					and s.parenttype = 'Sales Method' and s.stage = o.sales_stage
				where o.status = 'Open' and o.expected_close_date between %(from)s and %(to)s group by mon, sp
				union all select date_format(order_date, '%%Y-%%m'), coalesce(sales_person, ''), 0, 0, 0, 0,
					sum(coalesce(base_grand_total, 0))
				from `tabCustomer Order` where docstatus = 1 and order_date between %(from)s and %(to)s
				group by 1, 2
				union all select date_format(months.m, '%%Y-%%m'), t.sales_person, 0, 0, 0,
					sum(t.target_order_amount / (timestampdiff(month, t.period_start, t.period_end) + 1)), 0
				from `tabSales Plan Target` t join `tabSales Plan` pl on pl.name = t.parent
				join months on months.m between t.period_start and t.period_end
				where pl.docstatus = 1 and t.product is null and t.period_start <= %(to)s
					and t.period_end >= %(from)s group by 1, 2
			) x group by mon, sp order by mon, sp""",
		),
		"Customer Retention": (
			{"period_type": "Annual", "period": str(_YEAR)},
			f"""select customer, previous_orders, previous_amount, current_orders, current_amount, before_,
				case when previous_orders > 0 and current_orders > 0 then 'Retained'
					when previous_orders > 0 then 'Lost' when before_ is not null then 'Returning'
					else 'New' end
			from (select customer,
					sum(order_date between '{_PREVIOUS[0]}' and '{_PREVIOUS[1]}') previous_orders,
					sum(case when order_date between '{_PREVIOUS[0]}' and '{_PREVIOUS[1]}'
						then coalesce(base_grand_total, 0) else 0 end) previous_amount,
					sum(order_date between '{_CURRENT[0]}' and '{_CURRENT[1]}') current_orders,
					sum(case when order_date between '{_CURRENT[0]}' and '{_CURRENT[1]}'
						then coalesce(base_grand_total, 0) else 0 end) current_amount,
					max(case when order_date < '{_PREVIOUS[0]}' then order_date end) before_
				from `tabCustomer Order` where docstatus = 1 and order_date <= '{_CURRENT[1]}'
				group by customer having previous_orders > 0 or current_orders > 0) r
			order by customer""",
		),
		"Sales Plan Achievement": (
			{},
			"""with t as (
				select t.sales_person sp, coalesce(t.product, '') pr, t.period,
					date_format(min(t.period_start), '%%Y-%%m') m0, date_format(max(t.period_end), '%%Y-%%m') m1,
					sum(t.target_order_amount) tord, sum(t.target_collection_amount) tcol,
					sum(t.target_new_customers) tnew
				from `tabSales Plan Target` t join `tabSales Plan` pl on pl.name = t.parent
				where pl.docstatus < 2 and t.period_start <= %(to)s and t.period_end >= %(from)s
				group by sp, pr, t.period
			),
			om as (select sales_person sp, date_format(order_date, '%%Y-%%m') m, sum(base_grand_total) a
				from `tabCustomer Order` where docstatus = 1 group by 1, 2),
			cm as (select sales_person sp, date_format(signed_on, '%%Y-%%m') m, sum(base_grand_total) a
				from `tabSales Contract` where docstatus = 1 group by 1, 2),
			rm as (select sales_person sp, date_format(receipt_date, '%%Y-%%m') m, sum(base_paid_amount) a
				from `tabSales Receipt` where docstatus = 1 group by 1, 2),
			pm as (select o.sales_person sp, i.product pr, date_format(o.order_date, '%%Y-%%m') m,
					sum(i.base_amount) a
				from `tabCustomer Order` o join `tabCustomer Order Item` i on i.parent = o.name
				where o.docstatus = 1 group by 1, 2, 3),
			nm as (select o.sales_person sp, date_format(o.order_date, '%%Y-%%m') m, count(distinct o.customer) n
				from `tabCustomer Order` o where o.docstatus = 1 and not exists (select 1 from
					`tabCustomer Order` e where e.customer = o.customer and e.docstatus = 1
					and e.order_date < o.order_date) group by 1, 2)
			select t.sp, t.pr, t.period, t.tord, t.tcol, t.tnew, sum(x.o), sum(x.c), sum(x.r), sum(x.n)
			from t left join (
				select sp, '' pr, m, a o, 0 c, 0 r, 0 n from om
				union all select sp, '', m, 0, a, 0, 0 from cm
				union all select sp, '', m, 0, 0, a, 0 from rm
				union all select sp, '', m, 0, 0, 0, n from nm
				union all select sp, pr, m, a, 0, 0, 0 from pm
			) x on x.sp = t.sp and x.pr = t.pr and x.m between t.m0 and t.m1
			group by t.sp, t.pr, t.period order by min(t.m0), t.sp, t.pr""",
		),
	}
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
