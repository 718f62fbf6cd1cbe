# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Approvals Inbox: every quotation, contract, order and commission waiting for the user's decision, in one
list (the Awaiting My Approval card opens it), the longest waiting first. Each kind is read through the
user's own list, so the inbox shows exactly the records the card counts."""

import frappe
from frappe import _

from sales_crm.desk import awaiting_counts
from sales_crm.reporting import column, currency, customer_names, full_names, never_raises

# the amount a decision is about, per DocType (company currency)
AMOUNT = {
	"Sales Quotation": "base_grand_total",
	"Sales Contract": "base_grand_total",
	"Customer Order": "base_grand_total",
	"Customer Commission": "commission_amount",
	"Salesperson Commission": "accrued_amount",
}
LIMIT = 500  # per kind: an inbox longer than this is a backlog for a report of its own


@never_raises
def execute(filters=None):
	filters = frappe._dict(filters or {})
	return get_columns(), get_data(filters)


def get_columns() -> list[dict]:
	return [
		# the DocType's name as the link needs it (a Link to DocType would make the desk load DocType's
		# meta, which sales users may not read), and its translated label as the user reads it
		column("document_type", _("Document Type"), "Data", 150, hidden=1),
		column("kind", _("Document Type"), "Data", 150),
		column("document", _("Document"), "Dynamic Link", 170, options="document_type"),
		# names, not IDs: a director reads who the record is for
		column("customer_name", _("Customer"), "Data", 170),
		column("sales_person_name", _("Sales Person"), "Data", 170),
		currency("amount", _("Amount")),
		column("state", _("State"), "Data", 130),
		column("waiting_since", _("Waiting Since"), "Datetime", 160),
	]


def get_data(filters) -> list[dict]:
	records = []
	for doctype, waiting, count in awaiting_counts():
		if not count:
			continue
		meta = frappe.get_meta(doctype)
		conditions = dict(waiting)
		for field in ("sales_department", "sales_person"):
			if filters.get(field) and meta.has_field(field):
				conditions[field] = filters[field]
		fields = ["name", "modified", f"{AMOUNT[doctype]} as amount"]
		fields += [f for f in ("customer", "sales_person") if meta.has_field(f)]
		state = "workflow_state" if meta.has_field("workflow_state") else "status"
		fields.append(f"{state} as state")
		records += [
			(doctype, record)
			for record in frappe.get_list(
				doctype, filters=conditions, fields=fields, order_by="modified asc", limit_page_length=LIMIT
			)
		]
	# the customers' and salespeople's names in one read each, however many records wait; the customers as
	# the other reports name them (a customer the user may not read keeps its name hidden)
	names = customer_names({record.customer for _doctype, record in records if record.get("customer")})
	people = full_names({record.sales_person for _doctype, record in records if record.get("sales_person")})
	rows = [
		{
			"document_type": doctype,
			"kind": _(doctype),
			"document": record.name,
			"customer_name": names.get(record.get("customer")),
			"sales_person_name": (people.get(record.sales_person) or record.sales_person)
			if record.get("sales_person")
			else None,
			"amount": record.amount,
			"state": _(record.state) if record.state else None,
			"waiting_since": record.modified,
		}
		for doctype, record in records
	]
	rows.sort(key=lambda row: row["waiting_since"])
	return rows
