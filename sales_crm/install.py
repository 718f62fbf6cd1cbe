"""Install, migrate and uninstall steps: the records the app needs on every site."""

import frappe

ROLES = ("Sales User", "Sales Manager", "Sales Director", "Accounts User")

STANDARD_METHOD = "Standard"
STANDARD_STAGES = (
	("Needs Tracking", 20),
	("Solution Design", 40),
	("Quotation", 60),
	("Contract Signing", 80),
)


def before_install():
	ensure_roles()


def after_install():
	ensure_records()


def after_migrate():
	ensure_records()


def ensure_records():
	ensure_roles()
	ensure_standard_sales_method()
	ensure_settings()


def ensure_roles():
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def ensure_standard_sales_method():
	"""The seed's standard selling method. Users may add stages; the shipped ones are never removed."""
	if frappe.db.exists("Sales Method", STANDARD_METHOD):
		return
	frappe.get_doc(
		{
			"doctype": "Sales Method",
			"method_name": STANDARD_METHOD,
			"description": "Needs tracking, solution design, quotation and contract signing.",
			"stages": [
				{"stage": stage, "probability": probability} for stage, probability in STANDARD_STAGES
			],
		}
	).insert(ignore_permissions=True)


def ensure_settings():
	settings = frappe.get_single("Sales CRM Settings")
	changed = False
	for fieldname, default in (
		("company_currency", "CNY"),
		("default_sales_method", STANDARD_METHOD),
		("default_credit_days", 30),
	):
		if not settings.get(fieldname):
			settings.set(fieldname, default)
			changed = True
	if changed:
		settings.flags.ignore_permissions = True
		settings.save()


def before_uninstall():
	"""Records outside the module's DocTypes that the app created; the module's own are dropped by Frappe."""
	for doctype, names in app_records_outside_module().items():
		for name in names:
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)


def app_records_outside_module() -> dict[str, list[str]]:
	from sales_crm.workflows import WORKFLOW_NAMES

	return {"Workflow": list(WORKFLOW_NAMES)}
