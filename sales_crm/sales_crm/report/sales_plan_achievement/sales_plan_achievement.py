# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Sales Plan Achievement: each target of a plan against the orders, contracts and collections of its
salesperson in its period, and the new customers they won. One grouped query per figure, per salesperson
and month over the targets' span; a target (whole months) adds up its months.

A target with a product measures that product's order rows (their company-currency amount, before tax,
kept per salesperson, product and month as orders are posted); contracts, collections and new customers
are measured on the rows without a product. A new customer is one whose first submitted order (ever, the
one the customer keeps) falls in the period; it counts once, for that order's salesperson
(``sales_crm.rules.plans.new_customers``).

Without a plan it shows every plan the user's list shows whose targets touch the period (the current
year by default). Plans are the list's (``reporting.visible``); a Sales User sees only their own rows."""

from dataclasses import dataclass

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Max, Min, Sum
from frappe.utils import flt, getdate

from sales_crm import kept
from sales_crm.org import department_members, has_role
from sales_crm.reporting import monthly_amounts, never_raises, report_filters, visible
from sales_crm.rules.forecast import month_sums, months_between
from sales_crm.rules.plans import completion

# Roles that see every salesperson's figures; a plain Sales User sees their own.
OVERSEERS = {"Sales Manager", "Sales Director", "Accounts User", "System Manager"}

# figure -> (doctype, date field, amount field, the index that leads with docstatus, salesperson and date)
ACTUALS = {
	"actual_order_amount": ("Customer Order", "order_date", "base_grand_total", "order_person_report_index"),
	"actual_contract_amount": (
		"Sales Contract",
		"signed_on",
		"base_grand_total",
		"contract_person_report_index",
	),
	"actual_collection_amount": (
		"Sales Receipt",
		"receipt_date",
		"base_paid_amount",
		"receipt_person_report_index",
	),
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
		{
			"fieldname": "product",
			"label": _("Product"),
			"fieldtype": "Link",
			"options": "Sales Product",
			"width": 130,
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
		{
			"fieldname": "target_new_customers",
			"label": _("Target New Customers"),
			"fieldtype": "Int",
			"width": 110,
		},
		{
			"fieldname": "actual_new_customers",
			"label": _("New Customers"),
			"fieldtype": "Int",
			"width": 110,
		},
		{
			"fieldname": "new_customer_completion",
			"label": _("New Customer Completion (%)"),
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
	if filters.product:
		condition &= target.product == filters.product
	if filters.sales_department:
		members = department_members([filters.sales_department], active_only=False)
		condition &= target.sales_person.isin(members or [""])
	return condition


def get_data(filters) -> list[dict]:
	target = frappe.qb.DocType("Sales Plan Target")
	product = Coalesce(target.product, "")
	rows = (
		frappe.qb.from_(target)
		.select(
			target.sales_person,
			product.as_("product"),
			target.period,
			Min(target.period_start).as_("period_start"),
			Max(target.period_end).as_("period_end"),
			Sum(target.target_order_amount).as_("target_order_amount"),
			Sum(target.target_collection_amount).as_("target_collection_amount"),
			Sum(target.target_new_customers).as_("target_new_customers"),
		)
		.where(target_conditions(target, filters))
		.groupby(target.sales_person, product, target.period)
		.orderby(Min(target.period_start))
		.orderby(target.sales_person)
		.orderby(product)
		.run(as_dict=True)
	)
	rows = [row for row in rows if row.period_start and row.period_end]
	if not rows:
		return []
	# The actuals, one grouped query per figure over the targets' salespeople and span, per month: a
	# target's period is whole months, so its actual is the sum of its months.
	span = Span(
		sorted({row.sales_person for row in rows}),
		min(row.period_start for row in rows),
		max(row.period_end for row in rows),
	)
	actuals = {figure: person_months(span, *source) for figure, source in ACTUALS.items()}
	products = sorted({row.product for row in rows if row.product})
	product_orders = monthly_product_amounts(span, products) if products else {}
	new = monthly_new_customers(span)
	data = []
	for row in rows:
		months = months_between(getdate(row.period_start), getdate(row.period_end))
		line = {
			"sales_person": row.sales_person,
			"product": row.product or None,
			"period": row.period,
			"target_order_amount": flt(row.target_order_amount),
			"target_collection_amount": flt(row.target_collection_amount),
			"target_new_customers": int(row.target_new_customers or 0),
		}
		if row.product:
			# a product target: that product's order rows; the other figures are the salesperson's row
			line["actual_order_amount"] = flt(
				sum(product_orders.get((row.sales_person, row.product, m), 0) for m in months), 2
			)
			line["actual_contract_amount"] = line["actual_collection_amount"] = None
			line["actual_new_customers"] = None
		else:
			for figure in ACTUALS:
				line[figure] = flt(sum(actuals[figure].get((row.sales_person, m), 0) for m in months), 2)
			line["actual_new_customers"] = sum(new.get((row.sales_person, m), 0) for m in months)
		line["order_completion"] = completion(line["actual_order_amount"], line["target_order_amount"])
		line["collection_completion"] = completion(
			line["actual_collection_amount"] or 0, line["target_collection_amount"]
		)
		line["new_customer_completion"] = completion(
			line["actual_new_customers"] or 0, line["target_new_customers"]
		)
		data.append(line)
	return data


@dataclass(frozen=True)
class Span:
	"""The salespeople and the dates the report's targets cover."""

	sales_people: list
	start: object
	end: object


def person_months(
	span: Span, doctype: str, date_field: str, amount_field: str, index: str
) -> dict[tuple, float]:
	"""The submitted records' company-currency amount per (salesperson, month) within the span: from the
	monthly figures kept as they are posted where there are some (``sales_crm.kept.tally_of``: the orders
	and receipts; a target is whole months), else from the records through ``index``."""
	tally = kept.tally_of(doctype, amount_field)
	if tally:
		table = frappe.qb.DocType(tally.kept)
		rows = (
			frappe.qb.from_(table)
			.select(table.sales_person, table.month, Sum(table[tally.value]))
			.where(
				table.sales_person.isin(span.sales_people)
				& (table.month >= getdate(span.start).replace(day=1))
				& (table.month <= span.end)
			)
			.groupby(table.sales_person, table.month)
			.run()
		)
		amounts = {key: amount for key, (amount,) in month_sums(rows).items()}
	else:
		amounts = monthly_amounts(
			doctype,
			date_field,
			amount_field,
			index,
			lambda record: (
				record.sales_person.isin(span.sales_people)
				& (record[date_field] >= span.start)
				& (record[date_field] <= span.end)
			),
		)
	return {key: flt(amount) for key, amount in amounts.items()}


def monthly_product_amounts(span: Span, products: list[str]) -> dict[tuple, float]:
	"""Per (salesperson, product, month) within the span: the company-currency amount (before tax) of the
	product's rows on the salesperson's submitted orders, as kept month by month when orders are posted
	(``sales_crm.kept.TALLIES``): a few rows per salesperson and product, not every order row."""
	kept = frappe.qb.DocType("Sales Product Month")
	rows = (
		frappe.qb.from_(kept)
		.force_index("product_month_report_index")
		.select(kept.sales_person, kept.product, kept.month, Sum(kept.base_amount))
		.where(
			kept.sales_person.isin(span.sales_people)
			& kept.product.isin(products)
			& (kept.month >= getdate(span.start).replace(day=1))
			& (kept.month <= span.end)
		)
		.groupby(kept.sales_person, kept.product, kept.month)
		.run()
	)
	amounts = month_sums(((person, product), month, amount) for person, product, month, amount in rows)
	return {
		(person, product, month): flt(amount) for ((person, product), month), (amount,) in amounts.items()
	}


def monthly_new_customers(span: Span) -> dict[tuple, int]:
	"""Per (salesperson, month) within the span: the customers whose first submitted order (ever) falls in
	that month and is the salesperson's (``sales_crm.rules.plans.new_customers``). Each customer keeps its
	first order (``sales_crm.kept.FIRSTS``), so they are counted down one index of the customers, instead of
	finding each customer's first order among every order. A first order is one day, so the months of a
	period add up."""
	customer = frappe.qb.DocType("Sales Customer")
	rows = (
		frappe.qb.from_(customer)
		.force_index("first_order_report_index")
		.select(customer.first_order_by, customer.first_order_date, Count("*"))
		.where(
			customer.first_order_by.isin(span.sales_people)
			& (customer.first_order_date >= span.start)
			& (customer.first_order_date <= span.end)
		)
		.groupby(customer.first_order_by, customer.first_order_date)
		.run()
	)
	return {key: int(count) for key, (count,) in month_sums(rows).items()}


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [
				" ".join(str(part) for part in (row["sales_person"], row["product"], row["period"]) if part)
				for row in data
			],
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
	# the salesperson rows; product rows break them down and are not added again
	whole = [row for row in data if not row["product"]] or data
	target = sum(row["target_order_amount"] for row in whole)
	actual = sum(row["actual_order_amount"] for row in whole)
	target_collected = sum(row["target_collection_amount"] for row in whole)
	collected = sum(row["actual_collection_amount"] or 0 for row in whole)
	order_completion = completion(actual, target)
	new_target = sum(row["target_new_customers"] for row in whole)
	new = sum(row["actual_new_customers"] or 0 for row in whole)
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
			"value": sum(row["actual_contract_amount"] or 0 for row in whole),
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
		{
			"value": new,
			"label": _("New Customers"),
			"datatype": "Int",
			"indicator": "Green" if new_target and new >= new_target else "Blue",
		},
	]
