"""Issue 13 (plan half): product and new-customer targets of a Sales Plan, compiling per product, the
Sales Pipeline Forecast and the Customer Retention reports — every figure checked against numbers
worked out by hand on small hand-made data, and each report's scoping (a salesperson sees their own)."""

import types

import frappe
import pytest
from factories import make_customer, make_product, sales_team, selling_doc
from frappe.utils import random_string

from sales_crm import api
from sales_crm.rules.plans import new_customers
from sales_crm.sales_crm.report.customer_retention.customer_retention import execute as retention
from sales_crm.sales_crm.report.sales_pipeline_forecast.sales_pipeline_forecast import execute as forecast
from sales_crm.sales_crm.report.sales_plan_achievement.sales_plan_achievement import (
	execute as achievement,
)


@pytest.fixture
def team():
	return sales_team()


def order(team, person, customer, day, rows, submit=True, **kwargs):
	"""An order of ``rows`` ((product, qty, rate), …), no tax, in the salesperson's department."""
	frappe.set_user("Administrator")
	doc = selling_doc(
		"Customer Order",
		[{"product": p, "qty": q, "price_list_rate": r} for p, q, r in rows],
		customer=customer,
		sales_person=person,
		sales_department=team.department,
		order_date=day,
		tax_rate=0,
		**kwargs,
	)
	if submit:
		doc.submit()
	return doc


def plan(team, period_type, targets, submit=True, growth_factor=1):
	frappe.set_user(team.manager)
	doc = frappe.get_doc(
		{
			"doctype": "Sales Plan",
			"plan_name": f"Plan {random_string(5)}",
			"fiscal_year": "2026",
			"period_type": period_type,
			"sales_department": team.department,
			"growth_factor": growth_factor,
			"targets": [dict(t) for t in targets],
		}
	).insert()
	if submit:
		doc.submit()
	return doc


# ------------------------------------------------------------------------------- Sales Plan Achievement


def test_product_and_new_customer_targets_are_measured(team):
	a, b = make_product(standard_rate=100).name, make_product(standard_rate=100).name
	old, c1, c2, c3, c4, c5 = (make_customer().name for _ in range(6))
	order(team, team.sales, old, "2026-02-10", [(a, 1, 100)])  # old: first order in February
	order(team, team.sales, c1, "2026-03-02", [(a, 2, 300), (b, 1, 500)])  # new in March: 1,100
	order(team, team.sales, c2, "2026-03-05", [(a, 1, 200)])  # new in March
	order(team, team.sales, c2, "2026-03-25", [(b, 3, 100)])  # c2 again: still one new customer
	order(team, team.sales, old, "2026-03-10", [(b, 1, 1000)])  # an old customer: not new
	order(team, team.other_sales, c3, "2026-03-15", [(a, 1, 700)])  # new for the other salesperson
	order(team, team.sales, c4, "2026-04-01", [(a, 1, 50)])  # new in April
	order(team, team.sales, c5, "2026-03-30", [(a, 9, 900)], submit=False)  # a draft does not count

	doc = plan(
		team,
		"Monthly",
		[
			{
				"sales_person": team.sales,
				"period": "2026-03",
				"target_order_amount": 5000,
				"target_new_customers": 2,
			},
			{"sales_person": team.sales, "product": a, "period": "2026-03", "target_order_amount": 1000},
			{"sales_person": team.sales, "product": b, "period": "2026-03", "target_order_amount": 2000},
			{"sales_person": team.other_sales, "period": "2026-03", "target_new_customers": 1},
			{"sales_person": team.sales, "period": "2026-04", "target_new_customers": 3},
		],
	)
	# the product rows break the salesperson's March down: not added to the plan's total again
	assert doc.total_target_order_amount == 5000

	frappe.set_user(team.manager)
	columns, data, message, chart, summary = achievement({"sales_plan": doc.name})
	assert message is None
	fieldnames = [c["fieldname"] for c in columns]
	for fieldname in ("product", "target_new_customers", "actual_new_customers", "new_customer_completion"):
		assert fieldname in fieldnames
	rows = {(r["sales_person"], r["product"], r["period"]): r for r in data}
	figures = ("target_order_amount", "actual_order_amount", "order_completion")
	new = ("target_new_customers", "actual_new_customers", "new_customer_completion")

	def of(key, names):
		return tuple(rows[key][f] for f in names)

	# March orders of the salesperson: 1,100 + 200 + 300 + 1,000 = 2,600 of 5,000; new: c1, c2
	assert of((team.sales, None, "2026-03"), figures) == (5000, 2600, 52)
	assert of((team.sales, None, "2026-03"), new) == (2, 2, 100)
	# product A's rows in March: 600 + 200 = 800 of 1,000; B's: 500 + 300 + 1,000 = 1,800 of 2,000
	assert of((team.sales, a, "2026-03"), figures) == (1000, 800, 80)
	assert of((team.sales, b, "2026-03"), figures) == (2000, 1800, 90)
	assert rows[(team.sales, a, "2026-03")]["actual_new_customers"] is None
	assert of((team.other_sales, None, "2026-03"), new) == (1, 1, 100)
	assert of((team.sales, None, "2026-04"), new) == (3, 1, 33.33)
	assert of((team.sales, None, "2026-04"), figures) == (0, 50, 0)
	assert len(rows) == 5

	# the summary counts the salesperson rows: 2,600 + 700 + 50 ordered; 2 + 1 + 1 new customers
	totals = {s["label"]: s["value"] for s in summary}
	assert (totals["Target Orders"], totals["Actual Orders"], totals["New Customers"]) == (5000, 3350, 4)
	assert sorted(chart["data"]["labels"][:3]) == sorted(
		[f"{team.sales} 2026-03", f"{team.sales} {a} 2026-03", f"{team.sales} {b} 2026-03"]
	)

	# the same new customers as the plain rule over the same orders
	orders = frappe.get_all(
		"Customer Order",
		filters={"docstatus": 1, "customer": ["in", [old, c1, c2, c3, c4, c5]]},
		fields=["customer", "sales_person", "order_date", "name"],
	)
	import datetime

	rule = new_customers(
		[(o.customer, o.sales_person, o.order_date, o.name) for o in orders],
		datetime.date(2026, 3, 1),
		datetime.date(2026, 3, 31),
	)
	assert rule == {team.sales: {c1, c2}, team.other_sales: {c3}}

	# filters: product, salesperson, period, department
	only_a = achievement({"sales_plan": doc.name, "product": a})[1]
	assert [(r["product"], r["actual_order_amount"]) for r in only_a] == [(a, 800)]
	assert {
		r["sales_person"] for r in achievement({"sales_plan": doc.name, "sales_person": team.other_sales})[1]
	} == {team.other_sales}
	assert len(achievement({"sales_plan": doc.name, "period": "2026-04"})[1]) == 1
	assert len(achievement({"sales_plan": doc.name, "sales_department": team.department})[1]) == 5
	# without a plan: every visible plan touching the period
	period = achievement(
		{"from_date": "2026-03-01", "to_date": "2026-03-31", "sales_department": team.department}
	)
	assert {(r["sales_person"], r["product"]) for r in period[1]} == {
		(team.sales, None),
		(team.sales, a),
		(team.sales, b),
		(team.other_sales, None),
	}
	# a salesperson sees their own rows only, whatever they ask for
	frappe.set_user(team.other_sales)
	mine = achievement({"sales_plan": doc.name, "sales_person": team.sales})[1]
	assert [(r["sales_person"], r["actual_new_customers"]) for r in mine] == [(team.other_sales, 1)]


def kept_first(customer) -> tuple:
	return tuple(
		frappe.db.get_value("Sales Customer", customer, ["first_order", "first_order_date", "first_order_by"])
	)


def kept_amounts(team, product) -> dict:
	return {
		(r.sales_person, str(r.month)): r.amount
		for r in frappe.db.sql(
			"""select sales_person, month, sum(base_amount) amount from `tabSales Product Month`
			where product = %s and sales_person in %s group by sales_person, month""",
			(product, (team.sales, team.other_sales)),
			as_dict=True,
		)
	}


def test_customers_keep_their_first_order_and_salespeople_their_monthly_product_amounts(team):
	import datetime

	from invariants import kept_violations

	a = make_product(standard_rate=100).name
	customer = make_customer().name
	assert kept_first(customer) == (None, None, None)
	first = order(team, team.sales, customer, "2026-03-10", [(a, 1, 100)])
	assert kept_first(customer) == (first.name, datetime.date(2026, 3, 10), team.sales)
	# an earlier order of another salesperson: now the first, and the customer is theirs to count
	earlier = order(team, team.other_sales, customer, "2026-03-05", [(a, 2, 50)])
	later = order(team, team.sales, customer, "2026-04-02", [(a, 3, 10)])
	draft = order(team, team.sales, customer, "2026-03-01", [(a, 1, 999)], submit=False)
	assert kept_first(customer) == (earlier.name, datetime.date(2026, 3, 5), team.other_sales)
	assert kept_amounts(team, a) == {
		(team.sales, "2026-03-01"): 100,
		(team.other_sales, "2026-03-01"): 100,
		(team.sales, "2026-04-01"): 30,
	}
	march = achievement_new(team, "2026-03")
	assert march == {team.other_sales: 1}

	# cancelling the first finds the next; cancelling takes its rows off the month
	earlier.reload()
	earlier.cancel()
	assert kept_first(customer) == (first.name, datetime.date(2026, 3, 10), team.sales)
	assert kept_amounts(team, a)[(team.other_sales, "2026-03-01")] == 0
	assert achievement_new(team, "2026-03") == {team.sales: 1}
	assert achievement_products(team, [a], "2026-03") == {a: 0}  # the other salesperson's March: nothing left

	# the amended order (its own name, the same day) is the first again once submitted
	amended = order(team, team.other_sales, customer, "2026-03-05", [(a, 2, 50)], amended_from=earlier.name)
	assert amended.name == f"{earlier.name}-1"
	assert kept_first(customer) == (amended.name, datetime.date(2026, 3, 5), team.other_sales)
	first.reload()
	first.cancel()
	later.reload()
	later.cancel()
	draft.delete()
	amended.reload()
	amended.cancel()
	assert kept_first(customer) == (None, None, None)
	assert kept_violations() == []

	# only the server writes them
	doc = frappe.get_doc("Sales Customer", customer)
	doc.first_order_date = "2020-01-01"
	with pytest.raises(frappe.ValidationError, match="First Order Date"):
		doc.save()
	assert kept_first(customer) == (None, None, None)
	kept = frappe.get_last_doc("Sales Product Month")
	kept.base_amount = 1
	with pytest.raises(frappe.PermissionError):
		kept.save()
	with pytest.raises(frappe.PermissionError):
		kept.delete()


def test_a_cancelled_first_order_gives_way_to_one_submitted_after_the_cancel_s_snapshot(team):
	"""The next first is found among the orders as committed, not as the cancelling transaction first saw
	them: an order another request submitted after that transaction's first read becomes the first."""
	import datetime

	from lock_probe import LockProbe

	a = make_product(standard_rate=100).name
	customer = make_customer().name
	first = order(team, team.sales, customer, "2026-03-05", [(a, 1, 100)])
	later = order(team, team.other_sales, customer, "2026-03-10", [(a, 1, 100)], submit=False)
	frappe.db.commit()
	other = LockProbe()
	try:
		assert kept_first(customer)[0] == first.name  # this transaction's snapshot
		# another request submits the later order (its row is all the first order is found by)
		other.cursor.execute("update `tabCustomer Order` set docstatus = 1 where name = %s", (later.name,))
		other.connection.commit()
		first.reload()
		first.cancel()
		assert kept_first(customer) == (later.name, datetime.date(2026, 3, 10), team.other_sales)
	finally:
		frappe.db.rollback()
		other.cursor.execute("update `tabCustomer Order` set docstatus = 0 where name = %s", (later.name,))
		other.connection.commit()
		other.close()
	assert kept_first(customer)[0] == first.name


def test_the_kept_figures_are_rebuilt_from_the_orders(team, monkeypatch):
	"""The patch (and a repair) recomputes them from the submitted orders: what a site that had orders before
	they were kept gets."""
	from invariants import kept_violations

	from sales_crm import kept
	from sales_crm.patches.v1 import keep_figures_of_posted_documents

	monkeypatch.setattr(frappe.db, "commit", lambda: None)  # the test's transaction is rolled back after it
	a = make_product(standard_rate=100).name
	customer = make_customer().name
	first = order(team, team.sales, customer, "2026-05-04", [(a, 1, 100), (a, 1, 20)])
	frappe.db.sql(
		"update `tabSales Customer` set first_order = null, first_order_date = null where name = %s", customer
	)
	frappe.db.sql("update `tabSales Product Month` set base_amount = base_amount + 7 where product = %s", a)
	assert kept_violations()
	monkeypatch.setattr(kept, "CHUNK", 2)  # the site's groups written over many statements
	keep_figures_of_posted_documents.execute()
	assert kept_violations() == []
	assert kept_first(customer)[0] == first.name
	assert kept_amounts(team, a) == {(team.sales, "2026-05-01"): 120}


def achievement_new(team, period) -> dict:
	from sales_crm.sales_crm.report.sales_plan_achievement import sales_plan_achievement as plans

	start = f"{period}-01"
	span = plans.Span([team.sales, team.other_sales], start, frappe.utils.get_last_day(start))
	return {person: count for (person, _month), count in plans.monthly_new_customers(span).items() if count}


def _rows_carry(doc) -> set:
	return set(
		frappe.get_all(
			"Customer Order Item",
			filters={"parent": doc.name},
			fields=["sales_person", "order_date", "docstatus"],
			as_list=True,
		)
	)


def test_order_rows_carry_their_order_s_salesperson_and_date(team):
	"""The product targets read the order rows alone: each row repeats its order's salesperson and date,
	set by the server on every save, and no client sets them."""
	import datetime

	a, b = make_product(standard_rate=100).name, make_product(standard_rate=100).name
	doc = order(team, team.sales, make_customer().name, "2026-03-02", [(a, 1, 100), (b, 2, 50)], submit=False)
	assert _rows_carry(doc) == {(team.sales, datetime.date(2026, 3, 2), 0)}

	# a draft moved to another salesperson and day: its rows follow
	doc.sales_person, doc.order_date = team.other_sales, "2026-04-07"
	doc.save()
	assert _rows_carry(doc) == {(team.other_sales, datetime.date(2026, 4, 7), 0)}

	# a client that sets a row's copy apart from its order's is refused before anything is written
	doc.reload()
	doc.items[0].sales_person = team.sales
	with pytest.raises(frappe.ValidationError, match=r"row 1.*Sales Person"):
		doc.save()
	assert _rows_carry(doc) == {(team.other_sales, datetime.date(2026, 4, 7), 0)}

	doc.reload()
	doc.submit()
	assert _rows_carry(doc) == {(team.other_sales, datetime.date(2026, 4, 7), 1)}
	frappe.set_user(team.manager)
	product_rows = achievement_products(team, [a, b], "2026-04")
	assert product_rows == {a: 100, b: 100}


def test_a_renamed_salesperson_is_renamed_on_the_order_rows(team):
	"""The rows' salesperson is a Link to User like the order's: renaming the user renames both."""
	a = make_product(standard_rate=100).name
	doc = order(team, team.other_sales, make_customer().name, "2026-03-02", [(a, 1, 100), (a, 2, 10)])
	new = f"renamed-{random_string(6).lower()}@example.com"
	frappe.rename_doc("User", team.other_sales, new, force=True)
	assert frappe.db.get_value("Customer Order", doc.name, "sales_person") == new
	assert {person for person, _day, _status in _rows_carry(doc)} == {new}
	# and on what is kept of it: the product's month and the customer's first order
	renamed = types.SimpleNamespace(other_sales=new)
	assert achievement_products(renamed, [a], "2026-03") == {a: 120}
	assert frappe.db.get_value("Sales Customer", doc.customer, "first_order_by") == new


def achievement_products(team, products, period) -> dict:
	from sales_crm.sales_crm.report.sales_plan_achievement import sales_plan_achievement as plans

	start = f"{period}-01"
	span = plans.Span([team.other_sales], start, frappe.utils.get_last_day(start))
	amounts = plans.monthly_product_amounts(span, products)
	return {product: amount for (_person, product, _month), amount in amounts.items()}


def test_the_patch_fills_the_rows_of_orders_made_before_they_carried_them(team, monkeypatch):
	from sales_crm.patches.v1 import carry_order_fields_to_rows

	monkeypatch.setattr(frappe.db, "commit", lambda: None)  # the test's transaction is rolled back after it
	a = make_product(standard_rate=100).name
	doc = order(team, team.sales, make_customer().name, "2026-05-04", [(a, 1, 100), (a, 1, 20)])
	frappe.db.sql(
		"update `tabCustomer Order Item` set sales_person = null, order_date = null where parent = %s",
		doc.name,
	)
	# slices of two orders, so that the site's orders run over many slices and this one's falls in one
	monkeypatch.setattr(carry_order_fields_to_rows, "SLICE", 2)
	carry_order_fields_to_rows.execute()
	import datetime

	assert _rows_carry(doc) == {(team.sales, datetime.date(2026, 5, 4), 1)}


def test_the_patch_slices_cover_every_order_once(team, monkeypatch):
	from sales_crm.patches.v1 import carry_order_fields_to_rows

	for day in ("2026-05-04", "2026-05-05", "2026-05-06"):
		order(team, team.sales, make_customer().name, day, [(make_product(standard_rate=10).name, 1, 10)])
	names = frappe.db.sql_list("select name from `tabCustomer Order` order by name")
	monkeypatch.setattr(carry_order_fields_to_rows, "SLICE", 2)
	slices = list(carry_order_fields_to_rows.slices("Customer Order"))
	# each slice runs from its first to its last name in the database's own order
	covered = [n for first, last in slices for n in names[names.index(first) : names.index(last) + 1]]
	assert covered == names  # in order, none left out, none twice
	assert len(slices) == -(-len(names) // 2)


def test_product_targets_are_checked(team):
	a = make_product().name
	with pytest.raises(frappe.ValidationError, match=r"row 1.*order target only"):
		plan(
			team,
			"Monthly",
			[{"sales_person": team.sales, "product": a, "period": "2026-03", "target_collection_amount": 10}],
		)
	with pytest.raises(frappe.ValidationError, match=rf"row 2.*product {a}"):
		plan(
			team,
			"Monthly",
			[
				{"sales_person": team.sales, "product": a, "period": "2026-03", "target_order_amount": 10},
				{"sales_person": team.sales, "product": a, "period": "2026-03", "target_order_amount": 20},
			],
		)
	# the same salesperson and month with and without a product, or with two products, is fine
	b = make_product().name
	doc = plan(
		team,
		"Monthly",
		[
			{"sales_person": team.sales, "period": "2026-03", "target_order_amount": 10},
			{"sales_person": team.sales, "product": a, "period": "2026-03", "target_order_amount": 10},
			{"sales_person": team.sales, "product": b, "period": "2026-03", "target_order_amount": 10},
		],
		submit=False,
	)
	assert len(doc.targets) == 3


def test_compile_per_product(team):
	a, b, c = (make_product().name for _ in range(3))
	customer = make_customer().name
	order(team, team.sales, customer, "2026-02-03", [(a, 1, 100), (b, 2, 150)])  # February: 400
	order(team, team.sales, customer, "2026-02-20", [(c, 1, 80)])  # February: 80 more
	order(team, team.sales, customer, "2026-03-01", [(a, 5, 1000)])  # March: not the period before
	order(team, team.other_sales, customer, "2026-02-11", [(b, 1, 999)])  # another salesperson's
	doc = plan(
		team,
		"Monthly",
		[
			{"sales_person": team.sales, "period": "2026-03"},
			{"sales_person": team.sales, "product": a, "period": "2026-03"},
			{"sales_person": team.sales, "product": c, "period": "2026-03", "target_order_amount": 7},
		],
		submit=False,
		growth_factor=1.5,
	)
	frappe.set_user(team.manager)
	compiled = api.compile_sales_plan(doc.name)  # without the option: fills the empty rows only
	assert [(r.product, r.target_order_amount) for r in compiled.targets] == [
		(None, 720),  # (400 + 80) × 1.5
		(a, 150),  # 100 × 1.5
		(c, 7),  # typed by hand: kept
	]
	compiled = api.compile_sales_plan(doc.name, by_product=1)  # adds B, which February sold
	assert sorted((r.product or "", r.target_order_amount) for r in compiled.targets) == sorted(
		[("", 720), (a, 150), (c, 7), (b, 450)]
	)
	assert compiled.total_target_order_amount == 720
	compiled.submit()


# ------------------------------------------------------------------------------ Sales Pipeline Forecast


def opportunity(team, person, close, revenue, probability=None, status="Open"):
	frappe.set_user("Administrator")
	doc = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": f"Deal {random_string(5)}",
			"customer": make_customer().name,
			"sales_person": person,
			"sales_department": team.department,
			"expected_close_date": close,
			"sales_stage": "Quotation",  # the Standard method's 60 %
			"items": [{"product": make_product().name, "qty": 1, "rate": revenue}],
		}
	).insert()
	# the probability as stored: typed, or none (0) so that the stage's applies
	frappe.db.set_value("Sales Opportunity", doc.name, {"probability": probability or 0, "status": status})
	return doc.name


def test_forecast_figures(team):
	opportunity(team, team.sales, "2026-03-10", 1000, 40)  # 400
	opportunity(team, team.sales, "2026-03-20", 500)  # no probability: the stage's 60 % → 300
	opportunity(team, team.sales, "2026-04-05", 2000, 20)  # 400
	opportunity(team, team.sales, "2026-03-12", 9000, 90, status="Lost")  # not open: out
	opportunity(team, team.sales, "2026-05-02", 9000, 90)  # after the period: out
	opportunity(team, team.other_sales, "2026-03-01", 100, 50)  # 50
	product = make_product().name
	order(team, team.sales, make_customer().name, "2026-03-15", [(product, 1, 800)])
	order(team, team.other_sales, make_customer().name, "2026-04-01", [(product, 1, 300)])
	order(team, team.sales, make_customer().name, "2026-03-16", [(product, 1, 5000)], submit=False)
	# a quarter's target is spread over its months: 3,000 → 1,000 a month; 900 → 300 a month
	plan(
		team,
		"Quarterly",
		[
			{"sales_person": team.sales, "period": "2026-Q1", "target_order_amount": 3000},
			{"sales_person": team.sales, "period": "2026-Q2", "target_order_amount": 900},
			{"sales_person": team.other_sales, "period": "2026-Q1", "target_new_customers": 1},
		],
	)
	plan(  # a draft plan does not count
		team,
		"Quarterly",
		[{"sales_person": team.sales, "period": "2026-Q1", "target_order_amount": 99999}],
		submit=False,
	)
	frappe.set_user(team.manager)
	filters = {"from_date": "2026-03-01", "to_date": "2026-04-30", "sales_department": team.department}
	columns, data, message, chart, summary = forecast(filters)
	assert message is None
	figures = (
		"open_opportunities",
		"pipeline_amount",
		"weighted_amount",
		"target_amount",
		"actual_amount",
		"forecast_amount",
		"forecast_completion",
	)
	rows = {(r["month"], r["sales_person"]): tuple(r[f] for f in figures) for r in data}
	assert rows == {
		("2026-03", team.sales): (2, 1500, 700, 1000, 800, 1500, 150),
		("2026-03", team.other_sales): (1, 100, 50, 0, 0, 50, 0),
		("2026-04", team.sales): (1, 2000, 400, 300, 0, 400, 133.33),
		("2026-04", team.other_sales): (0, 0, 0, 0, 300, 300, 0),
	}
	assert [c["fieldname"] for c in columns][:2] == ["month", "sales_person"]
	assert chart["data"]["labels"] == ["2026-03", "2026-04"]
	assert [d["values"] for d in chart["data"]["datasets"]] == [[800, 300], [750, 400], [1000, 300]]
	totals = {s["label"]: s["value"] for s in summary}
	assert (totals["Weighted Pipeline"], totals["Target Orders"], totals["Actual Orders"]) == (
		1150,
		1300,
		1100,
	)

	by_department = forecast({**filters, "group_by": "Sales Department"})[1]
	assert [
		(r["month"], r["sales_department"], r["weighted_amount"], r["target_amount"], r["actual_amount"])
		for r in by_department
	] == [
		("2026-03", team.department, 750, 1000, 800),
		("2026-04", team.department, 400, 300, 300),
	]
	assert forecast({**filters, "group_by": "Nonsense"})[:2] == ([], [])

	# a salesperson sees their own figures only, whatever they ask for
	frappe.set_user(team.other_sales)
	mine = forecast({**filters, "sales_person": team.sales})[1]
	assert {r["sales_person"] for r in mine} == {team.other_sales}
	assert sum(r["weighted_amount"] for r in mine) == 50


# ----------------------------------------------------------------------------------- Customer Retention


def test_retention_figures(team):
	from test_contacts import address

	product = make_product().name
	a, b, c, d, e, f, g = (make_customer().name for _ in range(7))
	site_1, site_2 = address(a, "Office").name, address(a, "Plant").name

	def buy(customer, day, amount, submit=True, **kwargs):
		return order(team, team.sales, customer, day, [(product, 1, amount)], submit=submit, **kwargs)

	buy(a, "2026-02-01", 100, customer_address=site_1)  # previous quarter
	buy(a, "2026-05-01", 200, customer_address=site_2)  # and current: retained
	buy(b, "2026-03-31", 300)  # previous only: lost
	buy(c, "2025-12-20", 50)  # before the previous quarter …
	buy(c, "2026-04-10", 400)  # … and again now: returning
	buy(d, "2026-04-01", 500)  # first ever, twice: new
	buy(d, "2026-06-30", 250)
	buy(e, "2025-11-01", 70)  # bought only long ago: not shown
	buy(f, "2026-07-01", 80)  # after the current quarter: not shown
	buy(g, "2026-02-02", 90, submit=False)  # a draft: not shown

	frappe.set_user(team.manager)
	filters = {"period_type": "Quarterly", "period": "2026-Q2", "sales_department": team.department}
	_columns, data, message, chart, summary = retention(filters)
	assert message == "2026-Q2 compared with 2026-Q1"
	figures = ("category_key", "previous_orders", "previous_amount", "current_orders", "current_amount")
	rows = {r["customer"]: tuple(r[k] for k in figures) for r in data}
	assert rows == {
		a: ("Retained", 1, 100, 1, 200),
		b: ("Lost", 1, 300, 0, 0),
		c: ("Returning", 0, 0, 1, 400),
		d: ("New", 0, 0, 2, 750),
	}
	assert str(next(r for r in data if r["customer"] == c)["last_order_before"]) == "2025-12-20"
	totals = {s["label"]: s["value"] for s in summary}
	assert [totals[f"{k} Customers"] for k in ("Retained", "Lost", "Returning", "New")] == [1, 1, 1, 1]
	assert (totals["Lost Revenue"], totals["New Revenue"]) == (300, 750)
	# retention 1 of 2, churn 1 of 2, repeat purchases: retained + returning, 2 of the current 3
	assert (totals["Retention Rate (%)"], totals["Churn Rate (%)"], totals["Repeat-Purchase Rate (%)"]) == (
		50,
		50,
		66.67,
	)
	assert chart["data"]["datasets"][0]["values"] == [1, 1, 1, 1]
	assert chart["data"]["datasets"][1]["values"] == [200, 300, 400, 750]

	# per customer site: a's office bought in Q1 only (lost), its plant in Q2 only (new)
	per_site = retention({**filters, "per_site": 1})[1]
	sites = {(r["customer"], r["customer_address"]): r["category_key"] for r in per_site}
	assert sites[(a, site_1)] == "Lost" and sites[(a, site_2)] == "New"
	assert sites[(d, "Not Set")] == "New" and len(sites) == 5

	# the rows are the customers of highest revenue, the most first (lost: what they bought before); the
	# summary and the chart count every customer, listed or not; a category lists its customers alone
	assert [r["customer"] for r in data] == [d, c, b, a]
	_c, first_two, cut_message, cut_chart, cut_summary = retention({**filters, "top": 2})
	assert [r["customer"] for r in first_two] == [d, c] and "(Top)" in cut_message
	assert (cut_chart, cut_summary) == (chart, summary)
	assert [r["customer"] for r in retention({**filters, "category": "Lost"})[1]] == [b]
	assert retention({**filters, "category": "Gone"})[:2] == ([], [])

	# a year against the year before; a bad period is a message, not an error
	annual = {
		r["customer"]: r["category_key"]
		for r in retention({**filters, "period_type": "Annual", "period": "2026"})[1]
	}
	assert annual == {a: "New", b: "New", c: "Retained", d: "New", f: "New", e: "Lost"}
	assert retention({**filters, "period": "2026-13"})[:2] == ([], [])

	# a salesperson counts the orders their list shows: the other salesperson has none here
	frappe.set_user(team.other_sales)
	assert retention(filters)[1] == []
	frappe.set_user(team.sales)
	assert {r["customer"] for r in retention(filters)[1]} == {a, b, c, d}
