# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Collection Plan vs Actual (回款计划完成情况): the payment plan lines of signed contracts and direct orders
falling due in the period, by month of due date, salesperson and department: planned, received,
outstanding and overdue, in company currency (× the document's exchange rate). Lines not dated yet (waiting
for a delivery or an invoice) fall in no month and are left out. Scoped as the user's contract and order
lists are (``sales_crm.reporting``)."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, DateFormat, Sum
from frappe.utils import flt, nowdate

from sales_crm.reporting import column, never_raises, period, report_filters, scope, summary

AMOUNTS = ("planned", "received", "outstanding", "overdue")


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	data = get_data(filters)
	return get_columns(), data, None, get_chart(data), get_summary(data)


def get_columns() -> list[dict]:
	return [
		column("month", _("Month"), "Data", 90),
		column("sales_person", _("Sales Person"), "Link", 160, options="User"),
		column("sales_department", _("Sales Department"), "Link", 150, options="Sales Department"),
		column("planned", _("Planned"), "Currency", 130),
		column("received", _("Received"), "Currency", 130),
		column("outstanding", _("Outstanding"), "Currency", 130),
		column("overdue", _("Overdue"), "Currency", 130),
		column("per_received", _("% Received"), "Percent", 100),
	]


def _lines(doctype: str, filters):
	parent = frappe.qb.DocType(doctype)
	line = frappe.qb.DocType("Sales Payment Plan Line")
	rate = Coalesce(parent.exchange_rate, 1)
	late = (line.due_date < nowdate()) & (line.outstanding_amount > 0)
	month = DateFormat(line.due_date, "%Y-%m")
	return (
		frappe.qb.from_(line)
		.join(parent)
		.on((parent.name == line.parent) & (line.parenttype == doctype))
		.select(
			month.as_("month"),
			parent.sales_person,
			parent.sales_department,
			Sum(line.amount * rate).as_("planned"),
			Sum(line.received_amount * rate).as_("received"),
			Sum(line.outstanding_amount * rate).as_("outstanding"),
			Sum(Case().when(late, line.outstanding_amount * rate).else_(0)).as_("overdue"),
		)
		.where((parent.docstatus == 1) & (line.parentfield == "payment_plan"))
		.where(period(line, "due_date", filters))
		.where(scope(parent, doctype, filters))
		.groupby(month, parent.sales_person, parent.sales_department)
		.run(as_dict=True)
	)


def get_data(filters) -> list[dict]:
	rows: dict[tuple, dict] = {}
	for doctype in ("Sales Contract", "Customer Order"):
		for r in _lines(doctype, filters):
			key = (r.month, r.sales_person, r.sales_department)
			row = rows.setdefault(
				key,
				{"month": r.month, "sales_person": r.sales_person, "sales_department": r.sales_department}
				| dict.fromkeys(AMOUNTS, 0.0),
			)
			for fieldname in AMOUNTS:
				row[fieldname] += flt(r[fieldname])
	data = sorted(
		rows.values(), key=lambda r: tuple(r[k] or "" for k in ("month", "sales_person", "sales_department"))
	)
	for row in data:
		for fieldname in AMOUNTS:
			row[fieldname] = flt(row[fieldname], 2)
		row["per_received"] = flt(row["received"] * 100 / row["planned"], 2) if row["planned"] else 0
	return data


def get_chart(data: list[dict]) -> dict | None:
	months = sorted({row["month"] for row in data})
	if not months:
		return None

	def per_month(fieldname):
		return [flt(sum(r[fieldname] for r in data if r["month"] == m), 2) for m in months]

	return {
		"data": {
			"labels": months,
			"datasets": [
				{"name": _("Planned"), "values": per_month("planned")},
				{"name": _("Received"), "values": per_month("received")},
				{"name": _("Overdue"), "values": per_month("overdue")},
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}


def get_summary(data: list[dict]) -> list[dict]:
	planned = flt(sum(r["planned"] for r in data), 2)
	received = flt(sum(r["received"] for r in data), 2)
	return [
		summary(planned, _("Planned")),
		summary(received, _("Received"), indicator="Green"),
		summary(flt(sum(r["overdue"] for r in data), 2), _("Overdue"), indicator="Red"),
		summary(flt(received * 100 / planned, 2) if planned else 0, _("% Received"), "Percent"),
	]
