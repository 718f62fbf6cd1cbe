# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Customer Value Analysis: per customer, the submitted orders of the period and their company-currency
amount, the last order date, orders per month, the receipts collected in the period and how many days
after invoicing the customer paid (weighted by the amount each receipt allocated). The chart compares
orders and collections month by month.

The rows are the ``top`` customers (500 unless set) of highest order amount in the period, then, while
there is room, those who paid without ordering in it: a site with hundreds of thousands of customers is
read as a ranking, not a screen of every row. The chart and the summary count every customer."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Max, Sum
from frappe.utils import flt

from sales_crm.reporting import (
	column,
	currency,
	customer_names,
	never_raises,
	period_months,
	report_filters,
	rounder,
	scope,
	summary,
	top_customers,
	top_filter,
)
from sales_crm.rules.analysis import months_in_range, ratio


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	top = top_filter(filters)
	data, cut = get_data(filters, top)
	orders, collections = monthly_totals(filters)
	message = None
	if cut:
		message = _(
			"The {0} customers of highest order amount are listed (Top); the chart and the summary count every customer."
		).format(top)
	return (
		get_columns(),
		data,
		message,
		get_chart(orders, collections),
		get_summary(filters, orders, collections),
	)


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


def orders_by_customer(filters, customers: list[str]) -> dict[str, tuple]:
	"""customer -> (orders, order amount, last order date) of ``customers``."""
	if not customers:
		return {}
	order = frappe.qb.DocType("Customer Order")
	query = (
		frappe.qb.from_(order)
		.select(order.customer, Count("*"), Sum(Coalesce(order.base_grand_total, 0)), Max(order.order_date))
		.where(order.docstatus == 1)
		.where(order.customer.isin(customers))
		.where(scope(order, "Customer Order", filters, "order_date"))
		.groupby(order.customer)
	)
	return {customer: rest for customer, *rest in query.run()}


def collected_by_customer(filters, customers: list[str] | None = None) -> dict:
	"""customer -> (collected, days to pay) of ``customers``; with none given, every customer's under the
	key ``None``. The days to pay are Σ(allocated × days from invoice to receipt) / Σ allocated over the
	period's submitted receipts: each receipt keeps its two sums (``flows.receipts.set_days_to_pay``), so no
	allocation or receivable is read here."""
	receipt = frappe.qb.DocType("Sales Receipt")
	sums = (
		Sum(Coalesce(receipt.base_paid_amount, 0)),
		Sum(receipt.allocated_days),
		Sum(receipt.total_allocated_amount),
	)
	query = (
		frappe.qb.from_(receipt)
		.where(receipt.docstatus == 1)
		.where(scope(receipt, "Sales Receipt", filters, "receipt_date"))
	)
	if customers is None:
		rows = [(None, *row) for row in query.select(*sums).run()]
	elif not customers:
		return {}
	else:
		rows = (
			query.select(receipt.customer, *sums)
			.where(receipt.customer.isin(customers))
			.groupby(receipt.customer)
			.run()
		)
	return {
		customer: (paid, ratio(weighted, allocated, 1) if allocated else None)
		for customer, paid, weighted, allocated in rows
	}


NO_ORDERS = (0, None, None)


def get_data(filters, top: int) -> tuple[list[dict], bool]:
	"""The rows of the ``top`` customers of highest order amount in the period, then, while there is room,
	of the customers who paid without ordering, by what they paid; and whether any customer was left out.
	Each ranking is one pass in the database; only the listed customers' figures are read after it."""
	customers = top_customers("Customer Order", "order_date", "base_grand_total", filters, top + 1)
	if len(customers) <= top:
		customers += top_customers(
			"Sales Receipt", "receipt_date", "base_paid_amount", filters, top + 1 - len(customers), customers
		)
	cut = len(customers) > top
	customers = customers[:top]
	orders = orders_by_customer(filters, customers)
	collected = collected_by_customer(filters, customers)
	names = customer_names(customers)
	months = months_in_range(filters.from_date, filters.to_date)
	money = rounder(2)
	data = []
	for customer in customers:
		count, amount, last_order = orders.get(customer, NO_ORDERS)
		paid, days = collected.get(customer, (None, None))
		amount = money(amount)
		data.append(
			{
				"customer": customer,
				"customer_name": names.get(customer) or "",
				"orders": count,
				"order_amount": amount,
				"average_order_value": money(ratio(amount, count)),
				"last_order_date": last_order,
				"orders_per_month": ratio(count, months),
				"collected_amount": money(paid),
				"avg_days_to_pay": days,
			}
		)
	return data, cut


def monthly_totals(filters) -> tuple[dict, dict]:
	"""Every customer's orders and collections of the period, per month (``reporting.period_months``)."""
	orders = period_months(
		"Customer Order", "order_date", "base_grand_total", "order_person_report_index", filters
	)
	collections = period_months(
		"Sales Receipt", "receipt_date", "base_paid_amount", "receipt_person_report_index", filters
	)
	return orders, collections


def get_chart(orders: dict, collections: dict) -> dict | None:
	months = sorted(set(orders) | set(collections))
	if not months:
		return None
	return {
		"data": {
			"labels": months,
			"datasets": [
				{"name": _("Orders"), "values": [flt(orders.get(m, 0), 2) for m in months]},
				{"name": _("Collections"), "values": [flt(collections.get(m, 0), 2) for m in months]},
			],
		},
		# a line needs two points: a site with one month of data would draw an empty chart
		"type": "line" if len(months) > 1 else "bar",
		"fieldtype": "Currency",
		"colors": ["#5e64ff", "#28a745"],
	}


def get_summary(filters, orders: dict, collections: dict) -> list[dict]:
	"""Every customer's figures of the period, listed or not: the chart's months added up, and the days to
	pay of every receipt."""
	_customer, (_paid, days) = next(iter(collected_by_customer(filters).items()))
	return [
		summary(flt(sum(orders.values()), 2), _("Order Amount")),
		summary(flt(sum(collections.values()), 2), _("Collected"), indicator="Green"),
		summary(days or 0, _("Avg Days to Pay"), "Float"),
	]
