# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Salesperson Commission Summary: submitted salesperson commissions of the period (by commission date),
their base, accrued, paid and outstanding amounts per salesperson and commission type."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Sum
from frappe.utils import flt

from sales_crm.reporting import column, currency, never_raises, report_filters, scope, summary

AMOUNTS = ("base_amount", "accrued_amount", "paid_amount", "outstanding_amount")


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	data = get_data(filters)
	return get_columns(), data, None, get_chart(data), get_summary(data)


def get_columns() -> list[dict]:
	return [
		column("sales_person", _("Sales Person"), "Link", 190, options="User"),
		column("commission_type", _("Commission Type"), "Data", 120),
		column("commissions", _("Commissions"), "Int", 100),
		currency("base_amount", _("Base Amount")),
		currency("accrued_amount", _("Accrued")),
		currency("paid_amount", _("Paid")),
		currency("outstanding_amount", _("Outstanding")),
	]


def get_data(filters) -> list[dict]:
	commission = frappe.qb.DocType("Salesperson Commission")
	query = (
		frappe.qb.from_(commission)
		.select(
			commission.sales_person,
			commission.commission_type,
			Count("*").as_("commissions"),
			*(Sum(Coalesce(commission[f], 0)).as_(f) for f in AMOUNTS),
		)
		.where(commission.docstatus == 1)
		.where(scope(commission, "Salesperson Commission", filters, "commission_date"))
		.groupby(commission.sales_person, commission.commission_type)
		.orderby(commission.sales_person)
		.orderby(commission.commission_type)
	)
	if filters.commission_type:
		query = query.where(commission.commission_type == filters.commission_type)
	rows = query.run(as_dict=True)
	for row in rows:
		for fieldname in AMOUNTS:
			row[fieldname] = flt(row[fieldname], 2)
	return rows


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	people = sorted({row["sales_person"] for row in data})

	def by_person(fieldname):
		totals = dict.fromkeys(people, 0.0)
		for row in data:
			totals[row["sales_person"]] += row[fieldname]
		return [totals[p] for p in people]

	return {
		"data": {
			"labels": people,
			"datasets": [
				{"name": _("Paid"), "values": by_person("paid_amount")},
				{"name": _("Outstanding"), "values": by_person("outstanding_amount")},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"fieldtype": "Currency",
		"colors": ["#28a745", "#ff9800"],
	}


def get_summary(data: list[dict]) -> list[dict]:
	outstanding = sum(row["outstanding_amount"] for row in data)
	return [
		summary(sum(row["base_amount"] for row in data), _("Base Amount")),
		summary(sum(row["accrued_amount"] for row in data), _("Accrued")),
		summary(sum(row["paid_amount"] for row in data), _("Paid"), indicator="Green"),
		summary(outstanding, _("Outstanding"), indicator="Orange" if outstanding else "Green"),
	]
