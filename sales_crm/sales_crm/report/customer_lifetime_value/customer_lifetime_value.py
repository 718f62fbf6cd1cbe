# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Customer Lifetime Value: every scored customer (or customer site) with its expected 12-month value,
how likely it still buys, its expected orders, RFM scores and segment, and its churn risk, as the last
customer mining run stored them (sales_crm/flows/mining.py); a chart of the value per segment.

A user sees the customers (sites of the customers) their list shows; the filters narrow that."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce
from frappe.utils import flt

from sales_crm.reporting import column, currency, never_raises, summary, visible

LEVELS = {"Customer": "Sales Customer", "Site": "Customer Site Score"}
SEGMENTS = (
	"Champions",
	"Loyal",
	"Potential Loyalist",
	"New",
	"Promising",
	"Need Attention",
	"At Risk",
	"Cannot Lose Them",
	"Hibernating",
	"Lost",
)
RISKS = ("Low", "Medium", "High")


@never_raises
def execute(filters=None):
	filters = frappe._dict(filters if isinstance(filters, dict) else {})
	for key in ("level", "sales_person", "sales_department", "rfm_segment", "churn_risk"):
		if filters.get(key) is not None and not isinstance(filters.get(key), str):
			frappe.throw(_("Filter {0} must be a single value").format(key), title=_("Invalid Filter"))
	level = filters.level or "Customer"
	if level not in LEVELS:
		frappe.throw(_("Per must be Customer or Site, not {0}").format(level), title=_("Invalid Filter"))
	if filters.rfm_segment and filters.rfm_segment not in SEGMENTS:
		frappe.throw(_("Unknown segment {0}").format(filters.rfm_segment), title=_("Invalid Filter"))
	if filters.churn_risk and filters.churn_risk not in RISKS:
		frappe.throw(_("Churn Risk must be Low, Medium or High"), title=_("Invalid Filter"))
	data = get_data(filters, level)
	return get_columns(level), data, None, get_chart(data), get_summary(data)


def get_columns(level: str) -> list[dict]:
	columns = [column("customer", _("Customer"), "Link", 170, options="Sales Customer")]
	if level == "Site":
		columns.append(column("address", _("Customer Site"), "Link", 200, options="Address"))
	else:
		columns.append(column("customer_name", _("Customer Name"), "Data", 180))
	return [
		*columns,
		column("sales_person", _("Sales Person"), "Link", 150, options="User"),
		currency("clv", _("Expected 12-Month Value"), 150),
		column("p_alive", _("Still Buying (P Alive)"), "Percent", 110),
		column("expected_orders_90", _("Expected Orders (90 Days)"), "Float", 110),
		column("expected_orders_365", _("Expected Orders (365 Days)"), "Float", 110),
		column("rfm_r", _("R"), "Int", 50),
		column("rfm_f", _("F"), "Int", 50),
		column("rfm_m", _("M"), "Int", 50),
		column("rfm_segment", _("Segment"), "Data", 130),
		column("churn_score", _("Churn Score"), "Float", 100),
		column("churn_risk", _("Churn Risk"), "Data", 90),
		column("last_scored_on", _("Last Scored On"), "Datetime", 150),
	]


def get_data(filters, level: str) -> list[dict]:
	doctype = LEVELS[level]
	table = frappe.qb.DocType(doctype)
	fields = [
		table.sales_person,
		table.clv,
		table.p_alive,
		table.expected_orders_90,
		table.expected_orders_365,
		table.rfm_r,
		table.rfm_f,
		table.rfm_m,
		table.rfm_segment,
		table.churn_score,
		table.churn_risk,
		table.last_scored_on,
	]
	if level == "Site":
		fields = [table.customer, table.address, *fields]
	else:
		fields = [table.name.as_("customer"), table.customer_name, *fields]
	query = frappe.qb.from_(table).select(*fields).where(table.last_scored_on.isnotnull())
	allowed = visible(table, doctype)
	if allowed is not None:
		query = query.where(allowed)
	for key in ("sales_person", "sales_department", "rfm_segment", "churn_risk"):
		if filters.get(key):
			query = query.where(table[key] == filters[key])
	rows = query.orderby(Coalesce(table.clv, 0), order=frappe.qb.desc).run(as_dict=True)
	for row in rows:
		row.rfm_segment_label = row.rfm_segment
		row.rfm_segment = _(row.rfm_segment) if row.rfm_segment else ""
		row.churn_risk = _(row.churn_risk) if row.churn_risk else ""
		row.clv = flt(row.clv, 2)
	return rows


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	totals = {}
	for row in data:
		key = row.rfm_segment_label or ""
		totals[key] = totals.get(key, 0.0) + (row.clv or 0)
	segments = [segment for segment in SEGMENTS if segment in totals]
	return {
		"data": {
			"labels": [_(segment) for segment in segments],
			"datasets": [
				{"name": _("Expected 12-Month Value"), "values": [flt(totals[s], 2) for s in segments]}
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}


def get_summary(data: list[dict]) -> list[dict]:
	high = [row for row in data if row.get("rfm_segment_label") is not None and row.churn_risk == _("High")]
	return [
		summary(len(data), _("Scored"), "Int"),
		summary(flt(sum(row.clv or 0 for row in data), 2), _("Expected 12-Month Value")),
		summary(len(high), _("High Churn Risk"), "Int", "Red"),
	]
