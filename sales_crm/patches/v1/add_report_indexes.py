"""The report indexes that ``on_doctype_update`` declares, on a site that already has the tables: Frappe
runs ``on_doctype_update`` only when a DocType is saved, which a migrate without DocType changes skips."""

import frappe

DOCTYPES = ("Customer Order", "Sales Receipt", "Sales Receivable")


def execute():
	run_doctype_updates(DOCTYPES)


def run_doctype_updates(doctypes) -> None:
	"""Each DocType's ``on_doctype_update`` (its indexes; ``add_index`` skips one that exists)."""
	for doctype in doctypes:
		module = frappe.get_meta(doctype).module
		path = f"sales_crm.{frappe.scrub(module)}.doctype.{frappe.scrub(doctype)}.{frappe.scrub(doctype)}"
		frappe.get_attr(f"{path}.on_doctype_update")()
