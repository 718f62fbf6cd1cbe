# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Customer Site Purchases: per customer and site (the order's Customer Site, an Address linked to the
customer: factory, office, purchasing, IT…), the submitted orders of the period, their company-currency
value and the last order date, so that a salesperson sees which of a customer's sites buy again."""

from itertools import groupby
from operator import itemgetter

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Max, Sum

from sales_crm.reporting import (
	NOT_SET,
	column,
	column_sum,
	currency,
	never_raises,
	report_filters,
	rounder,
	scope,
	summary,
)


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	data = get_data(filters)
	return get_columns(), data, None, get_chart(data), get_summary(data)


def get_columns() -> list[dict]:
	return [
		column("customer", _("Customer"), "Link", 170, options="Sales Customer"),
		column("customer_address", _("Customer Site"), "Link", 200, options="Address"),
		column("address_type", _("Site Type"), "Data", 110),
		column("orders", _("Orders"), "Int", 80),
		currency("order_amount", _("Order Amount")),
		column("last_order_date", _("Last Order"), "Date", 110),
	]


def get_data(filters) -> list[dict]:
	"""One pass over ``customer_order_report_index`` (docstatus, customer, site, …) in its order: MariaDB
	groups each customer's sites as they stream, with no temporary table (issue 11). An order without a
	site (NULL or empty) counts for the customer's "Not Set" site; each customer's sites come largest
	first."""
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
		.where(scope(order, "Customer Order", filters, "order_date"))
		.groupby(order.customer, order.customer_address)
		.orderby(order.customer)
		.run()
	)
	not_set = _(NOT_SET)
	money = rounder(2)
	kinds = {}
	data = []
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
		for row in sorted(sites.values(), key=lambda r: -r.order_amount):
			row.order_amount = money(row.order_amount)
			data.append(row)
	return data


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


def get_summary(data: list[dict]) -> list[dict]:
	not_set = _(NOT_SET)
	return [
		summary(len({row["customer"] for row in data}), _("Customers"), "Int"),
		summary(sum(1 for row in data if row["customer_address"] != not_set), _("Sites"), "Int"),
		summary(column_sum(data, "order_amount"), _("Order Amount")),
	]
