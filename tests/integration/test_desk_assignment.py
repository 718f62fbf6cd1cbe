"""Every way of assigning a lead in the desk gives what assign_leads gives (issue 12): the lead becomes the
assignee's (sales_person, department, assigned_on), status Assigned, with one open ToDo for them."""

import random

import frappe
import pytest
from factories import make_user, sales_team
from frappe.desk.form import assign_to
from frappe.utils import random_string

from sales_crm import api

OUTCOME = ("status", "sales_person", "sales_department")


@pytest.fixture
def team():
	return sales_team()


def department_lead(team, **kwargs):
	frappe.set_user(team.manager)
	return frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": f"Assign Co {random_string(6)}",
			"lead_source": "Customer Referral",
			"phone": f"+86-755-{random.randint(10000000, 99999999)}",
			"sales_department": team.department,
			**kwargs,
		}
	).insert()


def outcome(name: str, user: str):
	lead = frappe.db.get_value("Sales Lead", name, [*OUTCOME, "assigned_on"], as_dict=True)
	todos = frappe.db.count(
		"ToDo",
		{"reference_type": "Sales Lead", "reference_name": name, "allocated_to": user, "status": "Open"},
	)
	return tuple(lead[f] for f in OUTCOME), bool(lead.assigned_on), todos


def test_desk_assign_to_gives_the_same_outcome_as_assign_leads(team):
	by_api, by_desk = department_lead(team), department_lead(team)
	api.assign_leads([by_api.name], team.sales)
	assign_to.add({"assign_to": [team.sales], "doctype": "Sales Lead", "name": by_desk.name})
	expected = (("Assigned", team.sales, team.department), True, 1)
	assert outcome(by_api.name, team.sales) == expected
	assert outcome(by_desk.name, team.sales) == expected


def test_bulk_assign_from_the_list(team):
	leads = [department_lead(team).name for _ in range(3)]
	assign_to.add_multiple(
		{
			"assign_to": frappe.as_json([team.other_sales]),
			"doctype": "Sales Lead",
			"name": frappe.as_json(leads),
		}
	)
	for name in leads:
		assert outcome(name, team.other_sales) == (("Assigned", team.other_sales, team.department), True, 1)


def test_desk_reassignment_moves_the_lead_to_the_new_assignee(team):
	lead = department_lead(team)
	api.assign_leads([lead.name], team.sales)
	assign_to.add({"assign_to": [team.other_sales], "doctype": "Sales Lead", "name": lead.name})
	assert frappe.db.get_value("Sales Lead", lead.name, ["status", "sales_person"]) == (
		"Assigned",
		team.other_sales,
	)


def test_a_salesperson_cannot_assign_through_the_desk(team):
	lead = department_lead(team)
	frappe.set_user(team.sales)
	with pytest.raises(frappe.PermissionError, match="Only a Sales Manager or Sales Director"):
		assign_to.add({"assign_to": [team.other_sales], "doctype": "Sales Lead", "name": lead.name})


@pytest.mark.parametrize("who", ["accounts", "disabled"])
def test_assigning_to_someone_who_is_no_salesperson_is_refused(team, who):
	lead = department_lead(team)
	frappe.set_user("Administrator")
	user = team.accounts
	if who == "disabled":
		user = make_user(f"gone-{random_string(5).lower()}@example.com", "Sales User")
		frappe.db.set_value("User", user, "enabled", 0)
	frappe.set_user(team.manager)
	with pytest.raises(frappe.ValidationError):
		assign_to.add({"assign_to": [user], "doctype": "Sales Lead", "name": lead.name})
	assert frappe.db.get_value("Sales Lead", lead.name, ["status", "sales_person"]) == ("Unassigned", None)


def test_a_lost_lead_cannot_be_assigned_through_the_desk(team):
	lead = department_lead(team, lost_reason="No budget")
	frappe.set_user("Administrator")
	frappe.db.set_value("Sales Lead", lead.name, "status", "Lost")
	frappe.set_user(team.manager)
	with pytest.raises(frappe.ValidationError, match="cannot be assigned"):
		assign_to.add({"assign_to": [team.sales], "doctype": "Sales Lead", "name": lead.name})
