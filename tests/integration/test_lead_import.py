"""Lead intake: sales_crm.api.import_leads (per-row answers, each row all-or-nothing), the desk's Data
Import with the own-products child table (CSV and XLSX), and the department round-robin Assignment Rule."""

import random

import frappe
import pytest
from factories import make_customer, make_department, make_user
from frappe.cache_manager import clear_doctype_map
from frappe.utils import random_string

from sales_crm import api
from sales_crm.flows.lead_import import rule_name, setup_assignment_rule


def lead_row(**kwargs) -> dict:
	tag = random_string(8)
	row = {
		"company_name": f"Import Co {tag}",
		"lead_source": "Marketing Campaign",
		"contact_name": "Li Lei",
		"phone": f"+86-10-{random.randint(10000000, 99999999)}",
		"own_products": [{"product_name": "Steel pipe", "specification": "DN50", "annual_volume": 1200}],
	}
	row.update(kwargs)
	return row


def test_import_answers_per_row_and_keeps_good_rows():
	existing = make_customer(customer_name=f"Existing Co {random_string(6)}")
	good = lead_row()
	rows = [
		good,
		lead_row(lead_source="Carrier Pigeon"),  # invalid Select option
		lead_row(company_name=existing.customer_name.upper()),  # the same company as a customer
		{"company_name": good["company_name"], "lead_source": "800 Hotline"},  # duplicate of row 0
		lead_row(status="Converted"),  # workflow-controlled, refused
		lead_row(own_products=[{"product_name": None}]),  # the child row is mandatory: row rolls back whole
		"not a dict",
		lead_row(lead_source="Customer Referral", own_products=[]),
	]
	answers = api.import_leads(frappe.as_json(rows))

	assert [a["row"] for a in answers] == list(range(len(rows)))
	assert [a["status"] for a in answers] == [
		"created",
		"error",
		"duplicate",
		"duplicate",
		"error",
		"error",
		"error",
		"created",
	]
	first = frappe.get_doc("Sales Lead", answers[0]["name"])
	assert (first.origin, first.status, first.sales_person) == ("Marketing Subsystem", "Unassigned", None)
	assert [(p.product_name, p.specification, p.annual_volume) for p in first.own_products] == [
		("Steel pipe", "DN50", 1200)
	]
	assert answers[2]["of"] == existing.name and answers[2]["doctype"] == "Sales Customer"
	assert answers[3]["of"] == first.name and answers[3]["doctype"] == "Sales Lead"
	assert "Lead Source" in answers[1]["message"] or "Carrier Pigeon" in answers[1]["message"]
	assert "status" in answers[4]["message"]
	# the failed row with a bad child left nothing behind: no parent without its child
	assert not frappe.db.exists("Sales Lead", {"company_name": rows[5]["company_name"]})
	assert not frappe.db.exists("Sales Lead Product", {"parent": ("is", "not set")})
	assert frappe.db.get_value("Sales Lead", answers[7]["name"], "lead_source") == "Customer Referral"


def test_import_needs_create_permission():
	user = make_user(f"import-guest-{random_string(5)}@example.com", "Accounts User")
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError):
		api.import_leads([lead_row()])


def test_import_refuses_a_non_list():
	with pytest.raises(frappe.ValidationError):
		api.import_leads('{"company_name": "x"}')


# ---------------------------------------------------------------------------- the desk's Data Import
def _data_import(file_name: str, content: bytes):
	from frappe.core.doctype.data_import.data_import import start_import

	file = frappe.get_doc(
		{"doctype": "File", "file_name": file_name, "is_private": 1, "content": content}
	).insert(ignore_permissions=True)
	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": "Sales Lead",
			"import_type": "Insert New Records",
			"import_file": file.file_url,
		}
	).insert(ignore_permissions=True)
	start_import(data_import.name)  # what the background job runs; it commits row by row
	return frappe.get_doc("Data Import", data_import.name), file


def _table(tag: str) -> list[list]:
	header = [
		"Company Name",
		"Lead Source",
		"Contact Name",
		"Phone",
		"Product Name (Own Products)",
		"Specification (Own Products)",
		"Annual Volume (Own Products)",
	]
	return [
		header,
		[f"CSV Co A {tag}", "Marketing Campaign", "Wang Fang", f"+86-20-1{tag}", "Valves", "DN25", 300],
		["", "", "", "", "Flanges", "PN16", 50],
		[f"CSV Co B {tag}", "800 Hotline", "Zhao Lei", f"+86-20-2{tag}", "Gaskets", "", 1000],
	]


@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_data_import_with_own_products(file_type):
	tag = str(random.randint(100000, 999999))
	table = _table(tag)
	if file_type == "csv":
		from frappe.utils.csvutils import to_csv

		content = to_csv(table).encode()
	else:
		from frappe.utils.xlsxutils import make_xlsx

		content = make_xlsx(table, "Sales Lead").getvalue()

	data_import, file = _data_import(f"leads-{tag}.{file_type}", content)
	names = []
	try:
		assert data_import.status == "Success", data_import.status
		names = frappe.get_all(
			"Sales Lead", filters={"company_name": ("like", f"CSV Co % {tag}")}, pluck="name"
		)
		assert len(names) == 2
		a = frappe.get_doc("Sales Lead", {"company_name": f"CSV Co A {tag}"})
		assert [(p.product_name, p.specification, p.annual_volume) for p in a.own_products] == [
			("Valves", "DN25", 300),
			("Flanges", "PN16", 50),
		]
		assert a.status == "Unassigned"
		b = frappe.get_doc("Sales Lead", {"company_name": f"CSV Co B {tag}"})
		assert [p.product_name for p in b.own_products] == ["Gaskets"]
	finally:
		# Data Import committed; remove what it made
		for name in names:
			frappe.delete_doc("Sales Lead", name, force=True, ignore_permissions=True)
		frappe.delete_doc("Data Import", data_import.name, force=True, ignore_permissions=True)
		frappe.delete_doc("File", file.name, force=True, ignore_permissions=True)
		frappe.db.commit()


# ---------------------------------------------------------------------------- the assignment rule
@pytest.fixture
def department_with_rule():
	tag = random_string(5).lower()
	members = [make_user(f"rr-{i}-{tag}@example.com", "Sales User") for i in range(3)]
	manager = make_user(f"rr-manager-{tag}@example.com", "Sales User", "Sales Manager")
	department = make_department(manager, members)
	department.members[2].is_active = 0  # an inactive member gets nothing
	department.save(ignore_permissions=True)
	yield department, members
	frappe.db.rollback()
	clear_doctype_map("Assignment Rule", "Sales Lead")


def test_department_rule_ships_disabled_and_assigns_round_robin_when_enabled(department_with_rule):
	department, members = department_with_rule
	name = setup_assignment_rule(department.name)
	rule = frappe.get_doc("Assignment Rule", name)
	assert name == rule_name(department.name)
	assert (rule.disabled, rule.rule, rule.document_type) == (1, "Round Robin", "Sales Lead")
	assert sorted(u.user for u in rule.users) == sorted(members[:2])

	disabled_lead = frappe.get_doc({"doctype": "Sales Lead", **lead_row(sales_department=department.name)})
	disabled_lead.insert()
	assert frappe.db.get_value("Sales Lead", disabled_lead.name, "status") == "Unassigned"

	setup_assignment_rule(department.name, enable=True)
	assert frappe.db.get_value("Assignment Rule", name, "disabled") == 0
	owners = []
	for _ in range(4):
		lead = frappe.get_doc(
			{"doctype": "Sales Lead", **lead_row(sales_department=department.name)}
		).insert()
		state = frappe.db.get_value("Sales Lead", lead.name, ["status", "sales_person"], as_dict=True)
		assert state.status == "Assigned"
		assert frappe.db.exists(
			"ToDo",
			{"reference_type": "Sales Lead", "reference_name": lead.name, "allocated_to": state.sales_person},
		)
		owners.append(state.sales_person)
	assert set(owners) == set(members[:2]) and owners[0] != owners[1] and owners[0] == owners[2]

	# another department's lead and a personal lead are left alone
	other = frappe.get_doc({"doctype": "Sales Lead", **lead_row()}).insert()
	assert frappe.db.get_value("Sales Lead", other.name, "status") == "Unassigned"
	assert not frappe.db.exists("ToDo", {"reference_type": "Sales Lead", "reference_name": other.name})


def test_a_job_row_refused_as_a_deadlock_is_tried_again_and_kept_once(monkeypatch):
	"""The background intake commits row by row. A row whose transaction MariaDB refused (two intakes of one
	company at once deadlock on the duplicate lookup's index locks) is tried again, not failed: the second
	try imports it, or answers duplicate. Any other error still ends the job."""
	from sales_crm.flows import lead_import

	real, tries = lead_import.import_row, []

	def refused_once(index, row):
		tries.append(index)
		if len(tries) == 1:
			raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")
		return real(index, row)

	monkeypatch.setattr(lead_import, "import_row", refused_once)
	monkeypatch.setattr(frappe.db, "commit", lambda: None)  # the test's transaction is rolled back after it
	row = lead_row()
	answer = lead_import.import_committed(0, row)
	assert answer["status"] == "created" and tries == [0, 0], (answer, tries)
	assert frappe.db.count("Sales Lead", {"company_name": row["company_name"]}) == 1

	def broken(index, row):
		raise frappe.ValidationError("not a refusal")

	monkeypatch.setattr(lead_import, "import_row", broken)
	with pytest.raises(frappe.ValidationError):
		lead_import.import_committed(1, lead_row())
