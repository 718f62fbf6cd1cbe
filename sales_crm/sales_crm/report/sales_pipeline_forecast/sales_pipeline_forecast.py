# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Sales Pipeline Forecast (销售预测): the open opportunities' weighted pipeline (company-currency expected
revenue × probability; the stage's probability of the opportunity's sales method when the opportunity has
none) by expected close month, set against the submitted plans' order targets and the actual submitted
orders of that month, per salesperson or per department.

Opportunities without an expected close date cannot be placed in a month and are left out. A plan target
of a quarter, half or year is spread evenly over its months; product targets are breakdowns and are not
added. Everything is one grouped query per figure; a Sales User sees only their own figures."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Count, Sum
from frappe.utils import flt

from sales_crm.org import has_role
from sales_crm.reporting import (
	NOT_SET,
	ORDER_INDEXES,
	column,
	currency,
	never_raises,
	report_filters,
	scope,
	summary,
	visible,
)
from sales_crm.rules.forecast import month_sums, monthly_targets
from sales_crm.rules.plans import completion

OVERSEERS = {"Sales Manager", "Sales Director", "Accounts User", "System Manager"}
GROUPS = {"Sales Person": "sales_person", "Sales Department": "sales_department"}
# How an open opportunity's amount is weighted: its own probability (the stage's when it has none), its
# sales method stage's probability, or the win probability of the customer mining run's win model
# (sales_crm/flows/mining.py; the stage's probability while there is too little history to learn from).
WEIGHTINGS = ("Probability", "Stage Probability", "Win Probability")


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	if not has_role(OVERSEERS):
		filters.sales_person = frappe.session.user
	group_by = filters.group_by or "Sales Person"
	if group_by not in GROUPS:
		frappe.throw(
			_("Group By must be Sales Person or Sales Department, not {0}").format(group_by),
			title=_("Invalid Filter"),
		)
	field = GROUPS[group_by]
	filters.weighting = filters.weighting or WEIGHTINGS[0]
	if filters.weighting not in WEIGHTINGS:
		frappe.throw(
			_("Weighting must be Probability, Stage Probability or Win Probability, not {0}").format(
				filters.weighting
			),
			title=_("Invalid Filter"),
		)
	data = get_data(filters, field)
	return get_columns(field), data, None, get_chart(data), get_summary(data)


def get_columns(field: str) -> list[dict]:
	group = (
		column("sales_person", _("Sales Person"), "Link", 200, options="User")
		if field == "sales_person"
		else column("sales_department", _("Sales Department"), "Link", 180, options="Sales Department")
	)
	return [
		column("month", _("Month"), "Data", 90),
		group,
		column("open_opportunities", _("Open Opportunities"), "Int", 110),
		currency("pipeline_amount", _("Pipeline")),
		currency("weighted_amount", _("Weighted Pipeline")),
		currency("target_amount", _("Target Orders")),
		currency("actual_amount", _("Actual Orders")),
		currency("forecast_amount", _("Forecast (Actual + Weighted)"), 150),
		column("forecast_completion", _("Forecast Completion (%)"), "Percent", 120),
	]


def probability(opportunity, stage, weighting: str = WEIGHTINGS[0]):
	"""The opportunity's probability, else its sales method stage's (or as ``weighting`` says)."""
	own = (
		Case()
		.when(Coalesce(opportunity.probability, 0) > 0, opportunity.probability)
		.else_(Coalesce(stage.probability, 0))
	)
	if weighting == "Stage Probability":
		return Coalesce(stage.probability, 0)
	if weighting == "Win Probability":
		return Case().when(opportunity.win_probability.isnotnull(), opportunity.win_probability).else_(own)
	return own


def pipeline(filters, field: str) -> dict[tuple, dict]:
	"""Per (month, group): the open opportunities grouped by the bare column and day (for a salesperson, in
	the order of ``opportunity_forecast_index``, read alone), then by month."""
	opportunity = frappe.qb.DocType("Sales Opportunity")
	stage = frappe.qb.DocType("Sales Method Stage")
	group = opportunity[field]
	amount = Coalesce(opportunity.base_expected_revenue, 0)
	rows = (
		frappe.qb.from_(opportunity)
		.left_join(stage)
		.on(
			(stage.parent == opportunity.sales_method)
			& (stage.parenttype == "Sales Method")
			& (stage.stage == opportunity.sales_stage)
		)
		.select(
			group,
			opportunity.expected_close_date,
			Count("*"),
			Sum(amount),
			Sum(amount * probability(opportunity, stage, filters.weighting) / 100),
		)
		.where(opportunity.status == "Open")
		.where(scope(opportunity, "Sales Opportunity", filters, "expected_close_date"))
		.groupby(group, opportunity.expected_close_date)
		.run()
	)
	months = month_sums((g or None, day, n, p, w) for g, day, n, p, w in rows)
	return {
		(m, g): {"open_opportunities": n, "pipeline_amount": flt(p, 2), "weighted_amount": flt(w, 2)}
		for (g, m), (n, p, w) in months.items()
	}


def actual_orders(filters, field: str) -> dict[tuple, float]:
	"""Per (month, group): grouped by the bare column and day in the order of the orders' index that leads
	with it (``reporting.ORDER_INDEXES``; no temporary table), then by month."""
	order = frappe.qb.DocType("Customer Order")
	rows = (
		frappe.qb.from_(order)
		.force_index(ORDER_INDEXES[field])
		.select(order[field], order.order_date, Sum(Coalesce(order.base_grand_total, 0)))
		.where(order.docstatus == 1)
		.where(scope(order, "Customer Order", filters, "order_date"))
		.groupby(order[field], order.order_date)
		.run()
	)
	months = month_sums((g or None, day, amount) for g, day, amount in rows)
	return {(m, g): flt(amount, 2) for (g, m), (amount,) in months.items()}


def targets(filters, field: str) -> dict[tuple, float]:
	"""The submitted plans' order targets (rows without a product) touching the period, per month."""
	target = frappe.qb.DocType("Sales Plan Target")
	plan = frappe.qb.DocType("Sales Plan")
	group = target.sales_person if field == "sales_person" else plan.sales_department
	query = (
		frappe.qb.from_(target)
		.join(plan)
		.on((plan.name == target.parent) & (target.parenttype == "Sales Plan"))
		.select(group, target.period_start, target.period_end, Sum(target.target_order_amount))
		.where(
			(plan.docstatus == 1)
			& target.product.isnull()
			& (target.period_start <= filters.to_date)
			& (target.period_end >= filters.from_date)
		)
		.groupby(group, target.period_start, target.period_end)
	)
	allowed = visible(plan, "Sales Plan")
	if allowed is not None:
		query = query.where(allowed)
	if filters.sales_person:
		query = query.where(target.sales_person == filters.sales_person)
	if filters.sales_department:
		query = query.where(plan.sales_department == filters.sales_department)
	spread = monthly_targets((g or None, start, end, amount) for g, start, end, amount in query.run())
	first, last = period_months(filters)
	return {(m, g): amount for (g, m), amount in spread.items() if first <= m <= last}


def period_months(filters) -> tuple[str, str]:
	return filters.from_date.strftime("%Y-%m"), filters.to_date.strftime("%Y-%m")


def get_data(filters, field: str) -> list[dict]:
	opportunities = pipeline(filters, field)
	orders = actual_orders(filters, field)
	planned = targets(filters, field)
	data = []
	for month, group in sorted(
		set(opportunities) | set(orders) | set(planned), key=lambda k: (k[0], k[1] or "")
	):
		open_ = opportunities.get((month, group), {})
		row = {
			"month": month,
			field: group or _(NOT_SET),
			"open_opportunities": open_.get("open_opportunities", 0),
			"pipeline_amount": open_.get("pipeline_amount", 0.0),
			"weighted_amount": open_.get("weighted_amount", 0.0),
			"target_amount": planned.get((month, group), 0.0),
			"actual_amount": orders.get((month, group), 0.0),
		}
		row["forecast_amount"] = flt(row["actual_amount"] + row["weighted_amount"], 2)
		row["forecast_completion"] = completion(row["forecast_amount"], row["target_amount"])
		data.append(row)
	return data


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	months = sorted({row["month"] for row in data})

	def per_month(key):
		totals = dict.fromkeys(months, 0.0)
		for row in data:
			totals[row["month"]] += row[key]
		return [flt(totals[m], 2) for m in months]

	return {
		"data": {
			"labels": months,
			"datasets": [
				{"name": _("Actual Orders"), "values": per_month("actual_amount"), "chartType": "bar"},
				{"name": _("Weighted Pipeline"), "values": per_month("weighted_amount"), "chartType": "bar"},
				{"name": _("Target Orders"), "values": per_month("target_amount"), "chartType": "line"},
			],
		},
		# side by side: stacked bars in frappe-charts' axis-mixed chart drew below the axis
		"type": "axis-mixed",
		"fieldtype": "Currency",
		"colors": ["#5e64ff", "#7cd6fd", "#ff5858"],
	}


def get_summary(data: list[dict]) -> list[dict]:
	target = sum(row["target_amount"] for row in data)
	forecast = sum(row["forecast_amount"] for row in data)
	done = completion(forecast, target)
	return [
		summary(sum(row["pipeline_amount"] for row in data), _("Pipeline")),
		summary(sum(row["weighted_amount"] for row in data), _("Weighted Pipeline")),
		summary(sum(row["actual_amount"] for row in data), _("Actual Orders")),
		summary(target, _("Target Orders")),
		summary(done, _("Forecast Completion (%)"), "Percent", "Green" if done >= 100 else "Orange"),
	]
