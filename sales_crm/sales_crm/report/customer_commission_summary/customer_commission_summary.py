# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Customer Commission Summary: the commissions owed to customers whose period overlaps the report's,
per customer and status — sales, the customer's payments, the commission and what of it was paid."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Sum
from frappe.utils import flt

from sales_crm.reporting import column, currency, never_raises, report_filters, scope, summary

AMOUNTS = ("sales_amount", "customer_paid_amount", "commission_amount", "commission_paid_amount")
STATUSES = ("Drafting", "Under Approval", "Executing", "Closed")


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	data = get_data(filters)
	return get_columns(), data, None, get_chart(data), get_summary(data)


def get_columns() -> list[dict]:
	return [
		column("customer", _("Customer"), "Link", 150, options="Sales Customer"),
		column("customer_name", _("Customer Name"), "Data", 180),
		column("status", _("Status"), "Data", 110),
		column("commissions", _("Commissions"), "Int", 100),
		currency("sales_amount", _("Sales Amount")),
		currency("customer_paid_amount", _("Customer Paid")),
		currency("commission_amount", _("Commission")),
		currency("commission_paid_amount", _("Commission Paid")),
		currency("commission_outstanding", _("Commission Outstanding")),
	]


def get_data(filters) -> list[dict]:
	commission = frappe.qb.DocType("Customer Commission")
	customer = frappe.qb.DocType("Sales Customer")
	query = (
		frappe.qb.from_(commission)
		.left_join(customer)
		.on(customer.name == commission.customer)
		.select(
			commission.customer,
			customer.customer_name,
			commission.status,
			Count("*").as_("commissions"),
			*(Sum(Coalesce(commission[f], 0)).as_(f) for f in AMOUNTS),
		)
		.where(commission.docstatus < 2)
		# the commission's period overlaps the report's; one without dates counts by its creation
		.where(Coalesce(commission.from_date, commission.creation) <= filters.to_date)
		.where(Coalesce(commission.to_date, commission.creation) >= filters.from_date)
		.where(scope(commission, "Customer Commission", filters))
		.groupby(commission.customer, customer.customer_name, commission.status)
		.orderby(commission.customer)
		.orderby(commission.status)
	)
	if filters.status:
		query = query.where(commission.status == filters.status)
	rows = query.run(as_dict=True)
	for row in rows:
		for fieldname in AMOUNTS:
			row[fieldname] = flt(row[fieldname], 2)
		row["commission_outstanding"] = flt(row["commission_amount"] - row["commission_paid_amount"], 2)
	return rows


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	totals = dict.fromkeys(STATUSES, 0.0)
	for row in data:
		totals[row["status"]] = totals.get(row["status"], 0.0) + row["commission_amount"]
	return {
		"data": {
			"labels": [_(status) for status in totals],
			"datasets": [{"name": _("Commission"), "values": list(totals.values())}],
		},
		"type": "donut",
		"fieldtype": "Currency",
	}


def get_summary(data: list[dict]) -> list[dict]:
	outstanding = sum(row["commission_outstanding"] for row in data)
	return [
		summary(sum(row["sales_amount"] for row in data), _("Sales Amount")),
		summary(sum(row["commission_amount"] for row in data), _("Commission")),
		summary(sum(row["commission_paid_amount"] for row in data), _("Commission Paid"), indicator="Green"),
		summary(outstanding, _("Commission Outstanding"), indicator="Orange" if outstanding else "Green"),
	]
