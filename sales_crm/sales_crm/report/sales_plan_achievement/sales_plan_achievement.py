# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Sales Plan Achievement: each target of a plan against the orders, contracts and collections of its
salesperson in its period. One grouped query per figure; the targets' periods bound the actuals.

Without a plan it shows every plan the user's list shows whose targets touch the period (the current
year by default). Plans are the list's (``reporting.visible``); a Sales User sees only their own rows."""

import frappe
from frappe import _
from frappe.query_builder.functions import Max, Min, Sum
from frappe.utils import flt

from sales_crm.org import department_members, has_role
from sales_crm.reporting import never_raises, report_filters, visible
from sales_crm.rules.plans import completion

# Roles that see every salesperson's figures; a plain Sales User sees their own.
OVERSEERS = {"Sales Manager", "Sales Director", "Accounts User", "System Manager"}

# figure -> (doctype, date field, amount field)
ACTUALS = {
	"actual_order_amount": ("Customer Order", "order_date", "base_grand_total"),
	"actual_contract_amount": ("Sales Contract", "signed_on", "base_grand_total"),
	"actual_collection_amount": ("Sales Receipt", "receipt_date", "base_paid_amount"),
}


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	if not has_role(OVERSEERS):
		filters.sales_person = frappe.session.user
	data = get_data(filters)
	return get_columns(), data, None, get_chart(data), get_summary(data)


def get_columns() -> list[dict]:
	return [
		{
			"fieldname": "sales_person",
			"label": _("Sales Person"),
			"fieldtype": "Link",
			"options": "User",
			"width": 200,
		},
		{"fieldname": "period", "label": _("Period"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "target_order_amount",
			"label": _("Target Orders"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{
			"fieldname": "actual_order_amount",
			"label": _("Actual Orders"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{
			"fieldname": "order_completion",
			"label": _("Order Completion (%)"),
			"fieldtype": "Percent",
			"width": 120,
		},
		{
			"fieldname": "actual_contract_amount",
			"label": _("Signed Contracts"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{
			"fieldname": "target_collection_amount",
			"label": _("Target Collections"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{
			"fieldname": "actual_collection_amount",
			"label": _("Actual Collections"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{
			"fieldname": "collection_completion",
			"label": _("Collection Completion (%)"),
			"fieldtype": "Percent",
			"width": 120,
		},
	]


def target_conditions(target, filters):
	plan = frappe.qb.DocType("Sales Plan")
	plans = frappe.qb.from_(plan).select(plan.name).where(plan.docstatus < 2)
	allowed = visible(plan, "Sales Plan")
	if allowed is not None:
		plans = plans.where(allowed)
	if filters.sales_plan:
		plans = plans.where(plan.name == filters.sales_plan)
	condition = target.parent.isin(plans) & (target.parenttype == "Sales Plan")
	if not filters.sales_plan:
		condition &= (target.period_start <= filters.to_date) & (target.period_end >= filters.from_date)
	if filters.sales_person:
		condition &= target.sales_person == filters.sales_person
	if filters.period:
		condition &= target.period == str(filters.period).strip()
	if filters.sales_department:
		members = department_members([filters.sales_department], active_only=False)
		condition &= target.sales_person.isin(members or [""])
	return condition


def get_data(filters) -> list[dict]:
	target = frappe.qb.DocType("Sales Plan Target")
	rows = (
		frappe.qb.from_(target)
		.select(
			target.sales_person,
			target.period,
			Min(target.period_start).as_("period_start"),
			Max(target.period_end).as_("period_end"),
			Sum(target.target_order_amount).as_("target_order_amount"),
			Sum(target.target_collection_amount).as_("target_collection_amount"),
		)
		.where(target_conditions(target, filters))
		.groupby(target.sales_person, target.period)
		.orderby(Min(target.period_start))
		.orderby(target.sales_person)
		.run(as_dict=True)
	)
	actuals = {figure: actual_by_target(filters, *source) for figure, source in ACTUALS.items()}
	data = []
	for row in rows:
		key = (row.sales_person, row.period)
		line = {
			"sales_person": row.sales_person,
			"period": row.period,
			"target_order_amount": flt(row.target_order_amount),
			"target_collection_amount": flt(row.target_collection_amount),
		}
		for figure in ACTUALS:
			line[figure] = actuals[figure].get(key, 0.0)
		line["order_completion"] = completion(line["actual_order_amount"], line["target_order_amount"])
		line["collection_completion"] = completion(
			line["actual_collection_amount"], line["target_collection_amount"]
		)
		data.append(line)
	return data


def actual_by_target(filters, doctype: str, date_field: str, amount_field: str) -> dict[tuple, float]:
	"""The submitted records' company-currency amount per (salesperson, period) of the plan's targets,
	each counted in the period its date falls in: one grouped query over a join with the targets."""
	target = frappe.qb.DocType("Sales Plan Target")
	record = frappe.qb.DocType(doctype)
	rows = (
		frappe.qb.from_(target)
		.join(record)
		.on(
			(record.sales_person == target.sales_person)
			& (record[date_field] >= target.period_start)
			& (record[date_field] <= target.period_end)
			& (record.docstatus == 1)
		)
		.select(target.sales_person, target.period, Sum(record[amount_field]))
		.where(target_conditions(target, filters))
		.groupby(target.sales_person, target.period)
		.run()
	)
	return {(person, period): flt(amount) for person, period, amount in rows}


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [f"{row['sales_person']} {row['period']}" for row in data],
			"datasets": [
				{"name": _("Target Orders"), "values": [row["target_order_amount"] for row in data]},
				{"name": _("Actual Orders"), "values": [row["actual_order_amount"] for row in data]},
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
		"colors": ["#7cd6fd", "#5e64ff"],
	}


def get_summary(data: list[dict]) -> list[dict]:
	target = sum(row["target_order_amount"] for row in data)
	actual = sum(row["actual_order_amount"] for row in data)
	target_collected = sum(row["target_collection_amount"] for row in data)
	collected = sum(row["actual_collection_amount"] for row in data)
	order_completion = completion(actual, target)
	return [
		{"value": target, "label": _("Target Orders"), "datatype": "Currency", "indicator": "Blue"},
		{"value": actual, "label": _("Actual Orders"), "datatype": "Currency", "indicator": "Blue"},
		{
			"value": order_completion,
			"label": _("Order Completion (%)"),
			"datatype": "Percent",
			"indicator": "Green" if order_completion >= 100 else "Orange",
		},
		{
			"value": sum(row["actual_contract_amount"] for row in data),
			"label": _("Signed Contracts"),
			"datatype": "Currency",
			"indicator": "Blue",
		},
		{
			"value": completion(collected, target_collected),
			"label": _("Collection Completion (%)"),
			"datatype": "Percent",
			"indicator": "Green" if completion(collected, target_collected) >= 100 else "Orange",
		},
	]
