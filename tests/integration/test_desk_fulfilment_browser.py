"""The follow-up dialog, the Kanban's column totals, the customer overview and the Deliver dialog, in
Debian's headless Chromium against the test server, clicked and typed as a person does. Screenshots go to
tests/output/<run>/."""

import frappe
import pytest
from factories import make_customer, make_product, pipeline, sales_team
from frappe.utils import add_days, nowdate, random_string
from frappe.utils.password import update_password
from test_desk_browser import PASSWORD, Desk, browser, db_value

__all__ = ["browser"]  # the shared module-scoped fixture (the server is conftest's)

KANBAN = "Sales Opportunity Pipeline"


@pytest.fixture(scope="module")
def shop(site):
	"""Committed: a salesperson's customer with an open opportunity (2 × 600), a contact, an order of
	10 and 4 boxes for the director to deliver."""
	team = sales_team()
	for user in (team.sales, team.director):
		update_password(user, PASSWORD)
	tag = random_string(5)
	customer = make_customer(customer_name=f"Overview Co {tag}", sales_person=team.sales)
	opportunity = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": f"Pumps for {tag}",
			"customer": customer.name,
			"sales_person": team.sales,
			"sales_stage": "Solution Design",
			"items": [{"product": make_product(standard_rate=600).name, "qty": 2, "rate": 600}],
		}
	).insert()
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Wang",
			"last_name": f"Fang {tag}",
			"links": [{"link_doctype": "Sales Customer", "link_name": customer.name}],
		}
	).insert()
	order = pipeline("order").order
	frappe.db.commit()
	return frappe._dict(team=team, customer=customer.name, opportunity=opportunity.name, tag=tag, order=order)


def dialog(desk: Desk):
	return desk.page.locator(".modal.show:visible").last


def test_follow_up_dialog_kanban_overview_and_deliver_dialog(browser, server, shop):
	sales = Desk(browser, server, shop.team.sales)
	try:
		# Log Follow-up opens a dialog and the salesperson stays on the opportunity
		sales.open_form("Sales Opportunity", shop.opportunity)
		sales.page.locator(".page-actions:visible").get_by_role("button", name="Log Follow-up").first.click()
		box = dialog(sales)
		box.locator(".modal-title").get_by_text("Log Follow-up").wait_for()
		labels = box.locator(".control-label").all_inner_texts()
		for label in ("Type", "Date", "Outcome", "Next Step", "Next Follow-up Date"):
			assert label in labels, labels
		box.locator("[data-fieldname='follow_up_type'] select").select_option("Visit")
		box.locator("[data-fieldname='outcome'] textarea").fill("Walked the plant with the chief engineer")
		box.locator("[data-fieldname='next_step'] textarea").fill("Send the pump curves")
		next_date = add_days(nowdate(), 2)
		typed = sales.page.evaluate("(d) => frappe.datetime.str_to_user(d)", next_date)
		box.locator("[data-fieldname='next_follow_up_date'] input").fill(typed)
		box.locator(".modal-title").click()  # closes the date picker
		sales.shot("follow-up-dialog")
		box.locator(".btn-primary").click()
		sales.page.locator(".alert-message, .desk-alert").get_by_text("logged").first.wait_for()
		assert f"/sales-opportunity/{shop.opportunity}" in sales.page.url
		# the form reloads: the timeline tells of the visit and the connections count the follow-up
		sales.page.locator(".timeline-item", has_text="Walked the plant").first.wait_for()
		follow_up = db_value(
			"Sales Follow Up",
			{"opportunity": shop.opportunity},
			["name", "follow_up_type", "next_step", "next_follow_up_date", "customer"],
		)
		assert (follow_up.follow_up_type, follow_up.next_step, str(follow_up.next_follow_up_date)) == (
			"Visit",
			"Send the pump curves",
			next_date,
		)
		assert follow_up.customer == shop.customer
		connections = sales.page.locator(".form-documents [data-doctype='Sales Follow Up']").first
		connections.locator(".count").wait_for()
		assert connections.locator(".count").inner_text().strip() == "1"
		sales.shot("follow-up-logged-on-the-opportunity")

		# a close date of 2006 is refused with a message naming the field
		field = sales.page.locator(".frappe-control[data-fieldname='expected_close_date'] input").first
		field.fill(sales.page.evaluate("() => frappe.datetime.str_to_user('2006-03-31')"))
		field.press("Tab")
		sales.page.keyboard.press("Control+s")
		message = sales.page.locator(".modal.show .msgprint").first
		message.wait_for()
		assert "Expected Close Date" in message.inner_text()
		assert "more than a year ago" in message.inner_text()
		sales.shot("close-date-2006-refused")
		assert db_value("Sales Opportunity", shop.opportunity, "expected_close_date") is None
		sales.page.keyboard.press("Escape")

		# the Kanban heads each stage with its number of opportunities and their amount
		sales.goto(f"{sales.desk}/sales-opportunity/view/kanban/{KANBAN}")
		column = sales.page.locator(".kanban-column[data-column-value='Solution Design']")
		column.locator(".kanban-card", has_text=shop.tag).first.wait_for()
		total = column.locator(".sales-crm-column-total")
		total.wait_for()
		assert "1 opportunities" in total.inner_text() and "1,200.00" in total.inner_text()
		card = column.locator(".kanban-card", has_text=shop.tag).first.inner_text()
		column.locator(".kanban-card .sales-crm-card").first.wait_for()
		assert f"Overview Co {shop.tag}" in card, card  # the customer's name, not its ID
		assert "1,200" in card, card
		empty = sales.page.locator(
			".kanban-column[data-column-value='Contract Signing'] .sales-crm-column-total"
		)
		assert "0 opportunities" in empty.inner_text()
		sales.shot("opportunity-kanban-with-totals")

		# the customer on one page
		sales.open_form("Sales Customer", shop.customer)
		overview = sales.page.locator(".sales-crm-360")
		overview.wait_for()
		sections = overview.locator(".sales-crm-360-card").evaluate_all(
			"(cards) => cards.map((c) => c.dataset.section)"
		)
		assert sections == ["contacts", "sites", "opportunities", "orders", "receivables", "follow_ups"]
		text = {
			key: overview.locator(f"[data-section='{key}']").inner_text()
			for key in ("contacts", "opportunities", "follow_ups", "receivables")
		}
		assert f"Fang {shop.tag}" in text["contacts"]
		assert f"Pumps for {shop.tag}" in text["opportunities"] and "1,200.00" in text["opportunities"]
		assert "Send the pump curves" in text["follow_ups"]
		assert "None" in text["receivables"]
		sales.shot("customer-overview")
		# a follow-up logged from the customer joins its overview
		sales.page.locator(".page-actions:visible").get_by_role("button", name="Log Follow-up").first.click()
		box = dialog(sales)
		box.locator("[data-fieldname='outcome'] textarea").fill("Called about the invoice address")
		box.locator(".btn-primary").click()
		overview.locator(
			"[data-section='follow_ups']", has_text="Called about the invoice address"
		).wait_for()
		assert "(2)" in overview.locator("[data-section='follow_ups'] .sales-crm-360-figure").inner_text()
		assert not sales.errors, sales.errors
	finally:
		sales.close()

	director = Desk(browser, server, shop.team.director)
	try:
		director.open_form("Customer Order", shop.order)
		director.page.locator(".page-actions:visible").get_by_role("button", name="Deliver").first.click()
		box = dialog(director)
		box.locator(".modal-title").get_by_text("Deliver").wait_for()
		first, second = (box.locator(f"[data-fieldname='row_{idx}'] input") for idx in (1, 2))
		# what remains of each row
		assert (float(first.input_value()), float(second.input_value())) == (10, 4)
		assert "(remaining 10 Box)" in box.locator(".frappe-control[data-fieldname='row_1']").inner_text()
		first.fill("1.5")
		second.fill("0")
		second.press("Tab")
		box.locator(".btn-primary").click()
		refused = director.page.locator(".modal.show .msgprint", has_text="whole number").first
		refused.wait_for()
		assert "row 1" in refused.inner_text()
		# close the message that refused it (not the Deliver dialog: which of the two comes last in the page
		# depends on whether a message was shown on this page before)
		message = director.page.locator(
			".modal.show", has=director.page.locator(".msgprint", has_text="whole number")
		)
		message.locator(".btn-modal-close").first.click()
		message.wait_for(state="hidden")
		first.fill("3")
		first.press("Tab")
		box.locator(".btn-primary").click()
		# told at once, whatever modal is open or closing
		director.page.locator("#alert-container", has_text="Delivered").first.wait_for(timeout=15000)
		# the order shows what was delivered (3 of 14 boxes) once it has reloaded
		director.page.wait_for_function(
			f"cur_frm && cur_frm.doc.name === {shop.order!r} && Math.abs(cur_frm.doc.per_delivered - 21.43) < 0.01",
			timeout=30000,
		)
		director.shot("delivered-message")
		frappe.db.rollback()  # a fresh snapshot: the server committed in another process
		items = frappe.get_all(
			"Customer Order Item", {"parent": shop.order}, ["idx", "delivered_qty"], order_by="idx"
		)
		assert [row.delivered_qty for row in items] == [3, 0]
		assert not director.errors, director.errors
	finally:
		director.close()
