# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Customer Site Purchases: per customer and site (the order's Customer Site, an Address linked to the
customer: factory, office, purchasing, IT…), the submitted orders of the period, their company-currency
value and the last order date, so that a salesperson sees which of a customer's sites buy again."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Max, Sum
from frappe.utils import flt

from sales_crm.reporting import NOT_SET, column, currency, never_raises, report_filters, scope, summary


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
	order = frappe.qb.DocType("Customer Order")
	address = frappe.qb.DocType("Address")
	site = Coalesce(order.customer_address, "")
	rows = (
		frappe.qb.from_(order)
		.left_join(address)
		.on(address.name == order.customer_address)
		.select(
			order.customer,
			site.as_("customer_address"),
			Coalesce(address.address_type, "").as_("address_type"),
			Count("*").as_("orders"),
			Sum(Coalesce(order.base_grand_total, 0)).as_("order_amount"),
			Max(order.order_date).as_("last_order_date"),
		)
		.where(order.docstatus == 1)
		.where(scope(order, "Customer Order", filters, "order_date"))
		.groupby(order.customer, site, address.address_type)
		.orderby(order.customer)
		.orderby(Sum(Coalesce(order.base_grand_total, 0)), order=frappe.qb.desc)
		.run(as_dict=True)
	)
	for row in rows:
		row["order_amount"] = flt(row["order_amount"], 2)
		if not row["customer_address"]:
			row["customer_address"] = _(NOT_SET)
		kind = row["address_type"]
		row["address_type"] = _(kind) if kind else ""
	return rows


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
	return [
		summary(len({row["customer"] for row in data}), _("Customers"), "Int"),
		summary(len([row for row in data if row["customer_address"] != _(NOT_SET)]), _("Sites"), "Int"),
		summary(sum(row["order_amount"] for row in data), _("Order Amount")),
	]
