# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Customer Credit Balance: what customers hold on account from advances, per customer and currency.

Opening (before From Date), advances received, offsets (冲款) against receivables and refunds in the
period, and the balance on To Date: ``balance = advances − offsets − refunds`` over every submitted
document up to To Date. An advance counts with what its own allocations did not take. Each source is one
SQL aggregate over its submitted documents, scoped as the user's lists are (``sales_crm.reporting``).
"""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Sum
from frappe.utils import flt

from sales_crm.reporting import (
	column,
	customer_names,
	never_raises,
	report_filters,
	rounder,
	scope,
	summary,
)

AMOUNTS = ("opening", "advances", "offsets", "refunds", "balance")


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	data = get_data(filters)
	return get_columns(), data, None, get_chart(data), get_summary(data)


def get_columns() -> list[dict]:
	money = {"fieldtype": "Currency", "options": "currency"}
	return [
		column("customer", _("Customer"), "Link", 150, options="Sales Customer"),
		column("customer_name", _("Customer Name"), "Data", 180),
		column("currency", _("Currency"), "Link", 80, options="Currency"),
		{**column("opening", _("Opening Credit"), width=120), **money},
		{**column("advances", _("Advances"), width=120), **money},
		{**column("offsets", _("Offsets"), width=120), **money},
		{**column("refunds", _("Refunds"), width=120), **money},
		{**column("balance", _("Credit Balance"), width=130), **money},
		column("base_balance", _("Credit Balance (Company Currency)"), "Currency", 150),
	]


def _sums(table, doctype: str, date_field: str, amount, filters, condition):
	"""Per (customer, currency): the amount before the period, in it, and up to its end in company currency."""
	before = table[date_field] < filters.from_date
	return (
		frappe.qb.from_(table)
		.select(
			table.customer,
			table.currency,
			Sum(Case().when(before, amount).else_(0)).as_("opening"),
			Sum(Case().when(before, 0).else_(amount)).as_("period"),
			Sum(amount * Coalesce(table.exchange_rate, 1)).as_("base"),
		)
		.where((table.docstatus == 1) & (table[date_field] <= filters.to_date) & condition)
		.where(scope(table, doctype, filters))
		.groupby(table.customer, table.currency)
	)


def sources(filters) -> dict[str, list[dict]]:
	receipt = frappe.qb.DocType("Sales Receipt")
	offset = frappe.qb.DocType("Sales Credit Offset")
	advance = receipt.receipt_type == "Advance"
	# what the advance's own allocations did not take: the credit left, with what offsets and refunds drew
	# on it added back (the chain keeps the three on the receipt; a subquery over the allocations per
	# advance read every allocation again)
	not_allocated = receipt.unallocated_amount + receipt.offset_amount + receipt.refunded_amount
	return {
		"advances": _sums(receipt, "Sales Receipt", "receipt_date", not_allocated, filters, advance).run(
			as_dict=True
		),
		"offsets": _sums(
			offset, "Sales Credit Offset", "posting_date", offset.total_amount, filters, offset.docstatus == 1
		).run(as_dict=True),
		"refunds": _sums(
			receipt,
			"Sales Receipt",
			"receipt_date",
			receipt.paid_amount,
			filters,
			receipt.receipt_type == "Refund",
		).run(as_dict=True),
	}


def get_data(filters) -> list[dict]:
	rows: dict[tuple, dict] = {}
	for kind, found in sources(filters).items():
		sign = 1 if kind == "advances" else -1
		for r in found:
			row = rows.setdefault(
				(r.customer, r.currency),
				{
					"customer": r.customer,
					"currency": r.currency,
					**dict.fromkeys(AMOUNTS, 0.0),
					"base_balance": 0.0,
				},
			)
			row["opening"] += sign * flt(r.opening)
			row[kind] += flt(r.period)
			row["base_balance"] += sign * flt(r.base)
	names = customer_names({c for c, _cur in rows if c})
	money = rounder(2)
	data = []
	for row in rows.values():
		row["balance"] = row["opening"] + row["advances"] - row["offsets"] - row["refunds"]
		for fieldname in (*AMOUNTS, "base_balance"):
			row[fieldname] = money(row[fieldname])
		if not any(row[f] for f in AMOUNTS):
			continue
		row["customer_name"] = names.get(row["customer"], "")
		data.append(row)
	data.sort(key=lambda r: (-r["base_balance"], r["customer"], r["currency"]))
	return data


def get_chart(data: list[dict]) -> dict | None:
	top = [row for row in data if row["base_balance"] > 0][:10]
	if not top:
		return None
	return {
		"data": {
			"labels": [row["customer_name"] or row["customer"] for row in top],
			"datasets": [{"name": _("Credit Balance"), "values": [row["base_balance"] for row in top]}],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}


def get_summary(data: list[dict]) -> list[dict]:
	return [
		summary(sum(1 for row in data if row["balance"] > 0), _("Customers with Credit"), "Int"),
		summary(flt(sum(row["base_balance"] for row in data), 2), _("Credit Balance"), indicator="Green"),
	]
