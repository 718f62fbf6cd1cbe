"""A salesperson's day in the desk (issue 12), in Debian's headless Chromium against the test server.

The manager gives a department lead to the salesperson with the form sidebar's Assign To; the salesperson
logs a follow-up with a next date, finds it on the follow-up calendar and among their due follow-ups
(workspace shortcut), and converts the lead; a director sees the approval notification in the desk's
bell; the main forms render at a phone-sized viewport. Screenshots go to tests/output/<run>/.
"""

import random

import frappe
import pytest
from factories import make_customer, make_department, make_product, make_user, pipeline
from frappe.utils import add_days, nowdate, random_string
from frappe.utils.password import update_password
from test_desk_browser import PASSWORD, Desk, browser, db_value

__all__ = ["browser"]  # the shared module-scoped fixture (the server is conftest's)

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def day(site):
	"""Committed: a manager, a salesperson and a director, a department lead, a quotation awaiting approval
	(its notification written to the director's log, as the background job does)."""
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs
	from frappe.email.doctype.notification import notification as notification_module

	from sales_crm import api, notify

	tag = random_string(6).lower()
	day = frappe._dict(
		sales=make_user(f"day-sales-{tag}@example.com", "Sales User"),
		manager=make_user(f"day-manager-{tag}@example.com", "Sales User", "Sales Manager"),
		director=make_user(f"day-director-{tag}@example.com", "Sales User", "Sales Director"),
	)
	for user in day.values():
		update_password(user, PASSWORD)
	day.department = make_department(day.manager, [day.sales]).name
	frappe.set_user(day.manager)
	day.lead = (
		frappe.get_doc(
			{
				"doctype": "Sales Lead",
				"company_name": f"Day Co {tag}",
				"lead_source": "Marketing Campaign",
				"contact_name": "Zhang Wei",
				"phone": f"+86-512-{random.randint(10000000, 99999999)}",
				"sales_department": day.department,
			}
		)
		.insert()
		.name
	)

	frappe.set_user("Administrator")
	chain = pipeline("opportunity")
	frappe.db.set_value("Sales Opportunity", chain.opportunity, "sales_person", day.sales)
	frappe.db.set_value("Sales Customer", chain.customer, "sales_person", day.sales)
	original = notification_module.enqueue_create_notification, notify._queue
	notification_module.enqueue_create_notification = lambda users, doc: make_notification_logs(
		frappe._dict(doc), [u for u in users if u in (day.director, day.sales)]
	)
	notify._queue = lambda **job: notify.evaluate(**job)  # as the job does once the insert commits
	try:
		frappe.cache.hdel("notifications", "Sales Quotation")
		frappe.set_user(day.sales)
		quotation = frappe.get_doc(api.make_quotation(chain.opportunity))
		quotation.insert()
		day.quotation = quotation.name
	finally:
		notification_module.enqueue_create_notification, notify._queue = original
		frappe.set_user("Administrator")
	make_customer(sales_person=day.sales)
	make_product(standard_rate=10)
	frappe.db.commit()
	return day


def test_a_salespersons_day(browser, server, day):
	# the manager assigns the department lead with the sidebar's Assign To
	manager = Desk(browser, server, day.manager)
	try:
		manager.open_form("Sales Lead", day.lead)
		manager.page.locator(".form-sidebar .add-assignment-btn").first.click()
		manager.page.wait_for_function("() => window.cur_dialog && cur_dialog.fields_dict.assign_to")
		manager.page.evaluate("([user]) => cur_dialog.set_value('assign_to', [user])", [day.sales])
		manager.page.wait_for_timeout(300)
		manager.shot("day-manager-assign-to-dialog")
		manager.page.locator(".modal:visible .btn-primary").first.click()
		manager.page.wait_for_function("() => !window.cur_dialog || !cur_dialog.display")
		manager.page.wait_for_timeout(500)
		state = db_value("Sales Lead", day.lead, ["status", "sales_person"])
		assert (state.status, state.sales_person) == ("Assigned", day.sales)
		manager.shot("day-lead-assigned-in-the-desk")
		assert not manager.errors, manager.errors
	finally:
		manager.close()

	sales = Desk(browser, server, day.sales)
	try:
		# log a follow-up with a next date from the lead
		sales.open_form("Sales Lead", day.lead)
		sales.page.locator(".page-actions:visible").get_by_role("button", name="Log Follow-up").first.click()
		sales.wait_for_form("Sales Follow Up")
		next_date = add_days(nowdate(), 1)
		sales.page.evaluate(
			"""([next_date]) => cur_frm.set_value({
				follow_up_type: "Visit",
				outcome: "Met the purchasing manager; a trial order is likely",
				next_step: "Send the quotation for 200 valves",
				next_follow_up_date: next_date,
			})""",
			[next_date],
		)
		sales.page.evaluate("() => cur_frm.save()")
		sales.page.wait_for_function(
			"() => cur_frm && cur_frm.doctype === 'Sales Follow Up' && !cur_frm.is_new()"
		)
		follow_up = sales.page.evaluate("() => cur_frm.doc.name")
		sales.wait_for_form("Sales Follow Up", follow_up)
		sales.shot("day-follow-up-logged")
		saved = db_value("Sales Follow Up", follow_up, ["sales_lead", "sales_person", "status", "todo"])
		assert (saved.sales_lead, saved.sales_person, saved.status) == (day.lead, day.sales, "Open")
		assert db_value("ToDo", saved.todo, "allocated_to") == day.sales

		# the follow-up calendar shows it on its next date
		sales.goto("/app/sales-follow-up/view/calendar/default")
		sales.page.wait_for_selector(".fc-event", timeout=30_000)
		titles = sales.page.locator(".fc-event").all_inner_texts()
		assert any("Day Co" in title for title in titles), titles
		sales.shot("day-follow-up-calendar")

		# among the due follow-ups: the workspace's My Follow-ups shortcut opens them
		sales.goto("/app/sales-crm")
		sales.page.get_by_text("My Follow-ups", exact=True).first.wait_for()
		sales.page.get_by_text("1 Due", exact=True).first.wait_for()  # the shortcut counts the due one
		sales.page.get_by_text("Overdue Follow-ups").first.wait_for()
		sales.page.wait_for_timeout(1500)  # the number cards and charts fill in
		sales.shot("day-workspace-with-follow-ups")
		sales.page.get_by_text("My Follow-ups", exact=True).first.click()
		sales.page.wait_for_url("**/app/sales-follow-up**")
		sales.page.wait_for_selector(f'.list-row-container a[data-name="{follow_up}"]', timeout=30_000)
		sales.shot("day-my-follow-ups")

		# convert the lead
		sales.open_form("Sales Lead", day.lead)
		sales.click_menu_item("Create", "Opportunity")
		sales.page.wait_for_url("**/app/sales-opportunity/**")
		assert db_value("Sales Lead", day.lead, "status") == "Converted"
		sales.shot("day-lead-converted")

		# the main forms at a phone-sized viewport
		sales.page.set_viewport_size(PHONE)
		for doctype, name in (
			("Sales Lead", day.lead),
			("Sales Follow Up", follow_up),
			("Sales Opportunity", db_value("Sales Lead", day.lead, "opportunity")),
			("Sales Quotation", day.quotation),
		):
			sales.open_form(doctype, name)
			width = sales.page.evaluate("() => document.documentElement.scrollWidth")
			assert width <= PHONE["width"] + 2, f"{doctype} overflows a phone screen ({width}px)"
			sales.shot(f"phone-{frappe.scrub(doctype)}")
		assert not sales.errors, sales.errors
	finally:
		sales.close()


def test_a_director_sees_the_approval_notification_in_the_desk(browser, server, day):
	director = Desk(browser, server, day.director)
	try:
		director.page.locator(".navbar .notifications-icon:visible").first.click()
		item = director.page.locator(".notification-item", has_text=day.quotation).first
		item.wait_for(timeout=30_000)
		assert "awaits your approval" in item.inner_text()
		director.shot("director-approval-notification")
		item.click()
		director.wait_for_form("Sales Quotation", day.quotation)
		director.shot("director-opens-the-quotation")
		assert not director.errors, director.errors
	finally:
		director.close()
