# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Quotation Win Rate: per salesperson, the quotations of the period (by quotation date; cancelled
versions left out) by status with their company-currency values, the win rate (accepted out of those
the customer decided on) and the hours from drafting to the director's approval."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Avg, Coalesce, Count, Sum
from frappe.utils import flt

from sales_crm.reporting import (
	column,
	currency,
	never_raises,
	report_filters,
	scope,
	seconds_between,
	summary,
)
from sales_crm.rules.analysis import rate, ratio

STATUSES = ("quoting", "approved", "accepted", "rejected")


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	data = get_data(filters)
	return get_columns(), data, None, get_chart(data), get_summary(data)


def get_columns() -> list[dict]:
	columns = [
		column("sales_person", _("Sales Person"), "Link", 190, options="User"),
		column("quotations", _("Quotations"), "Int", 100),
		currency("quoted_amount", _("Quoted Amount")),
	]
	for status in STATUSES:
		columns.append(column(f"{status}_count", _(status.title()), "Int", 90))
		columns.append(currency(f"{status}_amount", _("{0} Amount").format(_(status.title()))))
	columns += [
		column("win_rate", _("Win Rate %"), "Percent", 100),
		column("approved_total", _("Director Approved"), "Int", 120),
		column("approval_rate", _("Approval Rate %"), "Percent", 120),
		column("avg_approval_hours", _("Avg Approval (Hours)"), "Float", 140, precision=1),
	]
	return columns


def get_data(filters) -> list[dict]:
	quotation = frappe.qb.DocType("Sales Quotation")
	amount = Coalesce(quotation.base_grand_total, 0)
	approved = quotation.approved_on.notnull()
	figures = []
	for status in STATUSES:
		is_status = quotation.status == status.title()
		figures.append(Sum(Case().when(is_status, 1).else_(0)).as_(f"{status}_count"))
		figures.append(Sum(Case().when(is_status, amount).else_(0)).as_(f"{status}_amount"))
	rows = (
		frappe.qb.from_(quotation)
		.select(
			Coalesce(quotation.sales_person, "").as_("sales_person"),
			Count("*").as_("quotations"),
			Sum(amount).as_("quoted_amount"),
			*figures,
			Sum(Case().when(approved, 1).else_(0)).as_("approved_total"),
			Avg(Case().when(approved, seconds_between(quotation.creation, quotation.approved_on))).as_(
				"avg_approval_seconds"
			),
		)
		.where(quotation.docstatus < 2)
		.where(scope(quotation, "Sales Quotation", filters, "transaction_date"))
		.groupby(Coalesce(quotation.sales_person, ""))
		.orderby(Coalesce(quotation.sales_person, ""))
		.run(as_dict=True)
	)
	return [line(row) for row in rows]


def line(row) -> dict:
	data = {
		"sales_person": row.sales_person,
		"quotations": row.quotations,
		"quoted_amount": flt(row.quoted_amount, 2),
	}
	for status in STATUSES:
		data[f"{status}_count"] = int(row[f"{status}_count"] or 0)
		data[f"{status}_amount"] = flt(row[f"{status}_amount"], 2)
	data["win_rate"] = rate(data["accepted_count"], data["accepted_count"] + data["rejected_count"])
	data["approval_rate"] = rate(row.approved_total, row.quotations)
	data["avg_approval_hours"] = flt(flt(row.avg_approval_seconds) / 3600, 1)
	data["approved_total"] = int(row.approved_total or 0)
	return data


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [row["sales_person"] or _("Unassigned") for row in data],
			"datasets": [
				{"name": _("Accepted"), "values": [row["accepted_count"] for row in data]},
				{"name": _("Rejected"), "values": [row["rejected_count"] for row in data]},
				{"name": _("Approved"), "values": [row["approved_count"] for row in data]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"colors": ["#28a745", "#ff5858", "#7cd6fd"],
	}


def get_summary(data: list[dict]) -> list[dict]:
	accepted = sum(row["accepted_count"] for row in data)
	decided = accepted + sum(row["rejected_count"] for row in data)
	approved = sum(row["approved_total"] for row in data)
	hours = ratio(sum(row["avg_approval_hours"] * row["approved_total"] for row in data), approved, 1)
	win_rate = rate(accepted, decided)
	return [
		summary(sum(row["quotations"] for row in data), _("Quotations"), "Int"),
		summary(sum(row["accepted_amount"] for row in data), _("Accepted Amount"), indicator="Green"),
		summary(win_rate, _("Win Rate %"), "Percent", "Green" if win_rate >= 50 else "Orange"),
		summary(hours, _("Avg Approval (Hours)"), "Float"),
	]
