"""Small helpers shared by the controllers."""

import frappe

from sales_crm import rounding  # the pure rules round as System Settings say
from sales_crm.org import department_of, is_salesperson


def get_settings():
	return frappe.get_cached_doc("Sales CRM Settings")


def company_currency() -> str:
	return get_settings().company_currency or "CNY"


def default_sales_person(doc) -> None:
	"""A record a salesperson creates is theirs unless it names another owner."""
	if not doc.get("sales_person") and is_salesperson(frappe.session.user):
		doc.sales_person = frappe.session.user
	if doc.meta.has_field("sales_department") and not doc.get("sales_department"):
		doc.sales_department = department_of(doc.get("sales_person"))
