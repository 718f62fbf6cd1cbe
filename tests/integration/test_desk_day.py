"""A salesperson's and a director's day in the desk with no dead end, in Debian's headless Chromium against
the test server: who decides next on a quotation, contract or order is written at the top of its form; the
workflow state shows in the header and the list; an approved contract offers Sign only; the director's
workspace counts what awaits their approval; a salesperson, a director and finance take a lead to a collected
order in the browser alone; charts draw inside their plot areas; the phone shows cards two a row and list rows
first. Screenshots (also at a phone's 390 px) go to tests/output/<run>/.
"""

import random

import frappe
import pytest
from factories import make_customer, make_department, make_product, make_user, pipeline, selling_doc
from frappe.model.workflow import apply_workflow
from frappe.utils import random_string
from frappe.utils.password import update_password
from test_desk_browser import PASSWORD, Desk, browser, db_value

__all__ = ["browser"]  # the shared module-scoped fixture (the server is conftest's)

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def day(site):
	"""Committed (the server is another process): a team, the salesperson's customer and product, and three
	contracts that need a director (no quotation behind them): one draft, one pending, one approved."""
	from sales_crm.flows.leads import assign_leads

	tag = random_string(6).lower()
	day = frappe._dict(
		sales=make_user(f"dd-sales-{tag}@example.com", "Sales User"),
		manager=make_user(f"dd-manager-{tag}@example.com", "Sales User", "Sales Manager"),
		director=make_user(f"dd-director-{tag}@example.com", "Sales User", "Sales Director"),
		finance=make_user(f"dd-finance-{tag}@example.com", "Accounts User"),
		admin=make_user(f"dd-admin-{tag}@example.com", "System Manager"),
	)
	for user in day.values():
		update_password(user, PASSWORD)
	person = frappe.get_doc("User", day.sales)
	person.update({"first_name": "Li", "last_name": f"Na {tag}"})
	person.save(ignore_permissions=True)
	day.sales_name = person.full_name
	day.department = make_department(day.manager, [day.sales]).name
	day.customer = make_customer(customer_name=f"Day Trading {tag}", sales_person=day.sales).name
	day.product = make_product(product_name=f"Day Pump {tag}", standard_rate=100).name
	frappe.set_user(day.manager)
	lead = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": f"Day Lead Co {tag}",
			"lead_source": "Employee Referral",
			"phone": f"+86-21-{random.randint(10000000, 99999999)}",
			"sales_department": day.department,
		}
	).insert()
	assign_leads([lead.name], day.sales)
	frappe.set_user("Administrator")
	day.lead = lead.name

	contracts = {}
	for state in ("Draft", "Pending Approval", "Approved"):
		frappe.set_user("Administrator")
		contract = selling_doc(
			"Sales Contract",
			[{"product": day.product, "qty": 3, "price_list_rate": 100}],
			customer=day.customer,
			sales_person=day.sales,
			tax_rate=13,
		)
		assert contract.needs_approval
		if state != "Draft":
			frappe.set_user(day.sales)
			contract = apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Request Approval")
		if state == "Approved":
			frappe.set_user("Administrator")
			contract = apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Approve")
		contracts[state] = contract.name
	frappe.set_user("Administrator")
	day.contracts = contracts
	frappe.db.commit()
	return day


def actions_offered(desk: Desk) -> list[str]:
	buttons = desk.page.locator(".page-actions:visible").get_by_role("button", name="Actions")
	if not buttons.count():
		return []
	buttons.first.click()
	items = buttons.first.locator("xpath=..").locator(".dropdown-menu .dropdown-item")
	labels = [text.strip() for text in items.all_inner_texts() if text.strip()]
	desk.page.keyboard.press("Escape")
	return labels


def save(desk: Desk) -> str:
	"""Ctrl+S as a person saves; the saved document's name (a refusal's dialog text fails the test)."""
	desk.page.keyboard.press("Control+s")
	try:
		desk.page.wait_for_function("cur_frm && !cur_frm.doc.__islocal && !cur_frm.is_dirty()")
	except Exception:
		dialogs = desk.page.locator(".modal:visible").all_inner_texts()
		desk.shot("save-refused")
		raise AssertionError(f"not saved: {dialogs}") from None
	return desk.page.evaluate("cur_frm.doc.name")


def type_in_row(
	desk: Desk, table: str, idx: int, fieldname: str, value: str, pick: bool = False, leave: bool = True
):
	"""Click a grid cell and type into it (a link: pick the suggestion), then leave it (Tab)."""
	row = desk.page.locator(
		f".frappe-control[data-fieldname='{table}']:visible .grid-row[data-idx='{idx}']"
	).first
	row.locator(f".grid-static-col[data-fieldname='{fieldname}']").first.click()
	cell = row.locator(f"input[data-fieldname='{fieldname}']").first
	if pick:
		cell.press_sequentially(value, delay=20)
		suggestion = desk.page.locator(".awesomplete [role='option']:visible, .awesomplete li:visible").first
		try:
			suggestion.wait_for(timeout=10_000)
		except Exception:
			desk.shot("no-suggestion")
			raise
		suggestion.click()
	else:
		cell.fill(value)
	if leave:
		cell.press("Tab")
	else:  # the field takes the value as it loses the focus
		cell.evaluate("(el) => el.blur()")
	desk.page.wait_for_timeout(300)


def wait_for(desk: Desk, condition: str):
	"""Wait until the page's condition holds; else fail with the form's figures and the page's errors."""
	try:
		desk.page.wait_for_function(condition, timeout=10_000)
	except Exception:
		state = desk.page.evaluate(
			"""() => JSON.stringify({doc: window.cur_frm && cur_frm.doc, pricing: typeof (window.sales_crm || {}).pricing,
				live: typeof (window.sales_crm || {}).live_totals})"""
		)
		desk.shot("condition-failed")
		raise AssertionError(
			f"{condition} never held at {desk.page.url}: {state[:3000]} {desk.errors}"
		) from None


def field_text(desk: Desk, fieldname: str) -> str:
	return desk.page.locator(f".frappe-control[data-fieldname='{fieldname}']:visible").first.inner_text()


def title(desk: Desk) -> str:
	return desk.page.locator(".page-head:visible .title-text").first.inner_text().strip()


def indicator(desk: Desk) -> str:
	return desk.page.locator(".page-head:visible .indicator-pill:visible").first.inner_text().strip()


def test_the_salesperson_sees_who_decides_next(browser, server, day):
	sales = Desk(browser, server, day.sales)
	try:
		page = sales.page
		# after the login the salesperson is on the Sales CRM workspace, without Frappe's admin workspaces
		wait_for(sales, "location.pathname.endsWith('/sales-crm')")
		page.wait_for_selector(".sidebar-item-label")
		sidebar = [label.strip() for label in page.locator(".sidebar-item-label").all_inner_texts()]
		assert "Sales CRM" in sidebar, sidebar
		assert not {"Users", "Build", "Tools", "Website", "Integrations"} & set(sidebar), sidebar
		sales.shot("salesperson-lands-on-sales-crm")
		# a new quotation, typed as a person types it; saved, it says it waits for a director
		sales.goto(f"{sales.desk}/sales-quotation/new")
		sales.wait_for_form("Sales Quotation")
		page.evaluate(
			"([customer]) => cur_frm.set_value({ customer, title: 'Pumps for the day' })", [day.customer]
		)
		page.wait_for_timeout(800)  # the customer's fetches
		type_in_row(sales, "items", 1, "product", day.product, pick=True)
		wait_for(sales, "cur_frm.doc.items[0].price_list_rate === 100")
		page.wait_for_timeout(800)  # the product's fetches (list price 100)

		# typing the quantity and a discount updates the row and the totals before any save
		type_in_row(sales, "items", 1, "qty", "12")
		wait_for(sales, "cur_frm.doc.tax_rate !== null && cur_frm.doc.tax_rate !== undefined")
		tax = page.evaluate("cur_frm.doc.tax_rate")
		wait_for(sales, "cur_frm.doc.net_total === 1200")
		assert page.evaluate("cur_frm.doc.__unsaved")
		assert "1,200.00" in field_text(sales, "net_total")
		type_in_row(sales, "items", 1, "discount_percentage", "12.5")
		wait_for(sales, "cur_frm.doc.items[0].rate === 87.5 && cur_frm.doc.net_total === 1050")
		grand = round(1050 + round(1050 * tax / 100 + 1e-9, 2), 2)
		assert page.evaluate("cur_frm.doc.grand_total") == grand
		assert f"{grand:,.2f}" in field_text(sales, "grand_total")
		sales.shot("quotation-live-totals-before-save")

		quotation = save(sales)
		saved = db_value("Sales Quotation", quotation, ["net_total", "grand_total"])
		assert (saved.net_total, saved.grand_total) == (1050, grand)  # what the form showed
		sales.wait_for_form("Sales Quotation", quotation)
		intro = page.locator(".form-message:visible").first.inner_text()
		assert "awaiting a Sales Director's approval" in intro, intro
		sales.shot("quotation-awaiting-approval")
		day.quotation = quotation

		# a draft contract that needs approval: the reasons as a list at the top, and what to do
		sales.open_form("Sales Contract", day.contracts["Draft"])
		headline = page.locator(".form-message .sales-crm-approval-hint").first
		assert headline.is_visible()
		assert headline.locator("li").count() >= 1
		assert "Request Approval" in headline.inner_text()
		assert "Request Approval" in actions_offered(sales)
		sales.shot("contract-needs-approval")

		# pending and approved are not both "Draft": in the header and in the list
		sales.open_form("Sales Contract", day.contracts["Pending Approval"])
		assert indicator(sales) == "Pending Approval"
		# names, not IDs: the customer's name is the title, the salesperson shows by their full name
		title = page.locator(".page-head:visible .title-text").first.inner_text()
		assert title.startswith("Day Trading"), title
		person = page.locator(".frappe-control[data-fieldname='sales_person']:visible").first
		assert day.sales_name in (
			person.inner_text() + page.evaluate("cur_frm.fields_dict.sales_person.$input?.val() || ''")
		), day.sales_name
		assert (
			"awaiting a sales director's approval"
			in page.locator(".sales-crm-approval-hint").inner_text().lower()
		)
		sales.shot("contract-pending-approval")

		sales.open_form("Sales Contract", day.contracts["Approved"])
		assert indicator(sales) == "Approved"
		# after the approval the salesperson signs; asking again is pointless, and the form stays editable
		offered = set(actions_offered(sales)) - {"Help"}  # Frappe's workflow help sits in the same menu
		assert offered == {"Sign"}, offered
		assert not page.evaluate("cur_frm.read_only"), "the approved contract is read-only for its signer"
		assert "not editable due to a Workflow" not in page.locator("body").inner_text()
		sales.shot("contract-approved-sign-only")

		sales.goto(f"{sales.desk}/sales-contract?customer={day.customer}")
		page.wait_for_selector(".list-row-container")
		page.wait_for_timeout(500)
		rows = page.evaluate(
			"""() => [...document.querySelectorAll('.list-row-container')].map(
				(row) => row.querySelector('.indicator-pill').innerText.trim())"""
		)  # each row's status indicator (its first)
		assert sorted(rows) == ["Approved", "Draft", "Pending Approval"], rows
		sales.shot("contract-list-states")

		# the phone: the workspace, a list and a form at 390 px
		page.set_viewport_size(PHONE)
		sales.goto(f"{sales.desk}/sales-crm")
		page.wait_for_selector(".ce-block, .widget", timeout=30_000)
		page.wait_for_timeout(1500)
		sales.shot("phone-workspace")
		sales.goto(f"{sales.desk}/sales-contract?customer={day.customer}")
		page.wait_for_selector(".list-row-container")
		page.wait_for_timeout(500)
		sales.shot("phone-contract-list")
		sales.open_form("Sales Contract", day.contracts["Pending Approval"])
		sales.shot("phone-contract-form")
		assert not sales.errors, sales.errors
	finally:
		sales.close()


def test_the_director_finds_what_awaits_them(browser, server, day):
	director = Desk(browser, server, day.director)
	try:
		page = director.page
		wait_for(director, "location.pathname.endsWith('/sales-crm')")  # where the login lands
		card = page.locator(".number-card-widget, .widget.number-widget-box").filter(
			has_text="Awaiting My Approval"
		)
		card.first.wait_for()
		try:
			page.wait_for_function(
				"""() => [...document.querySelectorAll('.number-widget-box, .number-card-widget')].some(
					(w) => /awaiting my approval/i.test(w.innerText) && /\\d/.test(w.innerText))""",
				timeout=15_000,
			)
		except Exception:
			director.shot("awaiting-card-missing")
			raise AssertionError(card.first.inner_text()) from None
		number = int("".join(ch for ch in card.first.inner_text() if ch.isdigit()))
		assert number >= 1  # at least the pending contract of the director's (unscoped) view
		director.shot("director-awaiting-my-approval")

		director.open_form("Sales Contract", day.contracts["Pending Approval"])
		hint = page.locator(".sales-crm-approval-hint").inner_text()
		assert "awaits your approval" in hint, hint
		assert {"Approve", "Request Changes"} <= set(actions_offered(director))
		director.shot("director-pending-contract")
		assert not director.errors, director.errors
	finally:
		director.close()


def test_the_day_in_chinese(browser, server, day):
	"""The seeded sales method and its stages read in Chinese; the opportunity's typed contact person and
	its Contact link carry different labels; the customer's name titles a contract."""
	frappe.set_user("Administrator")
	opportunity = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": f"Day deal {random_string(5)}",
			"customer": day.customer,
			"sales_person": day.sales,
			"items": [{"product": day.product, "qty": 2, "rate": 100}],
		}
	).insert()
	frappe.db.set_value("User", day.sales, "language", "zh")
	frappe.db.commit()
	frappe.clear_cache(user=day.sales)
	sales = Desk(browser, server, day.sales)
	try:
		page = sales.page
		assert page.evaluate("frappe.boot.lang") == "zh"
		sales.goto(f"{sales.desk}/sales-opportunity?customer={day.customer}")
		try:
			page.wait_for_selector(".list-row-container")
		except Exception:
			sales.shot("zh-opportunity-list-without-rows")
			state = page.evaluate(
				"""() => ({route: frappe.get_route(), url: location.href,
					filters: window.cur_list && cur_list.filter_area && cur_list.filter_area.get(),
					data: window.cur_list && (cur_list.data || []).length,
					view: window.cur_list && cur_list.view_name, errors: window.__errors || null})"""
			)
			raise AssertionError(f"no opportunity row: {state}; errors {sales.errors}") from None
		page.wait_for_timeout(500)
		try:  # the first stage, Needs Tracking
			page.locator(".result .list-row-container").filter(has_text="需求跟踪").first.wait_for()
		except Exception:
			sales.shot("zh-opportunity-list-without-stage")
			raise
		sales.shot("zh-opportunity-list")

		sales.open_form("Sales Opportunity", opportunity.name)
		labels = [
			text.strip() for text in page.locator(".form-layout:visible .control-label").all_inner_texts()
		]
		assert "联系人" in labels and "联系人姓名" in labels, labels
		method = page.locator(".frappe-control[data-fieldname='sales_method'] input").first.input_value()
		assert method == "标准", method
		stage = page.locator(".frappe-control[data-fieldname='sales_stage']").first.inner_text()
		assert "需求跟踪" in stage, stage
		sales.shot("zh-opportunity-form")

		# the funnel chart's stages in Chinese, none cut short
		sales.goto(f"{sales.desk}/sales-crm")
		svg = (
			sales.page.locator(".widget.dashboard-widget-box")
			.filter(has_text="销售漏斗")  # Sales Funnel
			.locator("svg.frappe-chart")
			.first
		)
		try:
			svg.wait_for(timeout=30_000)
		except Exception:
			sales.shot("zh-funnel-missing")
			raise
		labels = svg.evaluate(AXIS_LABELS)
		assert "已收款" in labels and "线索" in "".join(labels), labels
		assert not [label for label in labels if label.endswith("..")], labels
		sales.shot("zh-workspace")
		assert not sales.errors, sales.errors
	finally:
		sales.close()
		frappe.db.set_value("User", day.sales, "language", "en")
		frappe.db.commit()
		frappe.clear_cache(user=day.sales)


WORKFLOW_ALERT = "not editable due to a Workflow"
# Frappe's alerts (frappe.show_alert) vanish after seconds: every one shown is kept for the test to read
RECORD_ALERTS = """
window.__alerts = [];
new MutationObserver((changes) => {
	for (const change of changes) {
		for (const node of change.addedNodes) {
			if (node.nodeType === 1 && /alert/.test(node.className || "")) window.__alerts.push(node.textContent);
		}
	}
}).observe(document, { childList: true, subtree: true });
"""


def login(browser, server, user: str) -> Desk:
	desk = Desk(browser, server, user)
	desk.context.add_init_script(RECORD_ALERTS)  # from the next page load on
	return desk


def no_workflow_alert(desk: Desk):
	alerts = desk.page.evaluate("window.__alerts || []")
	assert not [text for text in alerts if WORKFLOW_ALERT in text], alerts


def act(desk: Desk, action: str, condition: str):
	"""Take a workflow action from the Actions menu as a person does; wait for the state it leads to."""
	assert action in actions_offered(desk), (action, actions_offered(desk))
	desk.click_menu_item("Actions", action)
	modal = desk.page.locator(".modal:visible .btn-primary:visible")
	try:  # a confirmation (submitting actions ask "Permanently Submit?" on some versions)
		modal.first.wait_for(timeout=1500)
		if desk.page.evaluate("!(" + condition + ")"):
			modal.first.click()
	except Exception:
		pass
	wait_for(desk, condition)
	desk.page.wait_for_timeout(600)  # the form's refresh after the action


def open_from_inbox(desk: Desk, doctype: str, name: str, sales_person: str):
	"""The workspace's Awaiting My Approval card opens the Approvals Inbox; the record's link opens it."""
	desk.goto(f"{desk.desk}/sales-crm")
	card = desk.page.locator(".widget.number-widget-box").filter(has_text="Awaiting My Approval").first
	card.wait_for()
	desk.page.wait_for_function(
		"""() => [...document.querySelectorAll('.number-widget-box')].some(
			(w) => /awaiting my approval/i.test(w.innerText) && /\\d/.test(w.innerText))""",
		timeout=20_000,
	)
	card.locator(".widget-body").first.click()
	wait_for(desk, "decodeURIComponent(location.pathname).endsWith('/query-report/Approvals Inbox')")
	# narrowed to the salesperson, as a director with a long inbox does (the table draws only the rows
	# in view, and a click that scrolls it would land on another row)
	desk.page.wait_for_function(
		"() => window.frappe.query_report && frappe.query_report.get_filter('sales_person')"
	)
	desk.page.evaluate("(user) => frappe.query_report.set_filter_value('sales_person', user)", sales_person)
	desk.page.wait_for_timeout(800)
	link = desk.page.locator(f".dt-scrollable a[href$='/{name}'], .dt-scrollable a[data-name='{name}']").first
	try:
		link.wait_for(timeout=20_000)
	except Exception:
		desk.shot("inbox-without-record")
		raise AssertionError(f"{doctype} {name} is not in the Approvals Inbox") from None
	desk.shot(f"inbox-{frappe.scrub(doctype)}")
	link.click()
	desk.wait_for_form(doctype, name)


def button(desk: Desk, label: str):
	"""A form's own button in the page head (not a menu's item)."""
	return desk.page.locator(".page-actions:visible .custom-actions:visible button:visible").filter(
		has_text=label
	)


def create(desk: Desk, label: str, doctype: str):
	desk.click_menu_item("Create", label)
	desk.wait_for_form(doctype)


def test_the_day_in_the_desk_from_lead_to_receipt(browser, server, day):
	"""A salesperson, a director and finance take one lead to a collected order in the browser alone: each
	hand-off shows who acts next, and each user is offered only the actions that work for them."""
	sales = login(browser, server, day.sales)
	director = login(browser, server, day.director)
	finance = login(browser, server, day.finance)
	try:
		# -- the salesperson converts the lead and quotes, seeing the totals before saving
		sales.open_form("Sales Lead", day.lead)
		sales.click_menu_item("Create", "Opportunity")
		sales.page.wait_for_url(f"**{sales.desk}/sales-opportunity/**")
		opportunity = db_value("Sales Lead", day.lead, "opportunity")
		assert opportunity
		sales.wait_for_form("Sales Opportunity", opportunity)
		assert indicator(sales) == "Open"
		page = sales.page
		# the products the customer needs, and the expected revenue they make before any save
		if not page.evaluate("(cur_frm.doc.items || []).length"):
			page.locator(".frappe-control[data-fieldname='items']:visible .grid-add-row").first.click()
		type_in_row(sales, "items", 1, "product", day.product, pick=True)
		type_in_row(sales, "items", 1, "qty", "3")
		type_in_row(sales, "items", 1, "rate", "100", leave=False)  # a Tab out of the last column adds a row
		wait_for(sales, "cur_frm.doc.expected_revenue === 300 && cur_frm.doc.__unsaved")
		revenue = page.locator(".frappe-control[data-fieldname='expected_revenue']:visible input").first
		assert revenue.input_value() in ("300.00", "300"), revenue.input_value()
		save(sales)
		assert db_value("Sales Opportunity", opportunity, "expected_revenue") == 300
		create(sales, "Quotation", "Sales Quotation")
		if not page.evaluate("(cur_frm.doc.items || []).length"):
			page.locator(".frappe-control[data-fieldname='items']:visible .grid-add-row").first.click()
		if not page.evaluate("cur_frm.doc.items[0].product"):
			type_in_row(sales, "items", 1, "product", day.product, pick=True)
		wait_for(sales, "cur_frm.doc.items[0].price_list_rate === 100")
		type_in_row(sales, "items", 1, "qty", "10")
		type_in_row(sales, "items", 1, "discount_percentage", "5")
		wait_for(sales, "cur_frm.doc.net_total === 950 && cur_frm.doc.grand_total >= 950")
		assert page.evaluate("cur_frm.doc.__unsaved")
		assert "950.00" in field_text(sales, "net_total")
		grand = page.evaluate("cur_frm.doc.grand_total")
		assert f"{grand:,.2f}" in field_text(sales, "grand_total")
		sales.shot("chain-quotation-live-totals")
		quotation = save(sales)
		sales.wait_for_form("Sales Quotation", quotation)
		assert (
			"awaiting a Sales Director's approval" in page.locator(".form-message:visible").first.inner_text()
		)
		assert not {"Approve", "Customer Accepted"} & set(actions_offered(sales))  # they would fail

		# -- the director finds it in the inbox and approves it
		open_from_inbox(director, "Sales Quotation", quotation, day.sales)
		assert "awaits your approval" in director.page.locator(".form-message:visible").first.inner_text()
		act(director, "Approve", "cur_frm.doc.docstatus === 1 && cur_frm.doc.status === 'Approved'")
		assert indicator(director) == "Approved"
		no_workflow_alert(director)

		# -- the customer accepts; the contract departs from the quotation (a bigger discount)
		sales.open_form("Sales Quotation", quotation)
		assert indicator(sales) == "Approved"
		assert {"Customer Accepted", "Customer Rejected"} <= set(actions_offered(sales))
		act(sales, "Customer Accepted", "cur_frm.doc.status === 'Accepted'")
		create(sales, "Contract", "Sales Contract")
		wait_for(sales, "cur_frm.doc.items.length === 1 && cur_frm.doc.net_total === 950")
		type_in_row(sales, "items", 1, "discount_percentage", "10")
		wait_for(sales, "cur_frm.doc.net_total === 900")  # live on the contract too
		contract = save(sales)
		sales.wait_for_form("Sales Contract", contract)
		hint = page.locator(".sales-crm-approval-hint").first.inner_text()
		assert "Request Approval" in hint and "Discount" in hint, hint
		offered = set(actions_offered(sales))
		assert "Request Approval" in offered and "Sign" not in offered, offered  # Sign would be refused
		act(sales, "Request Approval", "cur_frm.doc.workflow_state === 'Pending Approval'")
		assert indicator(sales) == "Pending Approval"
		assert not {"Approve", "Sign"} & set(actions_offered(sales))
		sales.shot("chain-contract-pending-approval")

		open_from_inbox(director, "Sales Contract", contract, day.sales)
		assert indicator(director) == "Pending Approval"
		act(director, "Approve", "cur_frm.doc.workflow_state === 'Approved'")
		assert indicator(director) == "Approved"
		no_workflow_alert(director)

		# -- signed, ordered, confirmed and delivered by the salesperson
		sales.open_form("Sales Contract", contract)
		assert indicator(sales) == "Approved"
		assert set(actions_offered(sales)) - {"Help"} == {"Sign"}
		act(sales, "Sign", "cur_frm.doc.docstatus === 1")
		assert indicator(sales) == "Signed"
		create(sales, "Order", "Customer Order")
		order = save(sales)
		sales.wait_for_form("Customer Order", order)
		offered = set(actions_offered(sales))
		assert "Confirm" in offered and "Request Approval" not in offered, offered  # it keeps the contract
		act(sales, "Confirm", "cur_frm.doc.docstatus === 1")
		assert title(sales).startswith("Day Lead Co"), title(sales)  # the customer's name, not its ID
		assert indicator(sales) == "To Deliver and Invoice"
		assert not button(sales, "Invoice").count()  # finance's
		button(sales, "Deliver").first.click()
		dialog = page.locator(".modal:visible .btn-primary:visible")
		try:  # a dialog of per-row quantities (its defaults: what is left to deliver), or none at all
			dialog.first.wait_for(timeout=2500)
			sales.shot("chain-deliver-dialog")
			dialog.first.click()
		except Exception:
			pass
		wait_for(sales, "cur_frm.doc.per_delivered === 100 && !frappe.dom.freeze_count")
		page.wait_for_timeout(600)
		assert indicator(sales) == "To Invoice"
		no_workflow_alert(sales)
		sales.shot("chain-order-delivered")

		# -- finance invoices and collects
		wait_for(finance, "location.pathname.endsWith('/sales-crm')")  # finance lands on the workspace too
		finance.shot("finance-workspace")
		finance.open_form("Customer Order", order)
		assert not button(finance, "Deliver").count()  # delivered, and not finance's to do
		assert not set(actions_offered(finance)) - {"Help"}  # no workflow action of the sales team's
		button(finance, "Invoice").first.click()
		finance.page.wait_for_function("() => window.cur_dialog && cur_dialog.display")
		finance.page.evaluate(
			"() => cur_dialog.set_value('invoice_no', 'INV-' + Math.floor(Math.random() * 1e9))"
		)
		finance.page.wait_for_timeout(300)
		finance.page.locator(".modal:visible .btn-primary").first.click()
		finance.page.wait_for_url(f"**{finance.desk}/sales-receivable/**")
		receivable = finance.page.evaluate("() => location.pathname.split('/').pop()")
		finance.wait_for_form("Sales Receivable", receivable)
		receivable = finance.page.evaluate("cur_frm.doc.name")
		assert indicator(finance) == "Unpaid"
		assert title(finance).startswith("Day Lead Co"), title(finance)
		create(finance, "Receipt", "Sales Receipt")
		wait_for(finance, "cur_frm.doc.allocations.length === 1 && cur_frm.doc.paid_amount > 0")
		assert finance.page.evaluate("cur_frm.doc.paid_amount") == outstanding_of(receivable)
		receipt = save(finance)
		finance.wait_for_form("Sales Receipt", receipt)
		finance.page.keyboard.press("Control+s")  # a saved draft: Ctrl+S submits, after a confirmation
		finance.page.locator(".modal:visible .btn-primary").first.click()
		wait_for(finance, "cur_frm.doc.docstatus === 1")
		assert title(finance).startswith("Day Lead Co"), title(finance)
		finance.open_form("Sales Receivable", receivable)
		assert indicator(finance) == "Paid"
		finance.open_form("Customer Order", order)
		assert indicator(finance) == "Completed"
		assert finance.page.evaluate("cur_frm.doc.per_collected") == 100
		no_workflow_alert(finance)
		finance.shot("chain-order-collected")
		assert not finance.errors, finance.errors

		sales.open_form("Sales Contract", contract)
		assert indicator(sales) == "Completed"  # ordered and collected in full
		assert not sales.errors and not director.errors, (sales.errors, director.errors)
	finally:
		sales.close()
		director.close()
		finance.close()


def outstanding_of(receivable: str) -> float:
	return db_value("Sales Receivable", receivable, "outstanding_amount")


# Every bar a rect of positive height, above the x axis's labels and the legend, below the chart's top.
BARS_INSIDE = """(svg) => {
	const box = (el) => el.getBoundingClientRect();
	const bars = [...svg.querySelectorAll('.dataset-units rect')].filter((r) => box(r).height > 0.5);
	const labels = [...svg.querySelectorAll('.x.axis text')].map((t) => box(t).top);
	const legend = [...svg.querySelectorAll('.chart-legend *')].map((t) => box(t).top);
	const floor = Math.min(...labels, ...legend, box(svg).bottom);
	return {
		bars: bars.length,
		outside: bars.filter((r) => box(r).bottom > floor + 1 || box(r).top < box(svg).top - 1).length,
	};
}"""
# the x axis's labels as drawn: frappe-charts cuts a label too long for its slot to "Co ..." or "Ne.."
AXIS_LABELS = "(svg) => [...svg.querySelectorAll('.x.axis text')].map((t) => t.textContent)"


def drawn(desk: Desk, svg) -> dict:
	"""The chart's bars once it has any (frappe-charts animates them in from zero height, and a report may
	draw its chart twice: the locator is resolved afresh at each look)."""
	for _attempt in range(60):
		try:
			found = svg.evaluate(BARS_INSIDE, timeout=5_000)
		except Exception:
			found = {"bars": 0}
		if found["bars"]:
			desk.page.wait_for_timeout(500)  # the animation's end
			return svg.evaluate(BARS_INSIDE)
		desk.page.wait_for_timeout(250)
	desk.shot("chart-without-bars")
	raise AssertionError("the chart drew no bar")


def chart(desk: Desk, title: str):
	"""A workspace chart's SVG, once drawn."""
	widget = desk.page.locator(".widget.dashboard-widget-box").filter(has_text=title).first
	svg = widget.locator("svg.frappe-chart").first
	svg.wait_for(timeout=30_000)
	return svg


def test_phone_charts_and_commissions(browser, server, day):
	"""The manager approves the periodic commissions they generated; the director's charts draw inside
	their plot areas with whole labels; the salesperson's phone shows two cards a row, loaded, and the
	opportunity list's rows on the first screen."""
	from frappe.utils import add_months, get_first_day, nowdate

	from sales_crm import api

	frappe.set_user("Administrator")
	pipeline("order")  # an order this month: the Monthly Orders chart has one month to draw
	# and one of the salesperson's own, for their chart on the phone
	selling_doc(
		"Customer Order",
		[{"product": day.product, "qty": 3, "price_list_rate": 100}],
		customer=day.customer,
		sales_person=day.sales,
		order_date=nowdate(),
		tax_rate=0,
	).submit()
	# an open opportunity closing next month (the forecast's window) with an amount
	forecast = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": f"Forecast deal {random_string(5)}",
			"customer": day.customer,
			"sales_person": day.sales,
			"expected_close_date": add_months(get_first_day(nowdate()), 1),
			"items": [{"product": day.product, "qty": 40, "rate": 100}],
		}
	).insert()
	# a contract signed in a closed month, and the manager's generated Monthly commission on it
	contract = selling_doc(
		"Sales Contract",
		[{"product": day.product, "qty": 5, "price_list_rate": 100}],
		customer=day.customer,
		sales_person=day.sales,
		signed_on="2026-01-12",
		tax_rate=0,
	)
	contract = frappe.get_doc("Sales Contract", contract.name)
	if contract.needs_approval:
		frappe.set_user(day.sales)
		contract = apply_workflow(contract, "Request Approval")
		frappe.set_user("Administrator")
		contract = apply_workflow(contract, "Approve")
	frappe.set_user(day.sales)
	frappe.get_doc("Sales Contract", contract.name).submit()
	frappe.set_user(day.manager)
	generated = api.generate_salesperson_commissions("Monthly", "2026-01-01", "2026-01-31")
	frappe.set_user("Administrator")
	commissions = [
		name
		for name in generated["created"]
		if frappe.db.get_value("Salesperson Commission", name, "sales_person") == day.sales
	]
	assert commissions, generated
	assert frappe.db.get_value("Salesperson Commission", commissions[0], "owner") == day.manager
	frappe.db.commit()

	manager = login(browser, server, day.manager)
	try:
		wait_for(manager, "location.pathname.endsWith('/sales-crm')")
		manager.page.wait_for_timeout(1500)
		manager.shot("manager-workspace")
		manager.open_form("Salesperson Commission", commissions[0])
		act(manager, "Approve", "cur_frm.doc.docstatus === 1")  # it pays the salesperson, not the manager
		assert indicator(manager) in ("Accrued", "Approved"), indicator(manager)
		no_workflow_alert(manager)
		assert not manager.errors, manager.errors
	finally:
		manager.close()

	director = login(browser, server, day.director)
	try:
		page = director.page
		wait_for(director, "location.pathname.endsWith('/sales-crm')")
		for title, stage in (("Sales Funnel", None), ("Pipeline by Stage", "Needs Tracking")):
			svg = chart(director, title)
			page.wait_for_timeout(500)
			labels = svg.evaluate(AXIS_LABELS)
			assert labels and not [label for label in labels if label.endswith("..")], (title, labels)
			if stage:
				assert stage in labels, (title, labels)
			assert svg.evaluate(BARS_INSIDE)["outside"] == 0, title
		orders = chart(director, "Monthly Orders vs Collections")
		assert drawn(director, orders)["outside"] == 0  # this month's orders draw with a single month
		director.shot("director-workspace")

		director.goto(f"{director.desk}/query-report/Sales Pipeline Forecast")
		svg = page.locator(
			".report-wrapper:visible svg.frappe-chart, .chart-wrapper:visible svg.frappe-chart"
		).first
		svg.wait_for(timeout=30_000)
		until = page.evaluate("frappe.query_report.get_filter_value('to_date')")
		assert until > nowdate()  # the default period looks ahead
		bars = drawn(director, svg)
		assert bars["bars"] >= 1 and bars["outside"] == 0, bars
		# the rows name each salesperson, not their e-mail
		people = page.evaluate(
			"""() => {
				const dt = frappe.query_report.datatable;
				const col = dt.getColumns().find((c) => c.id === 'sales_person').colIndex;
				return [...document.querySelectorAll(`.dt-scrollable .dt-cell__content--col-${col}`)]
					.map((cell) => cell.innerText.trim());
			}"""
		)
		assert any(people) and not any("@" in name for name in people), people
		director.shot("sales-pipeline-forecast")
		# frappe-charts removes a chart's overlay twice when the report redraws it at once (its own race)
		errors = [e for e in director.errors if "removeChild" not in e]
		assert not errors, errors
	finally:
		director.close()

	sales = login(browser, server, day.sales)
	try:
		page = sales.page
		wait_for(sales, "location.pathname.endsWith('/sales-crm')")
		drawn(sales, chart(sales, "Pipeline by Stage"))
		sales.shot("salesperson-workspace")
		# a page without charts while the window shrinks: frappe-charts redrawing on a resize can throw
		sales.goto(f"{sales.desk}/sales-opportunity")
		page.set_viewport_size(PHONE)
		sales.goto(f"{sales.desk}/sales-crm")
		cards = page.locator(".number-widget-box")
		cards.first.wait_for()
		page.wait_for_function(  # every card shows its figure, none still "Loading..."
			"""() => {
				const cards = [...document.querySelectorAll('.number-widget-box')];
				return cards.length && cards.every((c) => /\\d/.test(c.innerText) && !/loading/i.test(c.innerText));
			}""",
			timeout=20_000,
		)
		boxes = [cards.nth(i).bounding_box() for i in range(min(cards.count(), 4))]
		assert len(boxes) >= 2
		assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2, boxes  # side by side
		assert all(b["width"] < PHONE["width"] * 0.55 for b in boxes), boxes
		assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 2
		# the charts draw on the phone too, each inside its plot area and within the screen's width
		for title in ("Monthly Orders vs Collections", "Sales Funnel", "Pipeline by Stage"):
			svg = chart(sales, title)
			svg.scroll_into_view_if_needed()
			bars = drawn(sales, svg)
			assert bars["bars"] >= 1 and bars["outside"] == 0, (title, bars)
			assert svg.bounding_box()["width"] <= PHONE["width"], title
			ticks = svg.evaluate(
				"(svg) => [...svg.querySelectorAll('.y.axis text')].map((t) => t.textContent)"
			)
			assert len(set(ticks)) == len(ticks), (title, ticks)  # no "1" twice for 1 and 1.5
		sales.shot("phone-workspace-cards")

		sales.goto(f"{sales.desk}/sales-opportunity")
		page.wait_for_selector(".list-row-container")
		page.wait_for_timeout(500)
		rows = page.locator(".list-row-container")
		assert rows.count() >= 1
		top = rows.first.bounding_box()["y"]
		assert top < PHONE["height"] * 0.5, top  # the rows come first; the filters are folded
		toggle = page.locator(".sales-crm-filters-toggle:visible").first
		assert "Show Filters" in toggle.inner_text()
		filters = page.evaluate("Object.keys(cur_list.page.fields_dict)")
		# ID and title (Frappe's own), customer, kind, status, stage and salesperson: no more
		assert len(filters) <= 7, filters
		toggle.click()
		page.locator(".page-form:visible .standard-filter-section").first.wait_for()
		assert "Hide Filters" in toggle.inner_text()
		sales.shot("phone-opportunity-list-filters-shown")
		toggle.click()
		sales.shot("phone-opportunity-list")

		sales.open_form("Sales Opportunity", forecast.name)
		sales.shot("phone-opportunity-form")
		assert not sales.errors, sales.errors
	finally:
		sales.close()


def test_a_system_manager_is_told_when_no_worker_runs(browser, server, day):
	from frappe.utils.background_jobs import get_workers
	from frappe.utils.scheduler import is_scheduler_inactive

	expected = None
	if not get_workers():
		expected = "No background worker is running"
	elif is_scheduler_inactive():
		expected = "The scheduler is disabled"
	admin = login(browser, server, day.admin)
	try:
		warning = admin.page.locator(".sales-crm-worker-warning")
		if expected:
			warning.first.wait_for()
			assert expected in warning.first.inner_text()
		else:
			admin.page.wait_for_function("() => frappe.boot && document.readyState === 'complete'")
			admin.page.wait_for_timeout(1500)  # the health check's answer
			assert not warning.count()
		admin.shot("system-manager-worker-warning")
		assert not admin.errors, admin.errors
	finally:
		admin.close()


def test_a_receivable_opened_before_a_receipt_takes_its_fapiao(browser, server, day):
	"""Finance opens a receivable; meanwhile a receipt against it is posted (another user, another request).
	The fapiao typed into the open form is saved, the receivable keeps what the receipt moved, and finance is
	told which figures changed. A receipt is not an edit of the receivable, so Frappe's own staleness check
	lets the form through, and its old figures must not read as a write of them."""
	frappe.set_user("Administrator")
	chain = pipeline("receivable")
	frappe.db.commit()
	finance = login(browser, server, day.finance)
	try:
		finance.open_form("Sales Receivable", chain.receivable)
		assert finance.page.evaluate("cur_frm.doc.received_amount") == 0
		receipt = frappe.get_doc(
			{
				"doctype": "Sales Receipt",
				"receipt_type": "Payment",
				"customer": chain.customer,
				"currency": "CNY",
				"allocations": [{"sales_receivable": chain.receivable, "allocated_amount": 200}],
			}
		).insert()
		receipt.submit()
		frappe.db.commit()

		number = "".join(random.choice("0123456789") for _ in range(8))
		finance.page.locator(".frappe-control[data-fieldname='fapiao_type'] select").first.select_option(
			"增值税普通发票"
		)
		field = finance.page.locator(".frappe-control[data-fieldname='fapiao_no'] input").first
		field.fill(number)
		field.press("Tab")
		save(finance)
		frappe.db.rollback()
		stored = frappe.db.get_value(
			"Sales Receivable",
			chain.receivable,
			["fapiao_no", "received_amount", "outstanding_amount"],
			as_dict=True,
		)
		figures = (stored.fapiao_no, stored.received_amount, stored.outstanding_amount)
		assert figures == (number, 200, 400), stored
		alerts = finance.page.evaluate("window.__alerts || []")
		assert [a for a in alerts if "changed since the form was opened" in a], alerts
		# the form now shows the receipt's figures
		assert finance.page.evaluate("cur_frm.doc.received_amount") == 200
		finance.shot("receivable-fapiao-after-receipt")
		assert not finance.errors, finance.errors
	finally:
		finance.close()
