# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Customer Lifetime Value: the scored customers (or customer sites) of highest expected 12-month value,
with how likely each still buys, its expected orders, RFM scores and segment, and its churn risk, as the
last customer mining run stored them (sales_crm/flows/mining.py); a chart of the value per segment.

A user sees the customers (sites of the customers) their list shows; the filters narrow that. The rows
are the top ``top`` by value (500 unless set): a site with hundreds of thousands of customers is read as
a ranking, not a screen of every row. The chart and the summary count every matching row, grouped in the
database."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Sum
from frappe.utils import flt

from sales_crm.reporting import column, currency, never_raises, summary, top_filter, visible

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
	top = top_filter(filters)
	doctype = LEVELS[level]
	table = frappe.qb.DocType(doctype)
	criteria = conditions(table, doctype, filters)
	data = get_data(table, criteria, level, top)
	groups = get_groups(table, criteria)
	return get_columns(level), data, None, get_chart(groups), get_summary(groups, len(data))


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


def conditions(table, doctype: str, filters) -> list:
	criteria = [table.last_scored_on.isnotnull()]
	allowed = visible(table, doctype)
	if allowed is not None:
		criteria.append(allowed)
	for key in ("sales_person", "sales_department", "rfm_segment", "churn_risk"):
		if filters.get(key):
			criteria.append(table[key] == filters[key])
	return criteria


def where(query, criteria: list):
	for criterion in criteria:
		query = query.where(criterion)
	return query


def get_data(table, criteria: list, level: str, top: int) -> list[dict]:
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
	# ``clv`` is indexed: the top rows are read down that index, stopping at ``top``
	query = where(frappe.qb.from_(table).select(*fields), criteria)
	rows = query.orderby(table.clv, order=frappe.qb.desc).limit(top).run(as_dict=True)
	for row in rows:
		row.rfm_segment = _(row.rfm_segment) if row.rfm_segment else ""
		row.churn_risk = _(row.churn_risk) if row.churn_risk else ""
		row.clv = flt(row.clv, 2)
	return rows


def get_groups(table, criteria: list) -> list[dict]:
	"""Every matching row counted and summed per segment and risk, in the database."""
	query = frappe.qb.from_(table).select(
		table.rfm_segment,
		table.churn_risk,
		Count("*").as_("count"),
		Sum(Coalesce(table.clv, 0)).as_("clv"),
	)
	query = where(query, criteria).groupby(table.rfm_segment, table.churn_risk)
	return query.run(as_dict=True)


def get_chart(groups: list[dict]) -> dict | None:
	totals = {}
	for group in groups:
		totals[group.rfm_segment or ""] = totals.get(group.rfm_segment or "", 0.0) + flt(group.clv)
	segments = [segment for segment in SEGMENTS if segment in totals]
	if not segments:
		return None
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


def get_summary(groups: list[dict], shown: int) -> list[dict]:
	scored = sum(group["count"] for group in groups)
	high = sum(group["count"] for group in groups if group.churn_risk == "High")
	return [
		summary(scored, _("Scored"), "Int"),
		summary(shown, _("Shown (Highest Value)"), "Int", "Gray"),
		summary(flt(sum(flt(group.clv) for group in groups), 2), _("Expected 12-Month Value")),
		summary(high, _("High Churn Risk"), "Int", "Red"),
	]
