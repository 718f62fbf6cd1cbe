"""Approvals and money that no one can bypass downstream, tried over HTTP as the real roles (issue 10).

Each refusal is checked for its message and for what it left behind: the refused record is as it was
before the request, and nothing downstream (a commission, a payment) was written."""

import frappe
import pytest
from factories import department_team, make_product
from frappe.utils import random_string

PASSWORD = "Sales-CRM-bypass-2026!"


@pytest.fixture(scope="module")
def team(site):
	"""Committed: the server is another process. Department policy: Basic 3 % per contract."""
	team = department_team("byp", PASSWORD)
	team.product = make_product(standard_rate=100).name
	frappe.db.commit()
	return team


@pytest.fixture(scope="module")
def c(server, team):
	return frappe._dict(
		{
			role: server.session(team[role], PASSWORD)
			for role in ("sales", "colleague", "manager", "director", "accounts")
		}
	)


def admin_get(doctype: str, name: str) -> dict:
	frappe.db.rollback()  # a fresh snapshot: the server committed in another connection
	return frappe.get_doc(doctype, name).as_dict()


def accepted_quotation(c, team, client=None, qty=10, discount=10) -> dict:
	client = client or c.sales
	customer = client.insert({"doctype": "Sales Customer", "customer_name": f"Bypass Co {random_string(8)}"})
	opportunity = client.insert(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": f"Bypass deal {random_string(5)}",
			"customer": customer["name"],
			"items": [{"product": team.product, "qty": qty, "rate": 100}],
		}
	)
	quotation = client.ok("sales_crm.api.make_quotation", source_name=opportunity["name"])
	quotation["items"] = [
		{"product": team.product, "qty": qty, "price_list_rate": 100, "discount_percentage": discount}
	]
	quotation["tax_rate"] = 13
	quotation = client.insert(quotation)
	r = c.director.workflow(quotation, "Approve")
	assert r.ok, r.text[:400]
	r = client.workflow(r.json()["message"], "Customer Accepted")
	assert r.ok, r.text[:400]
	return r.json()["message"]


def contract_from(c, quotation: dict, client=None, **changes) -> dict:
	client = client or c.sales
	contract = client.ok("sales_crm.api.make_contract", source_name=quotation["name"])
	for key, value in changes.items():
		if key == "discount_percentage":
			for row in contract["items"]:
				row["discount_percentage"] = value
				row["rate"] = None
		else:
			contract[key] = value
	return client.insert(contract)


def commissions_of(contract: str) -> list[dict]:
	frappe.db.rollback()
	return frappe.get_all(
		"Salesperson Commission",
		filters={"sales_contract": contract},
		fields=["name", "docstatus", "status", "commission_rate", "accrued_amount", "paid_amount"],
	)


def test_a_contract_with_no_quotation_is_signed_only_after_a_directors_approval(c, team):
	customer = c.sales.insert({"doctype": "Sales Customer", "customer_name": f"Direct Co {random_string(8)}"})
	contract = c.sales.insert(
		{
			"doctype": "Sales Contract",
			"customer": customer["name"],
			"items": [
				{"product": team.product, "qty": 1000, "price_list_rate": 100, "discount_percentage": 0}
			],
		}
	)
	assert contract["needs_approval"] == 1 and "quotation" in contract["approval_reasons"]
	# the salesperson signs alone: refused, and nothing moved
	r = c.sales.submit("Sales Contract", contract["name"])
	assert r.status_code == 403 and "Director" in r.text and contract["name"] in r.text
	assert admin_get("Sales Contract", contract["name"])["docstatus"] == 0
	assert commissions_of(contract["name"]) == []
	# nor through the workflow: Sign needs no approval to be pending, Approve is the director's
	assert not c.sales.workflow(contract, "Sign").ok
	r = c.sales.workflow(contract, "Request Approval")
	assert r.ok, r.text[:300]
	pending = r.json()["message"]
	assert pending["workflow_state"] == "Pending Approval"
	assert not c.sales.workflow(pending, "Approve").ok
	# a client cannot write the approval itself
	r = c.sales.update(
		"Sales Contract", contract["name"], {"approved_by": team.director, "approval_hash": "x"}
	)
	assert not admin_get("Sales Contract", contract["name"])["approved_by"]
	r = c.director.workflow(c.director.get("Sales Contract", contract["name"]), "Approve")
	assert r.ok, r.text[:300]
	approved = r.json()["message"]
	assert approved["workflow_state"] == "Approved" and approved["approved_by"] == team.director
	r = c.sales.workflow(c.sales.get("Sales Contract", contract["name"]), "Sign")
	assert r.ok, r.text[:300]
	signed = admin_get("Sales Contract", contract["name"])
	assert (signed["docstatus"], signed["status"], signed["workflow_state"]) == (1, "Signed", "Signed")


def test_terms_changed_after_approval_go_back_to_the_director(c, team):
	customer = c.sales.insert({"doctype": "Sales Customer", "customer_name": f"Edit Co {random_string(8)}"})
	contract = c.sales.insert(
		{
			"doctype": "Sales Contract",
			"customer": customer["name"],
			"items": [{"product": team.product, "qty": 5, "price_list_rate": 100}],
		}
	)
	pending = c.sales.workflow(contract, "Request Approval").json()["message"]
	approved = c.director.workflow(pending, "Approve").json()["message"]
	assert approved["workflow_state"] == "Approved"
	items = approved["items"]
	items[0]["discount_percentage"] = 50
	items[0]["rate"] = None
	r = c.sales.update("Sales Contract", contract["name"], {"items": items})
	assert r.ok, r.text[:300]
	edited = admin_get("Sales Contract", contract["name"])
	assert edited["workflow_state"] == "Pending Approval" and not edited["approved_by"]
	r = c.sales.submit("Sales Contract", contract["name"])
	assert r.status_code == 403
	assert admin_get("Sales Contract", contract["name"])["docstatus"] == 0


def test_price_drift_from_the_accepted_quotation_needs_approval(c, team):
	quotation = accepted_quotation(c, team)
	contract = contract_from(c, quotation, discount_percentage=60)
	assert contract["needs_approval"] == 1
	assert "Discount" in contract["approval_reasons"] and quotation["name"] in contract["approval_reasons"]
	r = c.sales.submit("Sales Contract", contract["name"])
	assert r.status_code == 403 and "Discount" in r.text
	assert admin_get("Sales Contract", contract["name"])["docstatus"] == 0
	assert commissions_of(contract["name"]) == []
	# unchanged terms need nobody: the salesperson signs
	clean = contract_from(c, quotation)
	assert clean["needs_approval"] == 0 and not clean.get("approval_reasons")
	r = c.sales.submit("Sales Contract", clean["name"])
	assert r.ok, r.text[:400]
	# an order straight from the quotation, at another price, likewise
	order = c.sales.ok("sales_crm.api.make_order", source_name=quotation["name"])
	order["items"][0]["discount_percentage"] = 40
	order["items"][0]["rate"] = None
	order = c.sales.insert(order)
	assert order["needs_approval"] == 1
	r = c.sales.submit("Customer Order", order["name"])
	assert r.status_code == 403 and admin_get("Customer Order", order["name"])["docstatus"] == 0


def test_an_order_never_departs_from_its_signed_contract(c, team):
	contract = contract_from(c, accepted_quotation(c, team))
	assert c.sales.submit("Sales Contract", contract["name"]).ok
	order = c.sales.ok("sales_crm.api.make_order", source_name=contract["name"])
	order["items"][0]["discount_percentage"] = 55
	order["items"][0]["rate"] = None
	r = c.sales.http.post(f"{c.sales.base}/api/resource/Customer Order", json=order, timeout=60)
	assert r.status_code == 417 and "contract" in r.text.lower()
	frappe.db.rollback()
	assert not frappe.db.exists("Customer Order", {"sales_contract": contract["name"]})


def test_a_self_set_commission_rate_is_the_directors_decision(c, team):
	quotation = accepted_quotation(c, team)
	contract = contract_from(c, quotation, commission_rate=60)
	assert contract["needs_approval"] == 1 and contract["policy_commission_rate"] == 3
	assert "60" in contract["approval_reasons"]
	r = c.sales.submit("Sales Contract", contract["name"])
	assert r.status_code == 403
	assert commissions_of(contract["name"]) == []
	# the policy's rate (an empty rate takes it) needs no approval; total_commission shows the Basic one
	policy = contract_from(c, accepted_quotation(c, team))
	assert policy["commission_rate"] == 3 and policy["needs_approval"] == 0
	assert policy["total_commission"] == round(policy["grand_total"] * 0.03, 2)
	assert c.sales.submit("Sales Contract", policy["name"]).ok
	[basic] = commissions_of(policy["name"])
	assert (basic["docstatus"], basic["status"], basic["commission_rate"]) == (0, "Draft", 3)
	assert basic["accrued_amount"] == round(policy["base_grand_total"] * 0.03, 2)


def test_nothing_is_paid_before_approval(c, team):
	contract = contract_from(c, accepted_quotation(c, team))
	assert c.sales.submit("Sales Contract", contract["name"]).ok
	[basic] = commissions_of(contract["name"])
	draft = c.accounts.get("Salesperson Commission", basic["name"])
	r = c.accounts.call("sales_crm.api.pay_salesperson_commissions", names=[basic["name"]])
	assert r.status_code == 417 and "approved" in r.text
	assert not c.accounts.workflow(draft, "Pay").ok
	assert not c.accounts.submit("Salesperson Commission", basic["name"]).ok
	assert commissions_of(contract["name"])[0]["paid_amount"] == 0
	# the salesperson cannot approve their own; their manager can
	assert not c.sales.workflow(c.sales.get("Salesperson Commission", basic["name"]), "Approve").ok
	r = c.manager.workflow(c.manager.get("Salesperson Commission", basic["name"]), "Approve")
	assert r.ok, r.text[:300]
	approved = commissions_of(contract["name"])[0]
	assert (approved["docstatus"], approved["status"]) == (1, "Accrued")
	# a manager does not pay; finance does, through the workflow's Pay
	r = c.manager.update("Salesperson Commission", basic["name"], {"paid_amount": approved["accrued_amount"]})
	assert r.status_code == 403
	r = c.accounts.workflow(c.accounts.get("Salesperson Commission", basic["name"]), "Pay")
	assert r.ok, r.text[:300]
	paid = admin_get("Salesperson Commission", basic["name"])
	assert (paid["status"], paid["workflow_state"], paid["paid_amount"]) == (
		"Paid",
		"Paid",
		approved["accrued_amount"],
	)


def test_an_approved_customer_commission_is_frozen_on_the_server(c, team):
	contract = contract_from(c, accepted_quotation(c, team))
	assert c.sales.submit("Sales Contract", contract["name"]).ok
	commission = c.sales.insert(
		{
			"doctype": "Customer Commission",
			"commission_name": f"Agent fee {random_string(5)}",
			"sales_contract": contract["name"],
			"commission_rate": 5,
		}
	)
	pending = c.sales.workflow(commission, "Request Approval").json()["message"]
	r = c.director.workflow(pending, "Approve")
	assert r.ok, r.text[:300]
	assert r.json()["message"]["status"] == "Executing"
	for client in (c.sales, c.director, c.accounts):
		r = client.update("Customer Commission", commission["name"], {"commission_rate": 50})
		assert r.status_code in (403, 417), (client.user, r.status_code)
	after = admin_get("Customer Commission", commission["name"])
	assert after["commission_rate"] == 5 and after["commission_amount"] == round(
		contract["grand_total"] * 0.05, 2
	)


def test_an_overlapping_periodic_run_is_refused(c, team):
	contract = contract_from(c, accepted_quotation(c, team), signed_on="2026-01-20")
	assert c.sales.submit("Sales Contract", contract["name"]).ok
	first = c.manager.ok(
		"sales_crm.api.generate_salesperson_commissions",
		commission_type="Monthly",
		from_date="2026-01-01",
		to_date="2026-01-31",
	)
	assert len(first["created"]) == 1
	frappe.db.rollback()
	before = frappe.db.count("Salesperson Commission", {"sales_person": team.sales})
	r = c.manager.call(
		"sales_crm.api.generate_salesperson_commissions",
		commission_type="Monthly",
		from_date="2026-01-15",
		to_date="2026-02-14",
	)
	assert r.status_code == 417 and first["created"][0] in r.text and "overlap" in r.text
	frappe.db.rollback()
	assert frappe.db.count("Salesperson Commission", {"sales_person": team.sales}) == before
	# the same contract is not paid again by another periodic type either
	again = c.manager.ok(
		"sales_crm.api.generate_salesperson_commissions",
		commission_type="Quarterly",
		from_date="2026-01-01",
		to_date="2026-03-31",
	)
	frappe.db.rollback()
	for name in again["created"]:
		rows = frappe.get_all(
			"Salesperson Commission Detail", filters={"parent": name}, pluck="sales_contract"
		)
		assert contract["name"] not in rows


def test_a_product_or_member_that_does_not_exist_is_refused(c, team):
	customer = c.sales.insert({"doctype": "Sales Customer", "customer_name": f"Ghost Co {random_string(8)}"})
	for doctype in ("Sales Quotation", "Sales Contract", "Customer Order"):
		r = c.sales.http.post(
			f"{c.sales.base}/api/resource/{doctype}",
			json={
				"doctype": doctype,
				"customer": customer["name"],
				"title": "ghost",
				"items": [{"product": "NO-SUCH-PRODUCT-XYZ", "qty": 1, "price_list_rate": 10}],
			},
			timeout=60,
		)
		assert r.status_code == 417 and "NO-SUCH-PRODUCT-XYZ" in r.text, (
			doctype,
			r.status_code,
			r.text[:300],
		)
	frappe.db.rollback()
	assert not frappe.db.exists("Sales Quotation Item", {"product": "NO-SUCH-PRODUCT-XYZ"})
	department = c.director.get("Sales Department", team.department)
	members = [*department["members"], {"user": "nobody-at-all@example.com", "is_active": 1}]
	r = c.director.update("Sales Department", team.department, {"members": members})
	assert r.status_code == 417 and "nobody-at-all@example.com" in r.text
	frappe.db.rollback()
	assert "nobody-at-all@example.com" not in frappe.get_all(
		"Sales Department Member", filters={"parent": team.department}, pluck="user"
	)


def test_a_colleagues_figures_cannot_be_counted(c, team):
	contract = contract_from(c, accepted_quotation(c, team, client=c.colleague), client=c.colleague)
	assert c.colleague.submit("Sales Contract", contract["name"]).ok
	[basic] = commissions_of(contract["name"])
	for doctype, filters in (
		("Salesperson Commission", {"sales_person": team.colleague}),
		("Salesperson Commission", {"name": basic["name"], "accrued_amount": [">", 0]}),
		("Sales Contract", {"name": contract["name"]}),
	):
		assert c.sales.ok("frappe.client.get_count", doctype=doctype, filters=filters) == 0
		assert c.colleague.ok("frappe.client.get_count", doctype=doctype, filters=filters) == 1
		assert c.sales.ok("frappe.desk.reportview.get_count", doctype=doctype, filters=filters) == 0
	groups = c.sales.ok(
		"frappe.desk.listview.get_group_by_count",
		doctype="Salesperson Commission",
		current_filters={"sales_person": team.colleague},
		field="sales_person",
	)
	assert groups == []
	rows = c.sales.ok(
		"frappe.client.get_list",
		doctype="Salesperson Commission",
		fields=["sum(accrued_amount) as total", "count(name) as n"],
		filters={"sales_person": team.colleague},
	)
	assert rows[0]["n"] == 0 and not rows[0]["total"]
	# other apps' DocTypes are counted as Frappe counts them: every row, whoever asks
	frappe.db.rollback()
	assert c.sales.ok("frappe.client.get_count", doctype="Role") == frappe.db.count("Role") > 0
	# print of a colleague's contract is refused; their own prints
	for client, allowed in ((c.sales, False), (c.colleague, True)):
		r = client.http.get(
			f"{client.base}/api/method/frappe.www.printview.get_html_and_style",
			params={"doc": "Sales Contract", "name": contract["name"]},
			timeout=60,
		)
		assert (r.status_code == 200 and contract["name"] in r.text) is allowed, (client.user, r.status_code)
		if not allowed:
			assert r.status_code == 403


def test_the_assigned_to_sidebar_counts_only_the_list_s_rows(c, team):
	"""The list sidebar's "Assigned To" counts (Frappe v15 counts the ToDos of every record of the DocType,
	with no permission check) count only the records the user's list shows."""
	lead = c.manager.insert(
		{
			"doctype": "Sales Lead",
			"company_name": f"Sidebar Co {random_string(8)}",
			"lead_source": "Advertising Response",
			"sales_department": team.department,
		}
	)
	assert c.manager.ok("sales_crm.api.assign_leads", leads=[lead["name"]], sales_person=team.colleague)
	args = {"doctype": "Sales Lead", "current_filters": {"name": lead["name"]}, "field": "assigned_to"}
	mine = c.colleague.ok("frappe.desk.listview.get_group_by_count", **args)
	assert [(row["name"], row["count"]) for row in mine] == [(team.colleague, 1)]
	assert c.manager.ok("frappe.desk.listview.get_group_by_count", **args) == mine
	assert c.sales.ok("frappe.desk.listview.get_group_by_count", **args) == []
	# every other field counts through the list too
	args["field"] = "status"
	assert c.sales.ok("frappe.desk.listview.get_group_by_count", **args) == []
	assert [row["count"] for row in c.colleague.ok("frappe.desk.listview.get_group_by_count", **args)] == [1]
	# no read permission on the DocType, no counts
	r = c.accounts.call("frappe.desk.listview.get_group_by_count", **{**args, "field": "assigned_to"})
	assert r.status_code == 403, r.text[:300]
