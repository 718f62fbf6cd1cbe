# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Customer Value Analysis: per customer, the submitted orders of the period and their company-currency
amount, the last order date, orders per month, the receipts collected in the period and how many days
after invoicing the customer paid (weighted by the amount each receipt allocated). The chart compares
orders and collections month by month."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Max, Sum
from frappe.utils import flt

from sales_crm.reporting import (
	column,
	column_sum,
	currency,
	customer_names,
	monthly_amounts,
	never_raises,
	report_filters,
	rounder,
	scope,
	summary,
	with_customer_name,
)
from sales_crm.rules.analysis import months_in_range, ratio


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	data = get_data(filters)
	return get_columns(), data, None, get_chart(filters), get_summary(data)


def get_columns() -> list[dict]:
	return [
		column("customer", _("Customer"), "Link", 140, options="Sales Customer"),
		column("customer_name", _("Customer Name"), "Data", 180),
		column("orders", _("Orders"), "Int", 80),
		currency("order_amount", _("Order Amount"), 140),
		currency("average_order_value", _("Average Order")),
		column("last_order_date", _("Last Order"), "Date", 100),
		column("orders_per_month", _("Orders / Month"), "Float", 110, precision=2),
		currency("collected_amount", _("Collected"), 140),
		column("avg_days_to_pay", _("Avg Days to Pay"), "Float", 120, precision=1),
	]


def orders_by_customer(filters) -> dict[str, tuple]:
	"""customer -> (orders, order amount, last order date, customer name): one pass over the index
	``customer_order_report_index`` in customer order, each row's customer name joined as it streams
	(``with_customer_name``), no temporary table. A customer the user may not read keeps its name hidden."""
	order = frappe.qb.DocType("Customer Order")
	query = (
		frappe.qb.from_(order)
		.select(
			order.customer,
			Count("*"),
			Sum(Coalesce(order.base_grand_total, 0)),
			Max(order.order_date),
		)
		.where(order.docstatus == 1)
		.where(scope(order, "Customer Order", filters, "order_date"))
		.groupby(order.customer)
	)
	return {customer: rest for customer, *rest in with_customer_name(query, order).run()}


def collected_by_customer(filters) -> dict[str, tuple]:
	"""customer -> (collected, days to pay), over ``receipt_customer_report_index`` in customer order. The
	days to pay are Σ(allocated × days from invoice to receipt) / Σ allocated over the period's submitted
	receipts: each receipt keeps its two sums (``flows.receipts.set_days_to_pay``), so no allocation or
	receivable is read here."""
	receipt = frappe.qb.DocType("Sales Receipt")
	query = (
		frappe.qb.from_(receipt)
		.select(
			receipt.customer,
			Sum(Coalesce(receipt.base_paid_amount, 0)),
			Sum(receipt.allocated_days),
			Sum(receipt.total_allocated_amount),
		)
		.where(receipt.docstatus == 1)
		.where(scope(receipt, "Sales Receipt", filters, "receipt_date"))
		.groupby(receipt.customer)
	)
	return {
		customer: (paid, ratio(weighted, allocated, 1) if allocated else None)
		for customer, paid, weighted, allocated in query.run()
	}


NO_ORDERS = (0, None, None, None)


def get_data(filters) -> list[dict]:
	"""Two grouped queries, each read in customer order from an index, joined here by customer: a
	single grouped query over their union makes MariaDB group ~200k rows in a temporary table, slower at
	1M leads than the passes apart. The names of customers who paid without ordering
	in the period are looked up apart (joining every receipt group to its name costs more)."""
	orders = orders_by_customer(filters)
	collected = collected_by_customer(filters)
	names = customer_names(c for c in collected.keys() - orders.keys() if c)
	months = months_in_range(filters.from_date, filters.to_date)
	money = rounder(2)
	data = []
	for customer in orders.keys() | collected.keys():
		if not customer:
			continue
		count, amount, last_order, name = orders.get(customer, NO_ORDERS)
		paid, days = collected.get(customer, (None, None))
		amount = money(amount)
		data.append(
			{
				"customer": customer,
				"customer_name": name or names.get(customer) or "",
				"orders": count,
				"order_amount": amount,
				"average_order_value": money(ratio(amount, count)),
				"last_order_date": last_order,
				"orders_per_month": ratio(count, months),
				"collected_amount": money(paid),
				"avg_days_to_pay": days,
			}
		)
	data.sort(key=lambda r: (-r["order_amount"], -r["collected_amount"], r["customer"]))
	return data


def monthly(doctype: str, date_field: str, amount_field: str, index: str, filters) -> dict[str, float]:
	"""The period's amount per month, every salesperson's (``reporting.monthly_amounts``) added up."""
	months: dict[str, object] = {}
	per_person = monthly_amounts(
		doctype, date_field, amount_field, index, lambda table: scope(table, doctype, filters, date_field)
	)
	for (_person, month), amount in per_person.items():
		months[month] = months.get(month, 0) + (amount or 0)
	return {month: flt(amount, 2) for month, amount in months.items()}


def get_chart(filters) -> dict | None:
	orders = monthly("Customer Order", "order_date", "base_grand_total", "order_person_report_index", filters)
	collections = monthly(
		"Sales Receipt", "receipt_date", "base_paid_amount", "receipt_person_report_index", filters
	)
	months = sorted(set(orders) | set(collections))
	if not months:
		return None
	return {
		"data": {
			"labels": months,
			"datasets": [
				{"name": _("Orders"), "values": [orders.get(m, 0.0) for m in months]},
				{"name": _("Collections"), "values": [collections.get(m, 0.0) for m in months]},
			],
		},
		# a line needs two points: a site with one month of data would draw an empty chart
		"type": "line" if len(months) > 1 else "bar",
		"fieldtype": "Currency",
		"colors": ["#5e64ff", "#28a745"],
	}


def get_summary(data: list[dict]) -> list[dict]:
	collected = column_sum(data, "collected_amount")
	paid_days = [
		(row["avg_days_to_pay"], row["collected_amount"])
		for row in data
		if row["avg_days_to_pay"] is not None
	]
	return [
		summary(sum(1 for row in data if row["orders"]), _("Ordering Customers"), "Int"),
		summary(column_sum(data, "order_amount"), _("Order Amount")),
		summary(collected, _("Collected"), indicator="Green"),
		summary(
			ratio(sum(d * w for d, w in paid_days), sum(w for _d, w in paid_days), 1),
			_("Avg Days to Pay"),
			"Float",
		),
	]
