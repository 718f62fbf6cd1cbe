# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Follow-up Activity: per salesperson, the follow-ups logged in the period (by follow-up date) by type,
how many leads, opportunities and customers they touched, and how many planned follow-ups are still
open or already overdue."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Max

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


# what each "touched" column counts: the distinct values of a field, and the index that holds them in order
TOUCHED = {
	"leads": ("sales_lead", "follow_up_lead_report_index"),
	"opportunities": ("opportunity", "follow_up_opportunity_report_index"),
	"customers": ("customer", "follow_up_customer_report_index"),
}


def get_data(filters) -> list[dict]:
	"""One grouped query for the counts (``activity``), and one each for the leads, opportunities and
	customers touched (``touched``), by the bare salesperson, each down an index that carries every column
	it reads: MariaDB adds each group up as it streams by (no temporary table, no row read). The
	empty and the missing salesperson are one row; when both occur, that row is counted again on its own,
	since the distinct leads, opportunities and customers of two groups do not add up."""
	follow_up = frappe.qb.DocType("Sales Follow Up")
	condition = scope(follow_up, "Sales Follow Up", filters, "follow_up_date")
	rows = activity(follow_up, follow_up.sales_person, condition, indexed=True)
	if sum(1 for row in rows if not row.sales_person) > 1:
		unassigned = Coalesce(follow_up.sales_person, "")
		rows = [row for row in rows if row.sales_person] + activity(
			follow_up, unassigned, condition & (unassigned == ""), indexed=False
		)
	for row in rows:
		row.sales_person = row.sales_person or ""
	return sorted(rows, key=lambda row: row.sales_person)


def activity(follow_up, person, condition, indexed: bool) -> list[dict]:
	"""The follow-ups matching ``condition``, per ``person``: counted per type and status in SQL (groups that
	stream out of ``follow_up_report_index`` in order), added up per person here."""
	query = frappe.qb.from_(follow_up)
	if indexed:
		query = query.force_index("follow_up_report_index")
	groups = (
		query.select(
			person.as_("sales_person"),
			follow_up.follow_up_type,
			follow_up.status,
			Count("*"),
			Max(follow_up.follow_up_date),
		)
		.where(condition)
		.groupby(person, follow_up.follow_up_type, follow_up.status)
		.run()
	)
	kinds = {kind: kind.lower() for kind in FOLLOW_UP_TYPES}
	statuses = {"Open": "open_planned", "Overdue": "overdue"}
	rows: dict[str, frappe._dict] = {}
	for sales_person, kind, status, count, last in groups:
		row = rows.get(sales_person)
		if row is None:
			row = rows[sales_person] = frappe._dict(
				sales_person=sales_person,
				follow_ups=0,
				last_follow_up=None,
				**{key: 0 for key in (*kinds.values(), *statuses.values())},
			)
		row.follow_ups += count
		if kind in kinds:
			row[kinds[kind]] += count
		if status in statuses:
			row[statuses[status]] += count
		if last and (row.last_follow_up is None or last > row.last_follow_up):
			row.last_follow_up = last
	rows = list(rows.values())
	for key, (field, index) in TOUCHED.items():
		counts = touched(follow_up, person, condition, field, index if indexed else None)
		for row in rows:
			row[key] = counts.get(row.sales_person, 0)
	return rows


def touched(follow_up, person, condition, field: str, index: str | None) -> dict:
	"""Per ``person``: how many distinct values of ``field`` the follow-ups matching ``condition`` name. The
	(person, value) groups stream out of ``index`` in order, each read once, and are then counted: a
	``count(distinct …)`` builds a tree of every name instead (0.95 against 0.57 s for the customers of
	1.36M follow-ups)."""
	query = frappe.qb.from_(follow_up)
	if index:
		query = query.force_index(index)
	groups = (
		query.select(person.as_("sales_person"), follow_up[field])
		.where(condition & follow_up[field].isnotnull())
		.groupby(person, follow_up[field])
	)
	return dict(
		frappe.qb.from_(groups).select(groups.sales_person, Count("*")).groupby(groups.sales_person).run()
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
