# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Follow-up Activity: per salesperson, the follow-ups logged in the period (by follow-up date) by type,
how many leads, opportunities and customers they touched, and how many planned follow-ups are still
open or already overdue."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Count, Max, Sum

from sales_crm.reporting import column, label, never_raises, report_filters, scope, summary
from sales_crm.rules.follow_ups import FOLLOW_UP_TYPES


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	data = get_data(filters)
	return get_columns(), data, None, get_chart(data), get_summary(data)


def get_columns() -> list[dict]:
	columns = [
		column("sales_person", _("Sales Person"), "Link", 190, options="User"),
		column("follow_ups", _("Follow-ups"), "Int", 100),
	]
	columns += [column(kind.lower(), _(kind), "Int", 80) for kind in FOLLOW_UP_TYPES]
	columns += [
		column("leads", _("Leads Touched"), "Int", 110),
		column("opportunities", _("Opportunities Touched"), "Int", 150),
		column("customers", _("Customers Touched"), "Int", 130),
		column("open_planned", _("Planned (Open)"), "Int", 120),
		column("overdue", _("Overdue"), "Int", 90),
		column("last_follow_up", _("Last Follow-up"), "Date", 110),
	]
	return columns


def get_data(filters) -> list[dict]:
	"""One grouped query, by the bare salesperson in the order of ``follow_up_report_index``, which carries
	every column it reads: MariaDB adds each group up as it streams by (no temporary table, no row read).
	The empty and the missing salesperson are one row; when both occur, that row is counted again on its
	own, since the distinct leads, opportunities and customers of two groups do not add up."""
	follow_up = frappe.qb.DocType("Sales Follow Up")
	rows = activity(
		follow_up, follow_up.sales_person, scope(follow_up, "Sales Follow Up", filters, "follow_up_date")
	)
	if sum(1 for row in rows if not row.sales_person) > 1:
		unassigned = Coalesce(follow_up.sales_person, "")
		rows = [row for row in rows if row.sales_person] + activity(
			follow_up,
			unassigned,
			scope(follow_up, "Sales Follow Up", filters, "follow_up_date") & (unassigned == ""),
		)
	for row in rows:
		row.sales_person = row.sales_person or ""
		for key in ("open_planned", "overdue", *(kind.lower() for kind in FOLLOW_UP_TYPES)):
			row[key] = int(row[key] or 0)
	return sorted(rows, key=lambda row: row.sales_person)


def activity(follow_up, person, condition) -> list[dict]:
	"""The follow-ups matching ``condition``, grouped by ``person``."""
	by_type = [
		Sum(Case().when(follow_up.follow_up_type == kind, 1).else_(0)).as_(kind.lower())
		for kind in FOLLOW_UP_TYPES
	]
	return (
		frappe.qb.from_(follow_up)
		.select(
			person.as_("sales_person"),
			Count("*").as_("follow_ups"),
			*by_type,
			Count(follow_up.sales_lead).distinct().as_("leads"),
			Count(follow_up.opportunity).distinct().as_("opportunities"),
			Count(follow_up.customer).distinct().as_("customers"),
			Sum(Case().when(follow_up.status == "Open", 1).else_(0)).as_("open_planned"),
			Sum(Case().when(follow_up.status == "Overdue", 1).else_(0)).as_("overdue"),
			Max(follow_up.follow_up_date).as_("last_follow_up"),
		)
		.where(condition)
		.groupby(person)
		.orderby(person)
		.run(as_dict=True)
	)


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [label(row["sales_person"]) for row in data],
			"datasets": [
				{"name": _(kind), "values": [row[kind.lower()] for row in data]} for kind in FOLLOW_UP_TYPES
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}


def get_summary(data: list[dict]) -> list[dict]:
	return [
		summary(sum(row["follow_ups"] for row in data), _("Follow-ups"), "Int"),
		summary(sum(row["overdue"] for row in data), _("Overdue"), "Int", "Red"),
	]
