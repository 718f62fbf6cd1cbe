# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Loss Reason Analysis: the funnel's losses grouped by reason — leads lost, opportunities lost (and
their company-currency expected revenue), quotations the customer rejected (and their value) — for the
records created in the period; filter by lead source and opportunity kind too."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Sum
from frappe.utils import flt

from sales_crm.reporting import NOT_SET, column, currency, never_raises, report_filters, scope, summary


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	data = get_data(filters)
	return get_columns(), data, None, get_chart(data), get_summary(data)


def get_columns() -> list[dict]:
	return [
		column("loss_reason", _("Loss Reason"), "Link", 170, options="Sales Loss Reason"),
		column("leads_lost", _("Leads Lost"), "Int", 100),
		column("opportunities_lost", _("Opportunities Lost"), "Int", 130),
		currency("lost_amount", _("Lost Opportunity Value")),
		column("quotations_rejected", _("Quotations Rejected"), "Int", 140),
		currency("rejected_amount", _("Rejected Quotation Value")),
	]


def leads(filters) -> list:
	lead = frappe.qb.DocType("Sales Lead")
	reason = Coalesce(lead.loss_reason, "")
	query = (
		frappe.qb.from_(lead)
		.select(reason, Count("*"))
		.where(lead.status == "Lost")
		.where(scope(lead, "Sales Lead", filters, "creation", is_datetime=True))
		.groupby(reason)
	)
	if filters.get("lead_source"):
		query = query.where(lead.lead_source == filters.lead_source)
	return query.run()


def opportunities(filters) -> list:
	opportunity = frappe.qb.DocType("Sales Opportunity")
	reason = Coalesce(opportunity.loss_reason, "")
	query = (
		frappe.qb.from_(opportunity)
		.select(reason, Count("*"), Sum(Coalesce(opportunity.base_expected_revenue, 0)))
		.where(opportunity.status == "Lost")
		.where(scope(opportunity, "Sales Opportunity", filters, "creation", is_datetime=True))
		.groupby(reason)
	)
	if filters.get("opportunity_kind"):
		query = query.where(opportunity.opportunity_kind == filters.opportunity_kind)
	if filters.get("lead_source"):
		lead = frappe.qb.DocType("Sales Lead")
		query = (
			query.join(lead)
			.on(lead.name == opportunity.sales_lead)
			.where(lead.lead_source == filters.lead_source)
		)
	return query.run()


def quotations(filters) -> list:
	quotation = frappe.qb.DocType("Sales Quotation")
	reason = Coalesce(quotation.loss_reason, "")
	query = (
		frappe.qb.from_(quotation)
		.select(reason, Count("*"), Sum(Coalesce(quotation.base_grand_total, 0)))
		.where((quotation.status == "Rejected") & (quotation.docstatus == 1))
		.where(scope(quotation, "Sales Quotation", filters, "creation", is_datetime=True))
		.groupby(reason)
	)
	if filters.get("opportunity_kind") or filters.get("lead_source"):
		opportunity = frappe.qb.DocType("Sales Opportunity")
		query = query.join(opportunity).on(opportunity.name == quotation.opportunity)
		if filters.get("opportunity_kind"):
			query = query.where(opportunity.opportunity_kind == filters.opportunity_kind)
		if filters.get("lead_source"):
			lead = frappe.qb.DocType("Sales Lead")
			query = (
				query.join(lead)
				.on(lead.name == opportunity.sales_lead)
				.where(lead.lead_source == filters.lead_source)
			)
	return query.run()


def get_data(filters) -> list[dict]:
	rows: dict[str, dict] = {}

	def row(reason):
		return rows.setdefault(
			reason or "",
			{
				"loss_reason": reason or _(NOT_SET),
				"leads_lost": 0,
				"opportunities_lost": 0,
				"lost_amount": 0.0,
				"quotations_rejected": 0,
				"rejected_amount": 0.0,
			},
		)

	for reason, count in leads(filters):
		row(reason)["leads_lost"] = count
	for reason, count, amount in opportunities(filters):
		row(reason).update(opportunities_lost=count, lost_amount=flt(amount, 2))
	for reason, count, amount in quotations(filters):
		row(reason).update(quotations_rejected=count, rejected_amount=flt(amount, 2))
	return sorted(
		rows.values(),
		key=lambda r: (
			-(r["leads_lost"] + r["opportunities_lost"] + r["quotations_rejected"]),
			r["loss_reason"],
		),
	)


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	reasons = [row["loss_reason"] for row in data]
	return {
		"data": {
			"labels": [_(reason) for reason in reasons],
			"datasets": [
				{"name": _("Leads Lost"), "values": [row["leads_lost"] for row in data]},
				{"name": _("Opportunities Lost"), "values": [row["opportunities_lost"] for row in data]},
				{"name": _("Quotations Rejected"), "values": [row["quotations_rejected"] for row in data]},
			],
		},
		"type": "bar",
	}


def get_summary(data: list[dict]) -> list[dict]:
	return [
		summary(sum(row["leads_lost"] for row in data), _("Leads Lost"), "Int", "Red"),
		summary(sum(row["opportunities_lost"] for row in data), _("Opportunities Lost"), "Int", "Red"),
		summary(sum(row["lost_amount"] for row in data), _("Lost Opportunity Value"), "Currency", "Red"),
		summary(sum(row["quotations_rejected"] for row in data), _("Quotations Rejected"), "Int", "Orange"),
	]
