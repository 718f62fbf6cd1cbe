# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Opportunity Pipeline: the open opportunities (created in the period) per sales stage — how many,
their company-currency expected revenue and that revenue weighted by probability — and how long the
opportunities of the period stayed in each stage (their stage history; a stay still running counts up
to now)."""

import frappe
from frappe import _
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Avg, Coalesce, Count, Sum
from frappe.utils import flt, now_datetime
from pypika.terms import EmptyCriterion

from sales_crm.reporting import (
	column,
	currency,
	label,
	never_raises,
	period,
	report_filters,
	scope,
	seconds_between,
	summary,
)
from sales_crm.rules.analysis import ratio


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	filters.sales_method = filters.sales_method or frappe.db.get_single_value(
		"Sales CRM Settings", "default_sales_method"
	)
	data = get_data(filters)
	return get_columns(), data, None, get_chart(data), get_summary(data)


def get_columns() -> list[dict]:
	return [
		column("sales_stage", _("Sales Stage"), "Data", 160),
		column("stage_probability", _("Stage Probability"), "Percent", 120),
		column("opportunities", _("Open Opportunities"), "Int", 130),
		currency("open_amount", _("Open Amount"), 140),
		currency("weighted_amount", _("Weighted Amount"), 140),
		column("avg_days_in_stage", _("Avg Days in Stage"), "Float", 130, precision=1),
	]


def kind_condition(opportunity, filters) -> Criterion:
	"""The Opportunity Kind filter (purchase need, product sale, partnership, service)."""
	if filters.get("opportunity_kind"):
		return opportunity.opportunity_kind == filters.opportunity_kind
	return Criterion.all([])


def open_by_stage(filters) -> dict[str, dict]:
	opportunity = frappe.qb.DocType("Sales Opportunity")
	amount = Coalesce(opportunity.base_expected_revenue, 0)
	stage = Coalesce(opportunity.sales_stage, "")
	rows = (
		frappe.qb.from_(opportunity)
		.select(
			stage.as_("sales_stage"),
			Count("*").as_("opportunities"),
			Sum(amount).as_("open_amount"),
			Sum(amount * Coalesce(opportunity.probability, 0) / 100).as_("weighted_amount"),
		)
		.where(opportunity.status == "Open")
		.where(scope(opportunity, "Sales Opportunity", filters, "creation", is_datetime=True))
		.where(kind_condition(opportunity, filters))
		.groupby(stage)
		.run(as_dict=True)
	)
	return {row.sales_stage: row for row in rows}


def days_in_stage(filters) -> dict[str, float]:
	"""Average days per stay in each stage, over the stage history of the period's opportunities.

	A stay's row carries its opportunity's creation (Frappe copies the parent's onto its child rows), so
	the history's own ``stage_duration_index`` (parenttype, stage, creation, …) holds every column read:
	each stage's stays stream by in its order, the period tested in the index, with no temporary table;
	the opportunities are joined only when a row scope or a filter needs them (issue 11)."""
	history = frappe.qb.DocType("Sales Opportunity Stage")
	left_on = Coalesce(history.left_on, now_datetime())
	query = (
		frappe.qb.from_(history)
		.select(history.stage, Avg(seconds_between(history.entered_on, left_on)))
		.where(history.parenttype == "Sales Opportunity")
		.where(history.entered_on.notnull())
		.where(period(history, "creation", filters, is_datetime=True))
		.groupby(history.stage)
	)
	opportunity = frappe.qb.DocType("Sales Opportunity")
	narrowed = [
		condition
		for condition in (
			scope(opportunity, "Sales Opportunity", filters),
			kind_condition(opportunity, filters),
		)
		if not isinstance(condition, EmptyCriterion)
	]
	if narrowed:
		query = query.join(opportunity).on(opportunity.name == history.parent).where(Criterion.all(narrowed))
	return {stage: flt(seconds) / 86400 for stage, seconds in query.run()}


def method_stages(method: str | None) -> list[tuple[str, float]]:
	if not method:
		return []
	return frappe.get_all(
		"Sales Method Stage",
		filters={"parent": method, "parenttype": "Sales Method"},
		fields=["stage", "probability"],
		order_by="idx",
		as_list=True,
	)


def get_data(filters) -> list[dict]:
	open_rows = open_by_stage(filters)
	days = days_in_stage(filters)
	stages = list(method_stages(filters.sales_method))
	known = {stage for stage, _p in stages}
	stages += [(stage, None) for stage in sorted(open_rows) if stage not in known]
	data = []
	for stage, probability in stages:
		row = open_rows.get(stage) or {}
		data.append(
			{
				"sales_stage": label(stage),
				"stage_probability": probability,
				"opportunities": row.get("opportunities") or 0,
				"open_amount": flt(row.get("open_amount"), 2),
				"weighted_amount": flt(row.get("weighted_amount"), 2),
				"avg_days_in_stage": flt(days.get(stage), 1),
			}
		)
	return data


def get_chart(data: list[dict]) -> dict | None:
	if not any(row["opportunities"] for row in data):
		return None
	return {
		"data": {
			# the standard method's stages are shipped with their translations
			"labels": [_(stage) for stage in (row["sales_stage"] for row in data)],
			"datasets": [
				{"name": _("Open Amount"), "values": [row["open_amount"] for row in data]},
				{"name": _("Weighted Amount"), "values": [row["weighted_amount"] for row in data]},
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
		"colors": ["#7cd6fd", "#5e64ff"],
	}


def get_summary(data: list[dict]) -> list[dict]:
	count = sum(row["opportunities"] for row in data)
	open_amount = sum(row["open_amount"] for row in data)
	return [
		summary(count, _("Open Opportunities"), "Int"),
		summary(open_amount, _("Open Amount")),
		summary(sum(row["weighted_amount"] for row in data), _("Weighted Amount"), indicator="Green"),
		summary(ratio(open_amount, count), _("Average Deal Size")),
	]
