"""Sales plans: period rules, compilation from history, freezing on submit, and the achievement report,
whose figures are checked against sums done by hand."""

import frappe
import pytest
from factories import deliver_all, make_customer, sales_team, selling_doc

from sales_crm import api
from sales_crm.sales_crm.report.sales_plan_achievement.sales_plan_achievement import execute


@pytest.fixture
def team():
	return sales_team()


def as_user(user):
	frappe.set_user(user)


def make_plan(team, period_type="Monthly", targets=(), growth_factor=1, insert=True):
	as_user(team.manager)
	plan = frappe.get_doc(
		{
			"doctype": "Sales Plan",
			"plan_name": f"Plan {period_type}",
			"fiscal_year": "2026",
			"period_type": period_type,
			"sales_department": team.department,
			"growth_factor": growth_factor,
			"targets": [dict(t) for t in targets],
		}
	)
	return plan.insert() if insert else plan


def make_order(sales_person, amount, order_date, submit=True, **kwargs):
	"""A direct order of ``amount`` (no tax) by the salesperson."""
	as_user("Administrator")
	order = selling_doc(
		"Customer Order",
		[{"qty": 1, "price_list_rate": amount}],
		sales_person=sales_person,
		order_date=order_date,
		tax_rate=0,
		**kwargs,
	)
	if submit:
		order.submit()
	return order


def test_periods_are_checked_and_dated(team):
	plan = make_plan(
		team,
		"Quarterly",
		[
			{"sales_person": team.sales, "period": "2026-Q2", "target_order_amount": 3000},
			{"sales_person": team.other_sales, "period": "2026-Q2", "target_collection_amount": 1000},
		],
	)
	assert [(str(r.period_start), str(r.period_end)) for r in plan.targets] == [
		("2026-04-01", "2026-06-30"),
		("2026-04-01", "2026-06-30"),
	]
	assert (plan.total_target_order_amount, plan.total_target_collection_amount) == (3000, 1000)

	for bad, message in (
		({"sales_person": team.sales, "period": "2026-04", "target_order_amount": 1}, "2026-Q1"),
		({"sales_person": team.sales, "period": "2025-Q4", "target_order_amount": 1}, "outside"),
		({"sales_person": team.sales, "period": "2026-Q2", "target_order_amount": 1}, "already"),
		({"sales_person": team.sales, "period": "2026-Q3", "target_order_amount": -5}, "negative"),
	):
		plan.reload()
		plan.append("targets", bad)
		with pytest.raises(frappe.ValidationError, match=message):
			plan.save()

	plan.reload()
	plan.fiscal_year = "26"
	with pytest.raises(frappe.ValidationError, match="Fiscal Year"):
		plan.save()


def test_compile_fills_empty_targets_from_the_previous_period(team):
	customer = make_customer().name
	make_order(team.sales, 1000, "2026-02-03", customer=customer)
	make_order(team.sales, 500, "2026-02-28", customer=customer)
	make_order(team.sales, 300, "2026-02-10", submit=False)  # a draft is not an order yet
	make_order(team.sales, 700, "2026-03-15")
	make_order(team.other_sales, 400, "2026-02-14")
	make_order(team.other_sales, 9999, "2026-01-31")  # January is not February

	plan = make_plan(
		team,
		"Monthly",
		[
			{"sales_person": team.sales, "period": "2026-03"},  # empty: February 1,500 × 1.2
			{"sales_person": team.sales, "period": "2026-04"},  # empty: March 700 × 1.2
			{"sales_person": team.other_sales, "period": "2026-03", "target_order_amount": 999},
			{"sales_person": team.other_sales, "period": "2026-04", "target_collection_amount": 50},
		],
		growth_factor=1.2,
	)
	# an empty row cannot be submitted before compilation
	with pytest.raises(frappe.ValidationError, match="row 1"):
		frappe.get_doc("Sales Plan", plan.name).submit()

	with pytest.raises(frappe.PermissionError):
		as_user(team.sales)
		api.compile_sales_plan(plan.name)

	as_user(team.manager)
	compiled = api.compile_sales_plan(plan.name)
	assert [(r.sales_person, r.period, r.target_order_amount) for r in compiled.targets] == [
		(team.sales, "2026-03", 1800),
		(team.sales, "2026-04", 840),
		(team.other_sales, "2026-03", 999),  # entered by hand: kept
		(team.other_sales, "2026-04", 0),  # March had no orders of theirs
	]
	assert compiled.total_target_order_amount == 1800 + 840 + 999
	assert frappe.db.get_value("Sales Plan", plan.name, "total_target_order_amount") == 3639

	compiled.submit()
	with pytest.raises(frappe.ValidationError, match="frozen"):
		api.compile_sales_plan(plan.name)


def test_compile_a_quarterly_plan(team):
	make_order(team.sales, 1000, "2025-10-01")
	make_order(team.sales, 2000, "2025-12-31")
	make_order(team.sales, 4000, "2026-01-01")
	plan = make_plan(team, "Quarterly", [{"sales_person": team.sales, "period": "2026-Q1"}])
	compiled = api.compile_sales_plan(plan.name)
	assert compiled.targets[0].target_order_amount == 3000  # 2025-Q4: 1,000 + 2,000, growth 1


def test_achievement_report_matches_hand_computed_figures(team):
	plan = make_plan(
		team,
		"Monthly",
		[
			{
				"sales_person": team.sales,
				"period": "2026-03",
				"target_order_amount": 2000,
				"target_collection_amount": 1000,
			},
			{"sales_person": team.sales, "period": "2026-04", "target_order_amount": 1000},
			{
				"sales_person": team.other_sales,
				"period": "2026-03",
				"target_order_amount": 500,
				"target_collection_amount": 500,
			},
		],
	)
	plan.submit()

	# March, salesperson: a 1,000 contract signed and ordered, 600 of it collected; a direct order of 500
	as_user("Administrator")
	contract = selling_doc(
		"Sales Contract",
		[{"qty": 1, "price_list_rate": 1000}],
		sales_person=team.sales,
		tax_rate=0,
		signed_on="2026-03-05",
	)
	contract.submit()
	order = frappe.get_doc(api.make_order(contract.name))
	order.order_date = "2026-03-12"
	order.insert()
	order.submit()
	as_user(team.accounts)
	deliver_all(order.name)
	receivable = api.invoice_order(order.name, "INV-R1", "2026-03-20", 1000)
	receipt = frappe.get_doc(api.make_receipt(receivable))
	receipt.receipt_date = "2026-03-25"
	receipt.allocations[0].allocated_amount = 600
	receipt.insert()
	receipt.submit()
	make_order(team.sales, 500, "2026-03-20")
	make_order(team.sales, 800, "2026-03-21", submit=False)  # a draft does not count
	# April: 300; the other salesperson's March: 250; and an order of May, outside every target
	make_order(team.sales, 300, "2026-04-02")
	make_order(team.other_sales, 250, "2026-03-15")
	make_order(team.sales, 5000, "2026-05-01")

	as_user(team.manager)
	columns, data, message, chart, summary = execute({"sales_plan": plan.name})
	assert message is None
	fieldnames = [c["fieldname"] for c in columns]
	for fieldname in (
		"sales_person",
		"period",
		"target_order_amount",
		"actual_order_amount",
		"order_completion",
		"actual_contract_amount",
		"target_collection_amount",
		"actual_collection_amount",
		"collection_completion",
	):
		assert fieldname in fieldnames
	rows = {(row["sales_person"], row["period"]): row for row in data}
	assert len(rows) == 3
	figures = (
		"target_order_amount",
		"actual_order_amount",
		"order_completion",
		"actual_contract_amount",
		"target_collection_amount",
		"actual_collection_amount",
		"collection_completion",
	)

	def of(key):
		return tuple(rows[key][f] for f in figures)

	assert of((team.sales, "2026-03")) == (2000, 1500, 75, 1000, 1000, 600, 60)
	assert of((team.sales, "2026-04")) == (1000, 300, 30, 0, 0, 0, 0)
	assert of((team.other_sales, "2026-03")) == (500, 250, 50, 0, 500, 0, 0)

	# the chart compares target and actual orders, the summary totals them: 2,050 of 3,500 = 58.57 %
	assert chart["type"] == "bar"
	assert [d["values"] for d in chart["data"]["datasets"]] == [[2000, 500, 1000], [1500, 250, 300]]
	totals = {s["label"]: s["value"] for s in summary}
	assert (totals["Target Orders"], totals["Actual Orders"], totals["Order Completion (%)"]) == (
		3500,
		2050,
		58.57,
	)
	assert totals["Collection Completion (%)"] == 40  # 600 of 1,500

	# filters
	only = execute({"sales_plan": plan.name, "sales_person": team.other_sales})[1]
	assert [(r["sales_person"], r["period"]) for r in only] == [(team.other_sales, "2026-03")]
	march = execute({"sales_plan": plan.name, "period": "2026-03"})[1]
	assert sorted(r["actual_order_amount"] for r in march) == [250, 1500]
	assert len(execute({"sales_plan": plan.name, "sales_department": team.department})[1]) == 3

	# a salesperson sees their own rows only
	as_user(team.other_sales)
	assert [r["sales_person"] for r in execute({"sales_plan": plan.name})[1]] == [team.other_sales]
