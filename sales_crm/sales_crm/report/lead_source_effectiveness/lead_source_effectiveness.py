# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Lead Source Effectiveness: per lead source, the leads created in the period, how many converted or
were lost, the company-currency revenue their won opportunities signed, and the lead-to-conversion
cycle in days. One grouped query over the leads joined to their opportunity."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Count, Sum
from frappe.utils import flt

from sales_crm.reporting import (
	column,
	currency,
	label,
	never_raises,
	report_filters,
	scope,
	seconds_between,
	summary,
)
from sales_crm.rules.analysis import rate, ratio

SOURCES = (
	"Marketing Campaign",
	"Employee Referral",
	"800 Hotline",
	"Advertising Response",
	"Customer Referral",
)


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	data = get_data(filters)
	return get_columns(), data, None, get_chart(data), get_summary(data)


def get_columns() -> list[dict]:
	return [
		column("lead_source", _("Lead Source"), "Data", 170),
		column("leads", _("Leads"), "Int", 90),
		column("converted", _("Converted"), "Int", 100),
		column("lost", _("Lost"), "Int", 80),
		column("conversion_rate", _("Conversion %"), "Percent", 110),
		column("won_opportunities", _("Won Opportunities"), "Int", 130),
		currency("won_revenue", _("Won Revenue"), 140),
		currency("revenue_per_lead", _("Revenue per Lead")),
		column("avg_cycle_days", _("Avg Cycle (Days)"), "Float", 120, precision=1),
	]


def leads_of(query, lead, filters):
	"""``query`` narrowed to the leads the report counts: the user's, created in the period, of the source."""
	query = query.where(scope(lead, "Sales Lead", filters, "creation", is_datetime=True))
	if filters.lead_source:
		query = query.where(lead.lead_source == filters.lead_source)
	return query


def get_data(filters) -> list[dict]:
	"""Two grouped queries: the period's leads alone (read from ``lead_source_report_index`` without
	reading a row, whoever's scope: it carries the owner columns) and their won opportunities, joined from
	the opportunity side — the leads joined to every opportunity cost a primary-key lookup per converted
	lead."""
	lead = frappe.qb.DocType("Sales Lead")
	# the bare column, in the order of ``lead_source_report_index``: no temporary table
	source = lead.lead_source
	cycle_seconds = seconds_between(lead.creation, lead.converted_on)
	converted = lead.status == "Converted"
	cycled = converted & lead.converted_on.notnull()
	rows = (
		leads_of(frappe.qb.from_(lead).force_index("lead_source_report_index"), lead, filters)
		.select(
			source.as_("lead_source"),
			Count("*").as_("leads"),
			Sum(Case().when(converted, 1).else_(0)).as_("converted"),
			Sum(Case().when(lead.status == "Lost", 1).else_(0)).as_("lost"),
			Sum(Case().when(cycled, cycle_seconds).else_(0)).as_("cycle_seconds"),
			Sum(Case().when(cycled, 1).else_(0)).as_("cycled"),
		)
		.groupby(source)
		.run(as_dict=True)
	)
	opportunity = frappe.qb.DocType("Sales Opportunity")
	won = {
		row.lead_source: row
		for row in leads_of(
			frappe.qb.from_(opportunity).join(lead).on(lead.opportunity == opportunity.name), lead, filters
		)
		.select(
			source.as_("lead_source"),
			Count("*").as_("won_opportunities"),
			Sum(Coalesce(opportunity.won_amount, 0) * Coalesce(opportunity.exchange_rate, 1)).as_(
				"won_revenue"
			),
		)
		.where((opportunity.status == "Won") & converted)
		.groupby(source)
		.run(as_dict=True)
	}
	merged = {}
	for row in rows:
		row.update(won.get(row.lead_source) or {"won_opportunities": 0, "won_revenue": 0})
		row.lead_source = row.lead_source or ""
		merged[row.lead_source] = _merge(merged.get(row.lead_source), row)
	rows = list(merged.values())
	order = {s: i for i, s in enumerate(SOURCES)}
	data = []
	for row in sorted(rows, key=lambda r: order.get(r.lead_source, len(order))):
		data.append(
			{
				"lead_source": label(row.lead_source),
				"leads": row.leads,
				"converted": int(row.converted or 0),
				"lost": int(row.lost or 0),
				"conversion_rate": rate(row.converted, row.leads),
				"won_opportunities": int(row.won_opportunities or 0),
				"won_revenue": flt(row.won_revenue, 2),
				"revenue_per_lead": flt(ratio(row.won_revenue, row.leads), 2),
				"avg_cycle_days": flt(ratio(row.cycle_seconds, row.cycled, 6) / 86400, 1),
			}
		)
	return data


def _merge(into, row):
	"""A source's figures: the empty and the missing lead source are one group, "Not Set"."""
	if into is None:
		return row
	for fieldname in (
		"leads",
		"converted",
		"lost",
		"won_opportunities",
		"won_revenue",
		"cycle_seconds",
		"cycled",
	):
		into[fieldname] = (into[fieldname] or 0) + (row[fieldname] or 0)
	return into


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [row["lead_source"] for row in data],
			"datasets": [
				{"name": _("Leads"), "values": [row["leads"] for row in data]},
				{"name": _("Converted"), "values": [row["converted"] for row in data]},
			],
		},
		"type": "bar",
		"colors": ["#7cd6fd", "#28a745"],
	}


def get_summary(data: list[dict]) -> list[dict]:
	leads = sum(row["leads"] for row in data)
	converted = sum(row["converted"] for row in data)
	cycle_days = ratio(sum(row["avg_cycle_days"] * row["converted"] for row in data), converted, 1)
	best = max(data, key=lambda row: row["conversion_rate"], default=None)
	return [
		summary(leads, _("Leads"), "Int"),
		summary(rate(converted, leads), _("Conversion %"), "Percent", "Green" if converted else "Orange"),
		summary(sum(row["won_revenue"] for row in data), _("Won Revenue"), indicator="Green"),
		summary(cycle_days, _("Avg Cycle (Days)"), "Float"),
		summary(
			best["lead_source"] if best and best["converted"] else "-", _("Best Converting Source"), "Data"
		),
	]
