# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Customer Retention (客户保持): two consecutive periods — the one chosen (*current*, a month, quarter,
half or year written as a plan period: 2026-03, 2026-Q1, 2026-H1, 2026) and the one before (*previous*) —
and every customer who bought (a submitted order) in either: Retained, Lost, Returning (bought before the
previous period, not in it, again in the current one) or New (first order ever in the current period),
with their company-currency order amounts in both periods; the retention, churn and repeat-purchase rates
(``sales_crm.rules.retention``). With "Per Customer Site" each of a customer's sites (the order's
Customer Site; orders without one are the customer's "Not Set" site) is counted on its own.

One grouped query over the submitted orders up to the end of the current period; a Sales User counts only
the orders their list shows. The rows are the ``top`` customers (500 unless set; of one category when
chosen) of highest revenue: a lost customer's previous-period amount, anyone else's current-period
amount. The chart and the summary count every customer."""

import heapq

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Max, Sum
from frappe.utils import cint, flt, getdate
from pypika.terms import ValueWrapper

from sales_crm.reporting import (
	CUSTOMER_INDEXES,
	NOT_SET,
	column,
	currency,
	never_raises,
	report_filters,
	scope,
	summary,
	top_filter,
)
from sales_crm.rules import plans, retention

PERIOD_TYPES = plans.PERIOD_TYPES


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	previous, current = periods(filters)
	if filters.category and filters.category not in retention.CATEGORIES:
		frappe.throw(
			_("Category must be one of {0}, not {1}").format(
				", ".join(retention.CATEGORIES), filters.category
			),
			title=_("Invalid Filter"),
		)
	top = top_filter(filters)
	data, number, amount, cut = get_data(filters, previous, current, top)
	message = _("{0} compared with {1}").format(current.label, previous.label)
	if cut:
		message += "; " + _(
			"the {0} customers of highest revenue are listed (Top), the chart and the summary count every one"
		).format(top)
	columns = get_columns(filters, previous, current)
	return columns, data, message, get_chart(number, amount), get_summary(number, amount)


def periods(filters) -> tuple[plans.Period, plans.Period]:
	period_type = filters.period_type or "Annual"
	if period_type not in PERIOD_TYPES:
		frappe.throw(
			_("Period Type must be one of {0}, not {1}").format(", ".join(PERIOD_TYPES), period_type),
			title=_("Invalid Filter"),
		)
	text = str(filters.period or "").strip() or default_period(period_type)
	current = plans.parse_period(period_type, text)
	if not current:
		frappe.throw(
			_("Period {0} is not a {1} period like {2}").format(
				text, _(period_type), plans.example(period_type)
			),
			title=_("Invalid Filter"),
		)
	return current.previous(), current


def category_label(category: str) -> str:
	return {
		retention.RETAINED: _("Retained"),
		retention.LOST: _("Lost"),
		retention.RETURNING: _("Returning"),
		retention.NEW: _("New"),
	}[category]


def default_period(period_type: str) -> str:
	"""The period of that type that holds today."""
	today = getdate()
	months = {"Monthly": 1, "Quarterly": 3, "Half-Yearly": 6, "Annual": 12}[period_type]
	return plans.Period(period_type, today.year, (today.month - 1) // months + 1).label


def get_columns(filters, previous, current) -> list[dict]:
	columns = [column("customer", _("Customer"), "Link", 150, options="Sales Customer")]
	if cint(filters.per_site):
		columns.append(column("customer_address", _("Customer Site"), "Data", 180))
	return [
		*columns,
		column("category", _("Category"), "Data", 100),
		column("previous_orders", _("Orders {0}").format(previous.label), "Int", 100),
		currency("previous_amount", _("Amount {0}").format(previous.label)),
		column("current_orders", _("Orders {0}").format(current.label), "Int", 100),
		currency("current_amount", _("Amount {0}").format(current.label)),
		column("last_order_before", _("Last Order Before {0}").format(previous.label), "Date", 140),
	]


def get_data(filters, previous, current, top: int) -> tuple[list[dict], dict, dict, bool]:
	"""The ``top`` customers (of the filter's category) of highest revenue (``retention.revenue``), the most
	first; every customer's count and revenue per category; and whether any customer was left out.

	One grouped query over the submitted orders up to the end of the current period, read in customer order
	down its index as plain tuples: only the listed customers become rows, so a site with hundreds of
	thousands of customers costs the query and one loop, not a row each for the report runner."""
	order = frappe.qb.DocType("Customer Order")
	amount = Coalesce(order.base_grand_total, 0)
	in_previous = (order.order_date >= previous.start) & (order.order_date <= previous.end)
	in_current = (order.order_date >= current.start) & (order.order_date <= current.end)
	per_site = cint(filters.per_site)
	# the bare site, so that the groups stream out of customer_order_report_index in its order (grouped by
	# COALESCE(site, '') they took a temporary table: 16.6 s against 0.83 s at 1M leads); the empty and the
	# missing site are one, added up below (``retention.unsited_merged``)
	keys = [order.customer, order.customer_address] if per_site else [order.customer, ValueWrapper("")]
	active = (Sum(Case().when(in_previous, 1).else_(0)) > 0) | (Sum(Case().when(in_current, 1).else_(0)) > 0)
	scoped = frappe._dict(filters, from_date=None, to_date=None)
	query = (
		frappe.qb.from_(order)
		.force_index(CUSTOMER_INDEXES["Customer Order"])
		.select(
			*keys,
			Sum(Case().when(in_previous, 1).else_(0)).as_("previous_orders"),
			Sum(Case().when(in_previous, amount).else_(0)).as_("previous_amount"),
			Sum(Case().when(in_current, 1).else_(0)).as_("current_orders"),
			Sum(Case().when(in_current, amount).else_(0)).as_("current_amount"),
			Max(Case().when(order.order_date < previous.start, order.order_date)).as_("last_order_before"),
		)
		.where((order.docstatus == 1) & (order.order_date <= current.end))
		.where(scope(order, "Customer Order", scoped))
		.groupby(*(keys if per_site else keys[:1]))
		# a customer's site-less groups are kept whatever they hold: two of them add up before the test
		.having(
			active | order.customer_address.isnull() | (order.customer_address == "") if per_site else active
		)
	)
	number = dict.fromkeys(retention.CATEGORIES, 0)
	weight = dict.fromkeys(retention.CATEGORIES, 0)
	candidates = []
	classify, revenue, wanted = retention.classify, retention.revenue, filters.category
	rows = query.run()
	if per_site:
		rows = (row for row in retention.unsited_merged(rows) if row[2] > 0 or row[4] > 0)
	for row in rows:
		category = classify(row[2] > 0, row[4] > 0, row[6] is not None)
		value = revenue(category, row[3], row[5]) or 0
		number[category] += 1
		weight[category] += value
		if not wanted or category == wanted:
			candidates.append((-value, row[0] or "", row[1], category, row))
	listed = heapq.nsmallest(top + 1, candidates)
	cut = len(listed) > top
	labels = {category: category_label(category) for category in retention.CATEGORIES}
	not_set = _(NOT_SET)
	data = []
	for _value, _customer, _site, category, row in listed[:top]:
		customer, site_name, previous_orders, previous_amount, current_orders, current_amount, before = row
		line = {
			"customer": customer,
			"category": labels[category],
			"category_key": category,
			"previous_orders": int(previous_orders),
			"previous_amount": round(float(previous_amount or 0), 2),
			"current_orders": int(current_orders),
			"current_amount": round(float(current_amount or 0), 2),
			"last_order_before": before,
		}
		if per_site:
			line["customer_address"] = site_name or not_set
		data.append(line)
	return data, number, {key: flt(value, 2) for key, value in weight.items()}, cut


def get_chart(number: dict, amount: dict) -> dict | None:
	if not any(number.values()):
		return None
	return {
		"data": {
			"labels": [category_label(category) for category in retention.CATEGORIES],
			"datasets": [
				{"name": _("Customers"), "values": [number[c] for c in retention.CATEGORIES]},
				{"name": _("Revenue"), "values": [amount[c] for c in retention.CATEGORIES]},
			],
		},
		"type": "bar",
	}


def get_summary(number: dict, amount: dict) -> list[dict]:
	rate = retention.rates(number)
	out = []
	for category in retention.CATEGORIES:
		out.append(summary(number[category], _("{0} Customers").format(category_label(category)), "Int"))
	out.append(summary(amount[retention.LOST], _("Lost Revenue"), "Currency", "Red"))
	out.append(summary(amount[retention.NEW], _("New Revenue"), "Currency", "Green"))
	out.append(summary(rate["retention_rate"], _("Retention Rate (%)"), "Percent", "Blue"))
	out.append(summary(rate["churn_rate"], _("Churn Rate (%)"), "Percent", "Orange"))
	out.append(summary(rate["repeat_purchase_rate"], _("Repeat-Purchase Rate (%)"), "Percent", "Green"))
	return out
