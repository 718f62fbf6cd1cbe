"""Frappe v16's desk records ship beside the v15 workspace: sales_crm/desktop_icon/ and
sales_crm/workspace_sidebar/ at the package root, where v16 syncs them and v15, which syncs only module
folders, never looks. The sidebar offers what the v15 workspace links to, and every link resolves."""

import json
from pathlib import Path

import frappe

APP = Path(frappe.get_app_path("sales_crm"))
SIDEBAR = json.loads((APP / "workspace_sidebar" / "sales_crm.json").read_text())
ICON = json.loads((APP / "desktop_icon" / "sales_crm.json").read_text())


def workspace_links() -> set[tuple[str, str]]:
	workspace = frappe.get_doc("Workspace", "Sales CRM")
	return {(link.link_type, link.link_to) for link in workspace.links if link.type == "Link"}


def test_the_sidebar_offers_what_the_workspace_links_to():
	links = {(i["link_type"], i["link_to"]) for i in SIDEBAR["items"] if i["type"] == "Link"}
	assert links - {("Workspace", "Sales CRM")} == workspace_links()
	assert ("Workspace", "Sales CRM") in links
	for link_type, link_to in links:
		assert frappe.db.exists(link_type, link_to), (link_type, link_to)
	assert SIDEBAR["app"] == "sales_crm" and SIDEBAR["module"] == "Sales CRM" and SIDEBAR["standard"] == 1


def test_the_desktop_icon_opens_the_sidebar():
	assert ICON["doctype"] == "Desktop Icon" and ICON["app"] == "sales_crm" and ICON["standard"] == 1
	assert (ICON["link_type"], ICON["link_to"]) == ("Workspace Sidebar", SIDEBAR["name"])


def test_v15_ignores_them():
	if int(frappe.__version__.split(".")[0]) != 15:
		return  # v16 syncs them
	assert not frappe.db.exists("DocType", "Workspace Sidebar")
	# v15's own (legacy) Desktop Icon has none of the fields the shipped record uses, and no sync reads it
	assert not frappe.get_meta("Desktop Icon").has_field("link_to")
	assert not frappe.db.exists("Desktop Icon", {"label": "Sales CRM", "app": "sales_crm", "standard": 1})
	assert frappe.db.exists("Workspace", "Sales CRM")
