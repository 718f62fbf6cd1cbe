"""Small helpers shared by the controllers."""

import frappe

from sales_crm import rounding  # the pure rules round as System Settings say


def get_settings():
	return frappe.get_cached_doc("Sales CRM Settings")


def company_currency() -> str:
	return get_settings().company_currency or "CNY"


def department_of(user: str | None) -> str | None:
	"""The active Sales Department a user belongs to (as a member, else as its manager)."""
	if not user:
		return None
	member = frappe.qb.DocType("Sales Department Member")
	department = frappe.qb.DocType("Sales Department")
	rows = (
		frappe.qb.from_(member)
		.join(department)
		.on(department.name == member.parent)
		.select(member.parent)
		.where((member.user == user) & (member.is_active == 1) & (member.parenttype == "Sales Department"))
		.where(department.disabled == 0)
		.limit(1)
		.run()
	)
	if rows:
		return rows[0][0]
	return frappe.db.get_value("Sales Department", {"manager": user, "disabled": 0}, "name")


def is_salesperson(user: str) -> bool:
	return user not in ("Administrator", "Guest") and "Sales User" in frappe.get_roles(user)


def default_sales_person(doc) -> None:
	"""A record a salesperson creates is theirs unless it names another owner."""
	if not doc.get("sales_person") and is_salesperson(frappe.session.user):
		doc.sales_person = frappe.session.user
	if doc.meta.has_field("sales_department") and not doc.get("sales_department"):
		doc.sales_department = department_of(doc.get("sales_person"))
