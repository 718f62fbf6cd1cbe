"""A customer on one page (the customer form's overview): contacts, sites, open opportunities, orders,
outstanding receivables and follow-ups, each read through ``frappe.get_list``, so that a salesperson sees of
each only the records their row scope and roles let them read. A section the user may not read at all is
``None`` (left off the page), not an empty list that would claim there is nothing."""

import frappe
from frappe import _
from frappe.utils import flt

from sales_crm.utils import company_currency

LIMIT = 10


def _readable(doctype: str) -> bool:
	return bool(frappe.has_permission(doctype, "read"))


def _section(doctype: str, filters, fields: list[str], order_by: str, total_field: str | None = None):
	if not _readable(doctype):
		return None
	table = (
		f"`tab{doctype}`"  # the contacts' and sites' Dynamic Link filter joins a table of the same columns
	)
	fields = [f"{table}.{field}" for field in fields]
	order_by = ", ".join(f"{table}.{part.strip()}" for part in order_by.split(","))
	rows = frappe.get_list(
		doctype, filters=filters, fields=fields, order_by=order_by, limit_page_length=LIMIT
	)
	section = {"rows": rows, "count": len(rows)}
	if len(rows) == LIMIT or total_field:
		aggregate = [f"count({table}.name)"] + ([f"sum({table}.{total_field})"] if total_field else [])
		figures = frappe.get_list(doctype, filters=filters, fields=aggregate, as_list=True)[0]
		section["count"] = figures[0]
		if total_field:
			section["total"] = flt(figures[1])
	return section


def customer_overview(customer: str) -> dict:
	frappe.has_permission("Sales Customer", "read", customer, throw=True)
	links = [
		["Dynamic Link", "link_doctype", "=", "Sales Customer"],
		["Dynamic Link", "link_name", "=", customer],
	]
	return {
		"company_currency": company_currency(),
		"contacts": _section(
			"Contact",
			links,
			["name", "first_name", "last_name", "designation", "phone", "mobile_no", "email_id"],
			"is_primary_contact desc, modified desc",
		),
		"sites": _section(
			"Address",
			links,
			["name", "address_title", "address_type", "address_line1", "city"],
			"is_primary_address desc, modified desc",
		),
		"opportunities": _section(
			"Sales Opportunity",
			{"customer": customer, "status": "Open"},
			[
				"name",
				"opportunity_name",
				"sales_stage",
				"expected_close_date",
				"expected_revenue",
				"currency",
			],
			"expected_close_date asc",
			"base_expected_revenue",
		),
		"orders": _section(
			"Customer Order",
			{"customer": customer, "docstatus": 1},
			["name", "order_date", "status", "grand_total", "currency", "per_delivered", "per_collected"],
			"order_date desc",
			"base_grand_total",
		),
		"receivables": _section(
			"Sales Receivable",
			{"customer": customer, "docstatus": 1, "outstanding_amount": (">", 0)},
			["name", "invoice_no", "due_date", "is_overdue", "outstanding_amount", "currency"],
			"due_date asc",
			"base_outstanding_amount",
		),
		"follow_ups": _section(
			"Sales Follow Up",
			{"customer": customer},
			[
				"name",
				"follow_up_type",
				"follow_up_date",
				"status",
				"outcome",
				"next_step",
				"next_follow_up_date",
			],
			"follow_up_date desc, creation desc",
		),
		"labels": {
			"contacts": _("Contacts"),
			"sites": _("Customer Sites"),
			"opportunities": _("Open Opportunities"),
			"orders": _("Customer Orders"),
			"receivables": _("Outstanding Receivables"),
			"follow_ups": _("Follow-ups"),
		},
	}
