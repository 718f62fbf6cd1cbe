"""Install, migrate and uninstall steps: the records the app needs on every site."""

import frappe
import frappe.translate
from frappe import _

from sales_crm.constants import (
	ADDRESS_TYPES,
	LOSS_REASONS,
	ROLES,
	STANDARD_METHOD,
	STANDARD_PAYMENT_TERMS,
	STANDARD_STAGES,
	WORKFLOW_NAMES,
	WRITE_OFF_REASONS,
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
	ensure_loss_reasons()
	ensure_write_off_reasons()
	ensure_address_types()
	ensure_user_titles_in_links()
	ensure_sales_landing()
	ensure_address_template()
	ensure_settings()
	ensure_opportunity_kanban()
	ensure_lead_assignment_rules()
	compile_translations()
	ensure_payment_terms_templates()


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


def ensure_loss_reasons():
	"""The shipped lost/rejection reasons; a reason a user disabled or changed is left as it is."""
	for reason in LOSS_REASONS:
		if not frappe.db.exists("Sales Loss Reason", reason):
			frappe.get_doc({"doctype": "Sales Loss Reason", "reason": reason}).insert(ignore_permissions=True)


def ensure_write_off_reasons():
	"""The shipped write-off reasons (Sales Write Off Reason); users add, change or disable their own."""
	for reason in WRITE_OFF_REASONS:
		if not frappe.db.exists("Sales Write Off Reason", reason):
			frappe.get_doc({"doctype": "Sales Write Off Reason", "reason": reason}).insert(
				ignore_permissions=True
			)


def ensure_payment_terms_templates():
	"""The shipped templates (30/70, 30/60/10), their labels in the site's language; a template users
	changed or disabled is left as it is."""
	lang = frappe.db.get_single_value("System Settings", "language") or "en"
	for name, rows in STANDARD_PAYMENT_TERMS.items():
		if frappe.db.exists("Payment Terms Template", name):
			continue
		frappe.get_doc(
			{
				"doctype": "Payment Terms Template",
				"template_name": name,
				"terms": [
					{"label": frappe._(label, lang=lang), "share": share, "due_rule": rule, "days": days}
					for label, share, rule, days in rows
				],
			}
		).insert(ignore_permissions=True)


def _standard_payment_term_labels():
	"""Never called: puts the shipped labels in the translation catalogue."""
	return (_("Down Payment"), _("Progress Payment"), _("Final Payment"), _("Retention Payment"))


def ensure_address_types():
	"""A customer's sites are Addresses: their types also offer the seed's Purchasing and IT."""
	from frappe.custom.doctype.property_setter.property_setter import make_property_setter

	options = frappe.get_meta("Address").get_field("address_type").options.split("\n")
	missing = [kind for kind in ADDRESS_TYPES if kind not in options]
	if not missing:
		return
	if "Other" in options:  # keep Other last
		options.remove("Other")
		missing.append("Other")
	make_property_setter(
		"Address",
		"address_type",
		"options",
		"\n".join(options + missing),
		"Text",
		validate_fields_for_doctype=False,
	)


def ensure_address_template():
	"""A customer's form lists its sites through Frappe's Address Template; a site without ERPNext has
	none, so a default one (Frappe's standard layout) is created for the system's country (else China)."""
	if frappe.db.exists("Address Template", {"is_default": 1}):
		return
	country = frappe.db.get_single_value("System Settings", "country") or "China"
	if not frappe.db.exists("Country", country) or frappe.db.exists("Address Template", country):
		return
	frappe.get_doc({"doctype": "Address Template", "country": country, "is_default": 1}).insert(
		ignore_permissions=True
	)


ADDRESS_TYPE_SETTER = "Address-address_type-options"
USER_TITLE_SETTER = "User-main-show_title_field_in_link"


def ensure_sales_landing():
	from sales_crm.desk import ensure_sales_landing as land

	land()


def ensure_user_titles_in_links():
	"""Salespeople, managers and approvers are User links: forms, lists and link fields show their full
	names (the User's title field) rather than their e-mail addresses."""
	from frappe.custom.doctype.property_setter.property_setter import make_property_setter

	if frappe.get_meta("User").show_title_field_in_link:
		return
	make_property_setter(
		"User",
		None,
		"show_title_field_in_link",
		1,
		"Check",
		for_doctype=True,
		validate_fields_for_doctype=False,
	)


OPPORTUNITY_KANBAN = "Sales Opportunity Pipeline"
STAGE_COLOURS = ("Gray", "Blue", "Orange", "Green")


def ensure_opportunity_kanban():
	"""A public Kanban board of open opportunities, a column per Standard stage. Dragging a card saves the
	opportunity's new stage, so the stage rules (forward only, history kept) apply there too."""
	if frappe.db.exists("Kanban Board", OPPORTUNITY_KANBAN):
		return
	frappe.get_doc(
		{
			"doctype": "Kanban Board",
			"kanban_board_name": OPPORTUNITY_KANBAN,
			"reference_doctype": "Sales Opportunity",
			"field_name": "sales_stage",
			"private": 0,
			"show_labels": 1,
			"filters": frappe.as_json([["Sales Opportunity", "status", "=", "Open"]]),
			"fields": frappe.as_json(["customer", "expected_revenue", "probability", "sales_person"]),
			"columns": [
				{"column_name": stage, "status": "Active", "indicator": colour}
				for (stage, _probability), colour in zip(STANDARD_STAGES, STAGE_COLOURS, strict=True)
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
	# fields added after a site was installed get their default once; a value set since (even 0) stays
	for fieldname, default in (
		("write_off_tolerance_percent", 1),
		("write_off_approval_limit", 10000),
		("remind_days_before_due", 3),
		("remind_overdue", 1),
	):
		if not frappe.db.exists("Singles", {"doctype": "Sales CRM Settings", "field": fieldname}):
			settings.set(fieldname, default)
			changed = True
	if changed:
		settings.flags.ignore_permissions = True
		settings.save()


def ensure_lead_assignment_rules():
	"""A disabled round-robin Assignment Rule per department (README: "Lead assignment rule")."""
	from sales_crm.flows.lead_import import ensure_assignment_rules

	ensure_assignment_rules()


def compile_translations():
	"""Compile locale/*.po into the bench's sites/assets/locale/<lang>/LC_MESSAGES/sales_crm.mo.

	Frappe v15 reads app translations only from the .mo files (git-ignored) and compiles them on
	``bench build`` only, so install and migrate run Frappe's own compiler (``bench compile-po-to-mo``).
	"""
	from frappe.gettext.translate import compile_translations as compile_po_to_mo

	compile_po_to_mo("sales_crm", force=True)
	frappe.translate.clear_cache()


def before_uninstall():
	"""Records outside the module's DocTypes that the app created; the module's own are dropped by Frappe."""
	for doctype, names in app_records_outside_module().items():
		for name in names:
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)


def app_records_outside_module() -> dict[str, list[str]]:
	rules = frappe.get_all(
		"Assignment Rule", filters={"name": ("like", "Sales Lead Round Robin: %")}, pluck="name"
	)
	return {
		"Workflow": list(WORKFLOW_NAMES),
		"Assignment Rule": rules,
		"Kanban Board": [OPPORTUNITY_KANBAN],
		"Property Setter": [ADDRESS_TYPE_SETTER, USER_TITLE_SETTER],
	}
