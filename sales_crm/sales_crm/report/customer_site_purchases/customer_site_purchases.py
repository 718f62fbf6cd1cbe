# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Customer Site Purchases: per customer and site (the order's Customer Site, an Address linked to the
customer: factory, office, purchasing, IT…), the submitted orders of the period, their company-currency
value and the last order date, so that a salesperson sees which of a customer's sites buy again.

The rows are the sites of the ``top`` customers (500 unless set) of highest order amount in the period,
those customers in that order: a site with hundreds of thousands of customers is read as a ranking, not a
screen of every row. The summary counts every customer."""

from itertools import groupby
from operator import itemgetter

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Max, NullIf, Sum
from frappe.utils import flt

from sales_crm.reporting import (
	CUSTOMER_INDEXES,
	NOT_SET,
	column,
	currency,
	never_raises,
	report_filters,
	rounder,
	scope,
	summary,
	top_customers,
	top_filter,
)


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	top = top_filter(filters)
	customers = top_customers("Customer Order", "order_date", "base_grand_total", filters, top + 1)
	message = None
	if len(customers) > top:  # one more than listed was asked for: whether any was left out
		customers = customers[:top]
		message = _(
			"The {0} customers of highest order amount are listed (Top); the summary counts every customer."
		).format(top)
	data = get_data(filters, customers)
	return get_columns(), data, message, get_chart(data), get_summary(filters)


def get_columns() -> list[dict]:
	return [
		column("customer", _("Customer"), "Link", 170, options="Sales Customer"),
		column("customer_address", _("Customer Site"), "Link", 200, options="Address"),
		column("address_type", _("Site Type"), "Data", 110),
		column("orders", _("Orders"), "Int", 80),
		currency("order_amount", _("Order Amount")),
		column("last_order_date", _("Last Order"), "Date", 110),
	]


def get_data(filters, customers: list[str]) -> list[dict]:
	"""The sites of ``customers``, the customers in that order, each customer's sites largest first: their
	orders read down ``customer_order_report_index`` (docstatus, customer, site, …), grouped as they stream.
	An order without a site (NULL or empty) counts for the customer's "Not Set" site."""
	if not customers:
		return []
	order = frappe.qb.DocType("Customer Order")
	address = frappe.qb.DocType("Address")
	rows = (
		frappe.qb.from_(order)
		.left_join(address)
		.on(address.name == order.customer_address)
		.select(
			order.customer,
			order.customer_address,
			Max(address.address_type),
			Count("*"),
			Sum(Coalesce(order.base_grand_total, 0)),
			Max(order.order_date),
		)
		.where(order.docstatus == 1)
		.where(order.customer.isin(customers))
		.where(scope(order, "Customer Order", filters, "order_date"))
		.groupby(order.customer, order.customer_address)
		.orderby(order.customer)
		.run()
	)
	not_set = _(NOT_SET)
	money = rounder(2)
	kinds = {}
	by_customer = {}
	for customer, group in groupby(rows, key=itemgetter(0)):
		sites = {}
		for _customer, site, kind, count, amount, last_order in group:
			site = site or ""
			if site in sites:  # NULL and "" are both the customer's "Not Set" site
				row = sites[site]
				row.orders += count
				row.order_amount += amount
				row.last_order_date = max(filter(None, (row.last_order_date, last_order)), default=None)
				continue
			if kind not in kinds:
				kinds[kind] = _(kind) if kind else ""
			sites[site] = frappe._dict(
				customer=customer,
				customer_address=site or not_set,
				address_type=kinds[kind],
				orders=count,
				order_amount=amount,
				last_order_date=last_order,
			)
		by_customer[customer] = sorted(sites.values(), key=lambda r: -r.order_amount)
	data = []
	for customer in customers:
		for row in by_customer.get(customer, ()):
			row.order_amount = money(row.order_amount)
			data.append(row)
	return data


def every_customer(filters) -> tuple:
	"""(customers, sites, order amount) of every customer's orders in the scope and period: one pass in
	customer order, each customer's distinct sites counted as its orders stream by."""
	order = frappe.qb.DocType("Customer Order")
	per_customer = (
		frappe.qb.from_(order)
		.force_index(CUSTOMER_INDEXES["Customer Order"])
		.select(
			order.customer,
			Count(NullIf(order.customer_address, "")).distinct().as_("sites"),
			Sum(Coalesce(order.base_grand_total, 0)).as_("amount"),
		)
		.where(order.docstatus == 1)
		.where(scope(order, "Customer Order", filters, "order_date"))
		.groupby(order.customer)
	)
	return (
		frappe.qb.from_(per_customer)
		.select(Count("*"), Sum(per_customer.sites), Sum(per_customer.amount))
		.run()[0]
	)


def get_chart(data: list[dict]) -> dict | None:
	if not data or len({row["customer"] for row in data}) != 1:
		return None  # a chart per customer: choose one in the filter
	sites = [row["customer_address"] for row in data]
	return {
		"data": {
			"labels": sites,
			"datasets": [{"name": _("Order Amount"), "values": [row["order_amount"] for row in data]}],
		},
		"type": "pie",
	}


def get_summary(filters) -> list[dict]:
	"""Every customer's figures, listed or not."""
	customers, sites, amount = every_customer(filters)
	return [
		summary(customers or 0, _("Customers"), "Int"),
		summary(int(sites or 0), _("Sites"), "Int"),
		summary(flt(amount, 2), _("Order Amount")),
	]
