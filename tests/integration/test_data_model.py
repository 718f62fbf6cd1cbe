"""Every DocType, field, option and status of DATA_MODEL.md is in the site's meta."""

import frappe
import pytest
from data_model import CHILD_TABLES, FIELDS, LINKS, MONEY, NAMING, SELECTS, STANDARD_STAGES, options


@pytest.mark.parametrize("doctype", sorted(FIELDS))
def test_doctype_has_every_field_of_the_model(doctype):
	submittable, fieldnames = FIELDS[doctype]
	meta = frappe.get_meta(doctype)
	assert meta.module == "Sales CRM"
	assert meta.is_submittable == submittable, f"{doctype}: is_submittable"
	missing = [f for f in fieldnames.split() if not meta.has_field(f)]
	assert missing == [], f"{doctype} lacks {missing}"
	assert frappe.db.table_exists(doctype)


@pytest.mark.parametrize("key", sorted(SELECTS), ids=lambda k: ".".join(k))
def test_select_options_are_the_models(key):
	field = frappe.get_meta(key[0]).get_field(key[1])
	assert field.fieldtype == "Select"
	assert set(field.options.split("\n")) == set(options(SELECTS[key]))


@pytest.mark.parametrize("key", sorted(CHILD_TABLES), ids=lambda k: ".".join(k))
def test_child_tables(key):
	field = frappe.get_meta(key[0]).get_field(key[1])
	assert field.fieldtype == "Table" and field.options == CHILD_TABLES[key]
	assert frappe.get_meta(CHILD_TABLES[key]).istable


@pytest.mark.parametrize("key", sorted(LINKS), ids=lambda k: ".".join(k))
def test_links(key):
	field = frappe.get_meta(key[0]).get_field(key[1])
	assert (field.fieldtype, field.options) == ("Link", LINKS[key])


@pytest.mark.parametrize("doctype", sorted(MONEY))
def test_money_is_currency_in_the_document_currency(doctype):
	meta = frappe.get_meta(doctype)
	for fieldname in MONEY[doctype].split():
		field = meta.get_field(fieldname)
		assert (field.fieldtype, field.options) == ("Currency", "currency"), f"{doctype}.{fieldname}"


@pytest.mark.parametrize("doctype", sorted(NAMING))
def test_naming_series_and_change_tracking(doctype):
	meta = frappe.get_meta(doctype)
	assert meta.autoname == "naming_series:"
	assert meta.get_field("naming_series").options.startswith(NAMING[doctype])
	assert meta.track_changes


def test_standard_sales_method_ships_with_the_seed_stages():
	method = frappe.get_doc("Sales Method", "Standard")
	assert [(s.stage, s.probability) for s in method.stages] == STANDARD_STAGES


def test_roles_exist():
	for role in ("Sales User", "Sales Manager", "Sales Director", "Accounts User"):
		assert frappe.db.exists("Role", role)


def test_workspace_links_every_doctype():
	workspace = frappe.get_doc("Workspace", "Sales CRM")
	linked = {link.link_to for link in workspace.links if link.type == "Link" and link.link_type == "DocType"}
	ours = set(frappe.get_all("DocType", filters={"module": "Sales CRM", "istable": 0}, pluck="name"))
	assert ours - linked == set()
