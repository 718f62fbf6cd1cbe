# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Receivable Ageing: what submitted receivables still owe on the report date, by customer or
salesperson, in buckets of days past due, and what was collected in the period.

The outstanding amount is as of the report date: the receivable's total less the allocations and
write-offs of receipts dated up to then. A receivable without a due date is aged by its invoice date
(posting date as the last resort), so it never drops out of the buckets.
"""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Count, Sum
from frappe.utils import flt, getdate
from pypika.terms import CustomFunction

from sales_crm.reporting import column, currency, label, never_raises, report_filters, scope, summary
from sales_crm.rules.analysis import AGEING_BUCKETS

DateDiff = CustomFunction("DATEDIFF", ["end_date", "start_date"])
GROUP_BY = ("customer", "sales_person")
AMOUNTS = ("total_amount", "outstanding_amount", "not_due", *(b[0] for b in AGEING_BUCKETS))


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	filters.report_date = getdate(filters.report_date or getdate())
	filters.group_by = filters.group_by if filters.group_by in GROUP_BY else "customer"
	data = get_data(filters)
	return get_columns(filters), data, None, get_chart(data), get_summary(data)


def get_columns(filters) -> list[dict]:
	if filters.group_by == "customer":
		party = [
			column("party", _("Customer"), "Link", 150, options="Sales Customer"),
			column("party_name", _("Customer Name"), "Data", 180),
		]
	else:
		party = [column("party", _("Sales Person"), "Link", 190, options="User")]
	return [
		*party,
		column("receivables", _("Receivables"), "Int", 100),
		currency("total_amount", _("Invoiced Amount")),
		currency("outstanding_amount", _("Outstanding")),
		currency("not_due", _("Not Yet Due")),
		*(
			currency(fieldname, _("{0} Days").format(bucket), 110)
			for fieldname, bucket, *_r in AGEING_BUCKETS
		),
		currency("collected_in_period", _("Collected in Period")),
	]


def settled_as_of(report_date):
	"""Per receivable, what submitted receipts dated up to ``report_date`` allocated and wrote off."""
	allocation = frappe.qb.DocType("Sales Receipt Allocation")
	receipt = frappe.qb.DocType("Sales Receipt")
	return (
		frappe.qb.from_(allocation)
		.join(receipt)
		.on(receipt.name == allocation.parent)
		.select(
			allocation.sales_receivable,
			Sum(Coalesce(allocation.allocated_amount, 0) + Coalesce(allocation.write_off_amount, 0)).as_(
				"settled"
			),
		)
		.where(
			(allocation.parenttype == "Sales Receipt")
			& (receipt.docstatus == 1)
			& (receipt.receipt_date <= report_date)
		)
		.groupby(allocation.sales_receivable)
	)


def outstanding_rows(filters) -> list[dict]:
	receivable = frappe.qb.DocType("Sales Receivable")
	settled = settled_as_of(filters.report_date)
	exchange_rate = Coalesce(receivable.exchange_rate, 1)
	outstanding = (receivable.total_amount - Coalesce(settled.settled, 0)) * exchange_rate
	aged_from = Coalesce(receivable.due_date, receivable.invoice_date, receivable.posting_date)
	days = DateDiff(filters.report_date, aged_from)
	key = receivable[filters.group_by]

	def bucket(first, last):
		condition = receivable.due_date.isnull() | (receivable.due_date <= filters.report_date)
		condition &= days >= first
		if last is not None:
			condition &= days <= last
		return Sum(Case().when(condition, outstanding).else_(0))

	return (
		frappe.qb.from_(receivable)
		.left_join(settled)
		.on(settled.sales_receivable == receivable.name)
		.select(
			Coalesce(key, "").as_("party"),
			Count("*").as_("receivables"),
			Sum(receivable.total_amount * exchange_rate).as_("total_amount"),
			Sum(outstanding).as_("outstanding_amount"),
			Sum(Case().when(receivable.due_date > filters.report_date, outstanding).else_(0)).as_("not_due"),
			*(bucket(first, last).as_(fieldname) for fieldname, _b, first, last in AGEING_BUCKETS),
		)
		.where(
			(receivable.docstatus == 1)
			& (receivable.posting_date <= filters.report_date)
			& (receivable.total_amount - Coalesce(settled.settled, 0) > 0.005)
		)
		.where(scope(receivable, "Sales Receivable", filters))
		.groupby(key)
		.run(as_dict=True)
	)


def collected_in_period(filters) -> dict[str, float]:
	receipt = frappe.qb.DocType("Sales Receipt")
	key = receipt[filters.group_by]
	rows = (
		frappe.qb.from_(receipt)
		.select(Coalesce(key, ""), Sum(receipt.base_paid_amount))
		.where(receipt.docstatus == 1)
		.where(scope(receipt, "Sales Receipt", filters, "receipt_date"))
		.groupby(key)
		.run()
	)
	return {party: flt(amount) for party, amount in rows}


def get_data(filters) -> list[dict]:
	rows = {row.party: row for row in outstanding_rows(filters)}
	collected = collected_in_period(filters)
	names = {}
	if filters.group_by == "customer":
		parties = [p for p in set(rows) | set(collected) if p]
		names = (
			dict(
				frappe.get_all(
					"Sales Customer",
					filters={"name": ("in", parties)},
					fields=["name", "customer_name"],
					as_list=1,
				)
			)
			if parties
			else {}
		)
	data = []
	for party in set(rows) | set(collected):
		row = rows.get(party) or {}
		line = {"party": party or label(party), "receivables": row.get("receivables") or 0}
		if filters.group_by == "customer":
			line["party_name"] = names.get(party, "")
		for fieldname in AMOUNTS:
			line[fieldname] = flt(row.get(fieldname), 2)
		line["collected_in_period"] = flt(collected.get(party), 2)
		data.append(line)
	data.sort(key=lambda r: (-r["outstanding_amount"], -r["collected_in_period"], r["party"]))
	return data


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	buckets = [("not_due", _("Not Yet Due"))] + [(f, _("{0} Days").format(b)) for f, b, *_r in AGEING_BUCKETS]
	return {
		"data": {
			"labels": [bucket_label for _f, bucket_label in buckets],
			"datasets": [
				{"name": _("Outstanding"), "values": [sum(row[f] for row in data) for f, _l in buckets]}
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
		"colors": ["#ff5858"],
	}


def get_summary(data: list[dict]) -> list[dict]:
	outstanding = sum(row["outstanding_amount"] for row in data)
	past_due = outstanding - sum(row["not_due"] for row in data)
	over_90 = sum(row["range_90_above"] for row in data)
	return [
		summary(outstanding, _("Outstanding")),
		summary(past_due, _("Past Due"), indicator="Orange" if past_due else "Green"),
		summary(over_90, _("Over 90 Days"), indicator="Red" if over_90 else "Green"),
		summary(sum(row["collected_in_period"] for row in data), _("Collected in Period"), indicator="Green"),
	]
