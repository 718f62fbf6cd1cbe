"""回款管理 in the desk, in Debian's headless Chromium against the test server (one session per role).

A salesperson fills a contract's payment plan with the template picker and watches its live totals follow
the items and show a difference; finance finds the plan lines on the collections calendar and records a
receipt for a line from the contract's Create menu: the new receipt names the line, its
receivable and the line's outstanding amount. Screenshots go to tests/output/<run>/.
"""

import frappe
import pytest
from factories import make_department, make_product, make_user
from frappe.utils import random_string
from frappe.utils.password import update_password
from test_collections import invoice, line_names, order_of_contract, plan_holds
from test_desk_browser import PASSWORD, Desk, browser, db_value

__all__ = ["browser"]  # the shared module-scoped fixture (the server is conftest's)


@pytest.fixture(scope="module")
def plan(server):
	tag = random_string(6).lower()
	users = frappe._dict(
		sales=make_user(f"plan-sales-{tag}@example.com", "Sales User"),
		manager=make_user(f"plan-manager-{tag}@example.com", "Sales User", "Sales Manager"),
		director=make_user(f"plan-director-{tag}@example.com", "Sales User", "Sales Director"),
		accounts=make_user(f"plan-accounts-{tag}@example.com", "Accounts User"),
	)
	for user in users.values():
		update_password(user, PASSWORD)
	make_department(users.manager, [users.sales])
	product = make_product(standard_rate=100).name
	frappe.db.commit()
	clients = frappe._dict({key: server.session(user, PASSWORD) for key, user in users.items()})
	customer_name = f"Plan Co {tag}"
	customer = clients.sales.insert({"doctype": "Sales Customer", "customer_name": customer_name})["name"]
	return frappe._dict(
		users=users,
		clients=clients,
		product=product,
		server=server,
		customer=customer,
		customer_name=customer_name,
	)


def plan_state(page) -> dict:
	return page.evaluate(
		"""() => ({
			lines: (cur_frm.doc.payment_plan || []).map((l) => [l.label, l.share, l.amount]),
			grand_total: cur_frm.doc.grand_total,
			totals: $(".payment-plan-totals:visible").text(),
			difference: $(".payment-plan-totals:visible .plan-difference").length,
		})"""
	)


def test_plan_grid_calendar_and_record_receipt_in_the_desk(browser, server, plan):
	sales = Desk(browser, server, plan.users.sales)
	try:
		sales.goto(f"{sales.desk}/sales-contract/new")
		sales.wait_for_form("Sales Contract")
		sales.page.evaluate(
			"""([customer, product]) => {
				cur_frm.set_value({customer, tax_rate: 0});
				cur_frm.clear_table("items");  // the new form's empty row
				const row = cur_frm.add_child("items", {product, qty: 10, price_list_rate: 100});
				frappe.model.set_value(row.doctype, row.name, "qty", 10);
			}""",
			[plan.customer, plan.product],
		)
		sales.page.wait_for_function("() => cur_frm.doc.grand_total === 1000")
		# the template picker fills the plan for the grand total
		sales.page.evaluate("() => cur_frm.set_value('payment_terms_template', '30/70')")
		sales.page.wait_for_function("() => (cur_frm.doc.payment_plan || []).length === 2")
		sales.page.evaluate("() => cur_frm.scroll_to_field('payment_plan')")
		state = plan_state(sales.page)
		assert [line[1:] for line in state["lines"]] == [[30, 300], [70, 700]], state
		assert "1,000.00" in state["totals"] and not state["difference"], state
		sales.shot("plan-from-template")

		# more items: the share lines and the totals follow the grand total live
		sales.page.evaluate(
			"() => frappe.model.set_value('Sales Contract Item', cur_frm.doc.items[0].name, 'qty', 15)"
		)
		sales.page.wait_for_function("() => cur_frm.doc.payment_plan[1].amount === 1050")
		state = plan_state(sales.page)
		assert [line[2] for line in state["lines"]] == [450, 1050] and "1,500.00" in state["totals"], state

		# a line typed off the total shows the difference before any save
		sales.page.evaluate(
			"() => frappe.model.set_value('Sales Payment Plan Line', cur_frm.doc.payment_plan[1].name,"
			" {share: 0, amount: 1000})"
		)
		sales.page.wait_for_function("() => $('.payment-plan-totals .plan-difference').length === 1")
		assert "50.00" in plan_state(sales.page)["totals"]
		sales.shot("plan-difference")
		sales.page.evaluate(
			"() => frappe.model.set_value('Sales Payment Plan Line', cur_frm.doc.payment_plan[1].name,"
			" {share: 70})"
		)
		sales.page.wait_for_function("() => $('.payment-plan-totals .plan-difference').length === 0")
		sales.page.evaluate("() => cur_frm.save()")
		sales.page.wait_for_function("() => cur_frm.doc.name && !cur_frm.is_new() && !cur_frm.is_dirty()")
		contract = sales.page.evaluate("() => cur_frm.doc.name")
		assert not sales.errors, sales.errors
	finally:
		sales.close()

	assert plan_holds("Sales Contract", contract) == [(450, 0, 450, "Planned"), (1050, 0, 1050, "Planned")]
	c = plan.clients
	assert c.director.submit("Sales Contract", contract).ok
	order = order_of_contract(plan, contract)
	c.director.ok("sales_crm.api.deliver_order", order=order)
	receivable = invoice(plan, order, 1500)
	_first, final = line_names("Sales Contract", contract)

	accounts = Desk(browser, server, plan.users.accounts)
	try:
		# the collections calendar shows the 首款 due on signing
		accounts.goto(f"{accounts.desk}/sales-contract/view/calendar")
		event = accounts.page.locator(".fc-event", has_text=plan.customer_name).first
		event.wait_for()
		assert "450.00" in event.inner_text()
		accounts.shot("plan-lines-on-the-calendar")

		# Record Receipt for a line chosen in the dialog (the 尾款)
		accounts.open_form("Sales Contract", contract)
		assert "1,500.00" in accounts.page.locator(".payment-plan-totals:visible").inner_text()
		accounts.click_menu_item("Create", "Record Receipt")
		accounts.page.wait_for_function("() => window.cur_dialog && cur_dialog.fields_dict.line")
		accounts.page.evaluate("([line]) => cur_dialog.set_value('line', line)", [final])
		accounts.shot("record-receipt-choose-the-line")
		accounts.page.locator(".modal:visible .btn-primary").first.click()
		accounts.wait_for_form("Sales Receipt")
		receipt = accounts.page.evaluate(
			"""() => ({customer: cur_frm.doc.customer, type: cur_frm.doc.receipt_type,
				rows: cur_frm.doc.allocations.map((r) => [r.sales_receivable, r.payment_plan_line, r.allocated_amount])})"""
		)
		assert receipt == {
			"customer": plan.customer,
			"type": "Payment",
			"rows": [[receivable, final, 1050]],
		}, receipt
		accounts.shot("receipt-for-a-plan-line")
		accounts.page.evaluate("() => cur_frm.save()")
		accounts.page.wait_for_function("() => !cur_frm.is_new() && !cur_frm.is_dirty()")
		name = accounts.page.evaluate("() => cur_frm.doc.name")
		assert not accounts.errors, accounts.errors
	finally:
		accounts.close()

	assert c.accounts.submit("Sales Receipt", name).ok
	assert db_value("Sales Receipt", name, "paid_amount") == 1050
	assert plan_holds("Sales Contract", contract) == [(450, 0, 450, "Planned"), (1050, 1050, 0, "Received")]
