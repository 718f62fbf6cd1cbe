"""Install on a fresh site in one command, and uninstall cleanly (on a scratch site of its own)."""

import time

import pytest
from benchsite import TEST_SITE

SCRATCH = f"install-check-{TEST_SITE}"  # one per test site, so parallel runs never share it


@pytest.fixture(scope="module")
def scratch_site(bench):
	bench.drop_site(SCRATCH)
	started = time.monotonic()
	bench.new_site(SCRATCH, install_app=True)
	seconds = time.monotonic() - started
	yield SCRATCH, seconds
	bench.drop_site(SCRATCH)


def test_fresh_site_gets_the_app_in_one_command(bench, scratch_site, capsys):
	site, seconds = scratch_site
	assert "sales_crm" in bench.installed_apps(site)
	assert bench.execute(site, "frappe.db.exists", "DocType", "Customer Order") == "Customer Order"
	assert bench.execute(site, "frappe.db.exists", "Sales Method", "Standard") == "Standard"
	assert bench.execute(site, "frappe.db.exists", "Workspace", "Sales CRM") == "Sales CRM"
	assert bench.execute(site, "frappe.db.exists", "Kanban Board", "Sales Opportunity Pipeline")
	with capsys.disabled():
		print(
			f"\ninstall: a fresh site with sales_crm took {seconds:.0f} s (new-site, install-app, setup wizard)"
		)


def test_uninstall_removes_everything(bench, scratch_site):
	site, _ = scratch_site
	bench.frappe("uninstall-app", "sales_crm", "--yes", "--no-backup", "--force", site=site)
	assert "sales_crm" not in bench.installed_apps(site)
	for doctype in ("Sales Lead", "Customer Order", "Sales Receipt Allocation", "Sales CRM Settings"):
		assert bench.execute(site, "frappe.db.exists", "DocType", doctype) is None, doctype
	assert not bench.execute(site, "frappe.db.table_exists", "Sales Lead")
	assert bench.execute(site, "frappe.db.table_exists", "ToDo")  # the probe itself works
	assert bench.execute(site, "frappe.db.exists", "Workspace", "Sales CRM") is None
	assert bench.execute(site, "frappe.db.exists", "Module Def", "Sales CRM") is None
	assert bench.execute(site, "frappe.db.exists", "Workflow", "Sales Quotation Workflow") is None
	assert bench.execute(site, "frappe.db.exists", "Kanban Board", "Sales Opportunity Pipeline") is None
