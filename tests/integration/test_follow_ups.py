"""Follow-ups (issue 12): logged on a lead, opportunity or customer, the next one a ToDo for the owner,
shown on the timeline, the calendar and the due/overdue counts, and counted by the two reports."""

import json
import random

import frappe
import pytest
from factories import db_state, make_customer, sales_team
from frappe.utils import add_days, getdate, nowdate, random_string

from sales_crm import api
from sales_crm.flows.follow_ups import flag_overdue_follow_ups
from sales_crm.sales_crm.report.follow_up_activity import follow_up_activity
from sales_crm.sales_crm.report.opportunities_without_follow_up import opportunities_without_follow_up


@pytest.fixture
def team():
	return sales_team()


def make_lead(team, **kwargs):
	frappe.set_user(team.manager)
	lead = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": f"Follow Co {random_string(6)}",
			"lead_source": "800 Hotline",
			"contact_name": "Han Meimei",
			"phone": f"+86-21-{random.randint(10000000, 99999999)}",
			"sales_department": team.department,
			**kwargs,
		}
	).insert()
	api.assign_leads([lead.name], team.sales)
	frappe.set_user(team.sales)
	return frappe.get_doc("Sales Lead", lead.name)


def log(**kwargs):
	return frappe.get_doc(
		{"doctype": "Sales Follow Up", "follow_up_type": "Call", "outcome": "Talked to purchasing", **kwargs}
	).insert()


def test_a_follow_up_with_a_next_date_gives_the_owner_a_todo_and_shows_on_the_timeline(team):
	lead = make_lead(team)
	next_date = add_days(nowdate(), 3)
	follow_up = log(sales_lead=lead.name, next_step="Send the price list", next_follow_up_date=next_date)

	assert (follow_up.sales_person, follow_up.sales_department) == (team.sales, team.department)
	assert (follow_up.party_name, follow_up.contact_person) == (lead.company_name, "Han Meimei")
	assert follow_up.status == "Open"
	todo = frappe.get_doc("ToDo", follow_up.todo)
	assert (todo.allocated_to, getdate(todo.date), todo.status) == (team.sales, getdate(next_date), "Open")
	assert (todo.reference_type, todo.reference_name) == ("Sales Follow Up", follow_up.name)
	assert "Send the price list" in todo.description
	comments = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Sales Lead", "reference_name": lead.name, "comment_type": "Info"},
		pluck="content",
	)
	assert any(follow_up.name in c and "Talked to purchasing" in c for c in comments)
	# the lead's desk assignment was not touched by the follow-up's ToDo
	assert frappe.db.get_value("Sales Lead", lead.name, ["status", "sales_person"]) == (
		"Assigned",
		team.sales,
	)


def test_logging_the_next_follow_up_closes_the_earlier_one_and_its_todo(team):
	lead = make_lead(team)
	first = log(sales_lead=lead.name, next_follow_up_date=add_days(nowdate(), 1))
	second = log(sales_lead=lead.name, follow_up_type="Visit", next_follow_up_date=add_days(nowdate(), 7))
	assert frappe.db.get_value("Sales Follow Up", first.name, "status") == "Closed"
	assert frappe.db.get_value("ToDo", first.todo, "status") == "Closed"
	assert frappe.db.get_value("Sales Follow Up", second.name, "status") == "Open"
	assert frappe.db.get_value("ToDo", second.todo, "status") == "Open"


def test_marking_the_todo_done_closes_the_follow_up(team):
	lead = make_lead(team)
	follow_up = log(sales_lead=lead.name, next_follow_up_date=add_days(nowdate(), 2))
	todo = frappe.get_doc("ToDo", follow_up.todo)
	todo.status = "Closed"
	todo.save()
	assert frappe.db.get_value("Sales Follow Up", follow_up.name, "status") == "Closed"


def test_a_follow_up_without_a_next_date_is_closed_and_has_no_todo(team):
	lead = make_lead(team)
	follow_up = log(sales_lead=lead.name)
	assert follow_up.status == "Closed" and not follow_up.todo


def test_an_opportunity_follow_up_takes_its_customer(team):
	frappe.set_user("Administrator")
	customer = make_customer(sales_person=team.sales)
	opportunity = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": f"Deal {random_string(5)}",
			"customer": customer.name,
			"sales_person": team.sales,
		}
	).insert()
	follow_up = log(opportunity=opportunity.name, follow_up_type="Demo")
	assert (follow_up.customer, follow_up.sales_person) == (customer.name, team.sales)
	other = make_customer()
	with pytest.raises(frappe.ValidationError, match="customer must be the opportunity"):
		log(opportunity=opportunity.name, customer=other.name)


@pytest.mark.parametrize(
	"kwargs, message",
	[
		({}, "choose the Sales Lead, Opportunity or Customer"),
		({"next_follow_up_date": "2026-01-01", "follow_up_date": "2026-02-01"}, "cannot come before"),
	],
)
def test_bad_follow_ups_are_refused_and_nothing_is_written(team, kwargs, message):
	lead = make_lead(team)
	if kwargs:
		kwargs["sales_lead"] = lead.name
	before = db_state()
	count = frappe.db.count("Sales Follow Up")
	with pytest.raises(frappe.ValidationError, match=message):
		log(**kwargs)
	assert frappe.db.count("Sales Follow Up") == count
	assert db_state() == before


def test_a_salesperson_cannot_follow_up_someone_elses_lead(team):
	lead = make_lead(team)
	frappe.set_user(team.other_sales)
	# a lead they may not read is answered as a missing one (sanitize.validate_links): nothing to tell
	with pytest.raises((frappe.PermissionError, frappe.LinkValidationError)):
		log(sales_lead=lead.name)
	frappe.set_user("Administrator")
	assert not frappe.db.exists("Sales Follow Up", {"sales_lead": lead.name})


def test_overdue_follow_ups_are_flagged_and_counted_for_the_workspace(team):
	lead = make_lead(team)
	follow_up = log(sales_lead=lead.name, next_follow_up_date=add_days(nowdate(), 1))
	assert flag_overdue_follow_ups(today=add_days(nowdate(), 1)) >= 0
	assert frappe.db.get_value("Sales Follow Up", follow_up.name, "status") == "Open"
	flag_overdue_follow_ups(today=add_days(nowdate(), 2))
	assert frappe.db.get_value("Sales Follow Up", follow_up.name, "status") == "Overdue"

	from frappe.desk.doctype.number_card.number_card import get_result

	card = frappe.get_doc("Number Card", "Overdue Follow-ups")
	frappe.set_user(team.sales)
	assert get_result(card, card.filters_json) == 1  # the salesperson's own
	frappe.set_user(team.other_sales)
	assert get_result(card, card.filters_json) == 0


def test_the_calendar_shows_planned_follow_ups_only(team):
	lead = make_lead(team)
	planned = log(sales_lead=lead.name, next_follow_up_date=add_days(nowdate(), 2))
	done = log(sales_lead=lead.name, follow_up_type="Email")
	events = api.calendar_events(
		"Sales Follow Up",
		add_days(nowdate(), -30),
		add_days(nowdate(), 30),
		json.dumps(
			{"start": "next_follow_up_date", "end": "next_follow_up_date", "id": "name", "title": "title"}
		),
	)
	names = {event.name for event in events}
	# the planned one was closed by the later e-mail, yet stays on the calendar on its day
	assert planned.name in names and done.name not in names
	with pytest.raises(frappe.ValidationError):
		api.calendar_events("ToDo", nowdate(), nowdate(), json.dumps({"start": "date", "end": "date"}))


def test_follow_up_activity_report_counts_per_salesperson(team):
	lead = make_lead(team)
	log(sales_lead=lead.name)
	log(sales_lead=lead.name, follow_up_type="Visit")
	log(sales_lead=lead.name, follow_up_type="Visit", next_follow_up_date=add_days(nowdate(), 5))
	frappe.set_user("Administrator")
	_columns, data, *_ = follow_up_activity.execute(
		{"from_date": nowdate(), "to_date": nowdate(), "sales_person": team.sales}
	)
	assert len(data) == 1
	row = data[0]
	assert (row["follow_ups"], row["call"], row["visit"], row["leads"], row["open_planned"]) == (
		3,
		1,
		2,
		1,
		1,
	)


def test_follow_ups_without_a_salesperson_are_one_row_whose_distinct_counts_are_not_added_twice(team):
	"""A follow-up with no salesperson (empty or missing: one made through a bypass or an old import) shows in
	one Unassigned row; its leads are counted once across both kinds."""
	lead = make_lead(team)
	department = f"Unassigned {random_string(6)}"
	frappe.set_user("Administrator")
	frappe.get_doc({"doctype": "Sales Department", "department_name": department}).insert()
	names = [log(sales_lead=lead.name).name for _ in range(3)]
	for name, person in zip(names, (None, "", None), strict=True):
		frappe.db.set_value("Sales Follow Up", name, {"sales_person": person, "sales_department": department})
	_columns, data, *_ = follow_up_activity.execute(
		{"from_date": nowdate(), "to_date": nowdate(), "sales_department": department}
	)
	assert [(row["sales_person"], row["follow_ups"], row["call"], row["leads"]) for row in data] == [
		("", 3, 3, 1)
	]


def test_opportunities_without_follow_up_for_n_days(team):
	frappe.set_user("Administrator")
	customer = make_customer(sales_person=team.sales)

	def opportunity(days_old):
		doc = frappe.get_doc(
			{
				"doctype": "Sales Opportunity",
				"opportunity_name": f"Deal {random_string(5)}",
				"customer": customer.name,
				"sales_person": team.sales,
				"opportunity_kind": "Purchase Need",
			}
		).insert()
		frappe.db.set_value("Sales Opportunity", doc.name, "creation", add_days(nowdate(), -days_old))
		return doc.name

	# made youngest first, so that neither their names nor their creation give the stalest-first order
	young, followed, stale = opportunity(2), opportunity(30), opportunity(30)
	log(opportunity=followed, follow_up_date=add_days(nowdate(), -3))
	log(opportunity=stale, follow_up_date=add_days(nowdate(), -20))
	_columns, data, *_ = opportunities_without_follow_up.execute({"days": 14, "customer": customer.name})
	rows = {row["opportunity"]: row for row in data}
	assert set(rows) == {stale}
	assert rows[stale]["days_without_follow_up"] == 20
	assert rows[stale]["opportunity_kind"] == "Purchase Need"
	_columns, data, *_ = opportunities_without_follow_up.execute({"days": 1, "customer": customer.name})
	assert [row["opportunity"] for row in data] == [stale, followed, young]  # the stalest first
	assert [row["days_without_follow_up"] for row in data] == [20, 3, 2]
	# the stalest two listed; the summary counts all three and their expected revenue
	_columns, first_two, message, _chart, totals = opportunities_without_follow_up.execute(
		{"days": 1, "customer": customer.name, "top": 2}
	)
	assert [row["opportunity"] for row in first_two] == [stale, followed] and "3" in message
	assert totals == opportunities_without_follow_up.execute({"days": 1, "customer": customer.name})[4]
	assert totals[0]["value"] == 3
	frappe.set_user(team.other_sales)
	_columns, data, *_ = opportunities_without_follow_up.execute({"days": 1, "customer": customer.name})
	assert data == []
