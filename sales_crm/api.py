"""The public API (FLOW.md): every conversion of the pipeline, whitelisted for the desk and REST.

POST /api/method/sales_crm.api.<name>. Each function checks permissions and delegates to the domain
modules; the request's transaction rolls back whole on any error.
"""

import frappe

from sales_crm import leads as lead_flow
from sales_crm import mapper, orders


def _list(value) -> list:
	value = frappe.parse_json(value) if isinstance(value, str) and value.strip().startswith("[") else value
	if isinstance(value, str):
		return [value]
	if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
		frappe.throw(frappe._("Expected a list of names"), frappe.ValidationError)
	return value


@frappe.whitelist(methods=["POST"])
def assign_leads(leads: str | list, sales_person: str) -> list[str]:
	return lead_flow.assign_leads(_list(leads), sales_person)


@frappe.whitelist(methods=["POST"])
def convert_lead(lead: str) -> str:
	return lead_flow.convert_lead(lead)


@frappe.whitelist()
def make_quotation(source_name: str, target_doc: str | dict | None = None):
	return mapper.make_quotation(source_name, target_doc)


@frappe.whitelist()
def make_contract(source_name: str, target_doc: str | dict | None = None):
	return mapper.make_contract(source_name, target_doc)


@frappe.whitelist()
def make_order(source_name: str, target_doc: str | dict | None = None):
	return mapper.make_order(source_name, target_doc)


@frappe.whitelist(methods=["POST"])
def deliver_order(order: str, items: str | dict | None = None) -> dict:
	items = frappe.parse_json(items) if isinstance(items, str) else items
	if items is not None and not isinstance(items, dict):
		frappe.throw(frappe._("items must map item rows to quantities"))
	return orders.deliver_order(order, items)


@frappe.whitelist(methods=["POST"])
def invoice_order(
	order: str, invoice_no: str, invoice_date: str, amount: float | None = None, due_date: str | None = None
) -> str:
	return orders.invoice_order(order, invoice_no, invoice_date, amount, due_date)


@frappe.whitelist()
def make_receipt(source_name: str, target_doc: str | dict | None = None):
	return mapper.make_receipt(source_name, target_doc)
