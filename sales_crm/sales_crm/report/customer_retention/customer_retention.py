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
the orders their list shows."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Max, Sum
from frappe.utils import cint, flt, getdate

from sales_crm.reporting import NOT_SET, column, currency, never_raises, report_filters, scope, summary
from sales_crm.rules import plans, retention

PERIOD_TYPES = plans.PERIOD_TYPES


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	previous, current = periods(filters)
	data = get_data(filters, previous, current)
	message = _("{0} compared with {1}").format(current.label, previous.label)
	return get_columns(filters, previous, current), data, message, get_chart(data), get_summary(data)


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


def get_data(filters, previous, current) -> list[dict]:
	order = frappe.qb.DocType("Customer Order")
	amount = Coalesce(order.base_grand_total, 0)
	in_previous = (order.order_date >= previous.start) & (order.order_date <= previous.end)
	in_current = (order.order_date >= current.start) & (order.order_date <= current.end)
	keys = [order.customer]
	site = Coalesce(order.customer_address, "")
	if cint(filters.per_site):
		keys.append(site)
	selected = [order.customer] + ([site.as_("customer_address")] if cint(filters.per_site) else [])
	scoped = frappe._dict(filters, from_date=None, to_date=None)
	query = (
		frappe.qb.from_(order)
		.select(
			*selected,
			Sum(Case().when(in_previous, 1).else_(0)).as_("previous_orders"),
			Sum(Case().when(in_previous, amount).else_(0)).as_("previous_amount"),
			Sum(Case().when(in_current, 1).else_(0)).as_("current_orders"),
			Sum(Case().when(in_current, amount).else_(0)).as_("current_amount"),
			Max(Case().when(order.order_date < previous.start, order.order_date)).as_("last_order_before"),
		)
		.where((order.docstatus == 1) & (order.order_date <= current.end))
		.where(scope(order, "Customer Order", scoped))
		.groupby(*keys)
		.having(
			(Sum(Case().when(in_previous, 1).else_(0)) > 0) | (Sum(Case().when(in_current, 1).else_(0)) > 0)
		)
		.orderby(order.customer)
	)
	if cint(filters.per_site):
		query = query.orderby(site)
	labels = {category: category_label(category) for category in retention.CATEGORIES}
	not_set = _(NOT_SET)
	per_site = cint(filters.per_site)
	data = []
	for row in query.run(as_dict=True):
		category = retention.classify(
			row.previous_orders > 0, row.current_orders > 0, row.last_order_before is not None
		)
		line = {
			"customer": row.customer,
			"category": labels[category],
			"category_key": category,
			"previous_orders": int(row.previous_orders),
			"previous_amount": round(float(row.previous_amount or 0), 2),
			"current_orders": int(row.current_orders),
			"current_amount": round(float(row.current_amount or 0), 2),
			"last_order_before": row.last_order_before,
		}
		if per_site:
			line["customer_address"] = row.get("customer_address") or not_set
		data.append(line)
	return data


def counts(data: list[dict]) -> dict[str, int]:
	found = dict.fromkeys(retention.CATEGORIES, 0)
	for row in data:
		found[row["category_key"]] += 1
	return found


def revenue(data: list[dict]) -> dict[str, float]:
	"""Per category: the lost customers' previous-period amount, everyone else's current-period amount."""
	found = dict.fromkeys(retention.CATEGORIES, 0.0)
	for row in data:
		key = row["category_key"]
		found[key] += row["previous_amount"] if key == retention.LOST else row["current_amount"]
	return {key: flt(value, 2) for key, value in found.items()}


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	number, amount = counts(data), revenue(data)
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


def get_summary(data: list[dict]) -> list[dict]:
	number, amount = counts(data), revenue(data)
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
