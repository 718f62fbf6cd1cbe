"""What a careful outsider tried over REST as the real roles, and what each attempt now meets: the computed
figures are the server's, an approval covers every money term, commissions are the policy's, departments are
the director's, leads are given. Each refused attempt leaves the database as it was."""

import frappe
import pytest
from factories import deliver_all, department_team, make_department, make_product
from frappe.utils import flt, random_string
from test_bypasses import accepted_quotation, admin_get, commissions_of, contract_from

PASSWORD = "Sales-CRM-trust-2026!"
pytestmark = pytest.mark.out_of_process


@pytest.fixture(scope="module")
def team(site):
	team = department_team("trust", PASSWORD)
	rich = make_department(team.director, [team.director], rate=20)
	team.rich = rich.name
	team.product = make_product(standard_rate=100).name
	if not frappe.db.get_value("Currency", "USD", "enabled"):
		frappe.db.set_value("Currency", "USD", "enabled", 1)
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


def usd_quotation(c, team, rate=7) -> dict:
	client = c.sales
	customer = client.insert({"doctype": "Sales Customer", "customer_name": f"USD Co {random_string(8)}"})
	opportunity = client.insert(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": f"USD deal {random_string(5)}",
			"customer": customer["name"],
			"items": [{"product": team.product, "qty": 10, "rate": 100}],
		}
	)
	quotation = client.ok("sales_crm.api.make_quotation", source_name=opportunity["name"])
	quotation.update({"currency": "USD", "exchange_rate": rate, "tax_rate": 0})
	quotation["items"] = [{"product": team.product, "qty": 10, "price_list_rate": 100}]
	quotation = client.insert(quotation)
	r = c.director.workflow(quotation, "Approve")
	assert r.ok, r.text[:400]
	r = client.workflow(r.json()["message"], "Customer Accepted")
	assert r.ok, r.text[:400]
	return r.json()["message"]


def test_an_exchange_rate_other_than_the_quotations_needs_a_director(c, team):
	quotation = usd_quotation(c, team)
	contract = contract_from(c, quotation, exchange_rate=700)
	assert contract["needs_approval"] == 1 and "Exchange Rate" in contract["approval_reasons"]
	r = c.sales.submit("Sales Contract", contract["name"])
	assert r.status_code == 403
	assert admin_get("Sales Contract", contract["name"])["docstatus"] == 0
	assert commissions_of(contract["name"]) == []
	# the quotation's rate: signed alone; an order of it may not take another rate either
	signed = contract_from(c, quotation)
	assert signed["needs_approval"] == 0 and c.sales.submit("Sales Contract", signed["name"]).ok
	order = c.sales.ok("sales_crm.api.make_order", source_name=signed["name"])
	order["exchange_rate"] = 700
	r = c.sales.http.post(f"{c.sales.base}/api/resource/Customer Order", json=order, timeout=60)
	assert r.status_code == 417 and "Exchange Rate" in r.text, r.text[:300]
	frappe.db.rollback()
	assert not frappe.db.exists("Customer Order", {"sales_contract": signed["name"]})


def test_a_source_row_named_twice_takes_twice(c, team):
	quotation = accepted_quotation(c, team, qty=10)
	contract = c.sales.ok("sales_crm.api.make_contract", source_name=quotation["name"])
	contract["items"] = [dict(contract["items"][0]), dict(contract["items"][0])]
	r = c.sales.http.post(f"{c.sales.base}/api/resource/Sales Contract", json=contract, timeout=60)
	assert r.status_code == 417 and "exceeds the quantity that remains" in r.text, r.text[:300]
	frappe.db.rollback()
	assert not frappe.db.exists("Sales Contract", {"quotation": quotation["name"]})
	# an order of a signed contract: the same
	signed = contract_from(c, quotation)
	assert c.sales.submit("Sales Contract", signed["name"]).ok
	order = c.sales.ok("sales_crm.api.make_order", source_name=signed["name"])
	order["items"] = [dict(order["items"][0]), dict(order["items"][0])]
	r = c.sales.http.post(f"{c.sales.base}/api/resource/Customer Order", json=order, timeout=60)
	assert r.status_code == 417 and "exceeds the quantity that remains" in r.text, r.text[:300]
	# halves of the row are fine
	order["items"][0]["qty"] = order["items"][1]["qty"] = 5
	assert c.sales.insert(order)["total_qty"] == 10


def test_a_department_the_salesperson_does_not_work_in_is_refused(c, team):
	quotation = accepted_quotation(c, team)
	contract = c.sales.ok("sales_crm.api.make_contract", source_name=quotation["name"])
	contract["sales_department"] = team.rich
	contract["commission_rate"] = 20
	r = c.sales.http.post(f"{c.sales.base}/api/resource/Sales Contract", json=contract, timeout=60)
	assert r.status_code == 417 and "does not work in" in r.text, r.text[:300]
	frappe.db.rollback()
	assert not frappe.db.exists("Sales Contract", {"quotation": quotation["name"]})


def test_a_signed_contract_s_figures_are_the_servers(c, team):
	contract = contract_from(c, accepted_quotation(c, team))
	assert c.sales.submit("Sales Contract", contract["name"]).ok
	for values in ({"status": "Completed", "per_collected": 100}, {"collected_amount": 5}):
		r = c.sales.update("Sales Contract", contract["name"], values)
		assert r.status_code == 417 and "computed by the system" in r.text, r.text[:300]
		stored = admin_get("Sales Contract", contract["name"])
		assert (stored["status"], stored["per_collected"], stored["collected_amount"]) == ("Signed", 0, 0)
	# a delivered quantity through the order's row
	order = c.sales.insert(c.sales.ok("sales_crm.api.make_order", source_name=contract["name"]))
	assert c.sales.submit("Customer Order", order["name"]).ok
	row = admin_get("Customer Order", order["name"])["items"][0]
	r = c.sales.call(
		"frappe.client.set_value",
		doctype="Customer Order Item",
		name=row["name"],
		fieldname="delivered_qty",
		value=1000,
	)
	assert not r.ok and r.status_code < 500, r.text[:300]
	assert admin_get("Customer Order", order["name"])["items"][0]["delivered_qty"] == 0


def test_finance_cannot_type_an_accrual_or_an_outstanding_amount(c, team):
	contract = contract_from(c, accepted_quotation(c, team))
	assert c.sales.submit("Sales Contract", contract["name"]).ok
	[basic] = commissions_of(contract["name"])
	assert c.manager.workflow(c.manager.get("Salesperson Commission", basic["name"]), "Approve").ok
	accrued = commissions_of(contract["name"])[0]["accrued_amount"]
	r = c.accounts.update("Salesperson Commission", basic["name"], {"accrued_amount": accrued * 100})
	assert r.status_code == 417 and "Accrued" in r.text, r.text[:300]
	assert c.accounts.workflow(c.accounts.get("Salesperson Commission", basic["name"]), "Pay").ok
	assert commissions_of(contract["name"])[0]["paid_amount"] == accrued
	# a receivable written down to nothing, with no receipt
	order = c.sales.insert(c.sales.ok("sales_crm.api.make_order", source_name=contract["name"]))
	assert c.sales.submit("Customer Order", order["name"]).ok
	frappe.set_user("Administrator")
	frappe.db.rollback()
	deliver_all(order["name"])
	frappe.db.commit()
	receivable = c.accounts.ok(
		"sales_crm.api.invoice_order",
		order=order["name"],
		invoice_no=f"T-{random_string(6)}",
		invoice_date=frappe.utils.today(),
		amount=500,
	)
	for values in ({"outstanding_amount": 0}, {"status": "Paid"}, {"write_off_amount": 500}):
		r = c.accounts.update("Sales Receivable", receivable, values)
		assert r.status_code == 417, r.text[:300]
		stored = admin_get("Sales Receivable", receivable)
		assert (stored["outstanding_amount"], stored["status"], stored["write_off_amount"]) == (
			500,
			"Unpaid",
			0,
		)


def test_commissions_are_the_policys(c, team):
	contract = contract_from(c, accepted_quotation(c, team))
	assert c.sales.submit("Sales Contract", contract["name"]).ok
	[basic] = commissions_of(contract["name"])
	# a draft's rate is the contract's
	for client in (c.sales, c.manager):
		r = client.update("Salesperson Commission", basic["name"], {"commission_rate": 30})
		assert r.status_code in (403, 417), r.text[:300]
	assert commissions_of(contract["name"])[0]["commission_rate"] == 3
	# a second Basic commission of the contract, for oneself or another
	for person in (team.sales, team.colleague):
		r = c.manager.http.post(
			f"{c.manager.base}/api/resource/Salesperson Commission",
			json={
				"doctype": "Salesperson Commission",
				"commission_type": "Basic",
				"sales_person": person,
				"sales_department": team.department,
				"sales_contract": contract["name"],
				"commission_basis": "Contract Amount",
				"commission_rate": 3,
			},
			timeout=60,
		)
		assert r.status_code in (403, 417), r.text[:300]
	assert len(commissions_of(contract["name"])) == 1


def test_departments_are_the_directors(c, team):
	before = admin_get("Sales Department", team.rich)
	r = c.manager.update("Sales Department", team.rich, {"manager": team.manager})
	assert r.status_code == 403, r.text[:300]
	r = c.manager.update("Sales Department", team.department, {"basic_commission_rate": 60})
	assert r.status_code == 403 and "Director" in r.text, r.text[:300]
	assert admin_get("Sales Department", team.department)["basic_commission_rate"] == 3
	assert admin_get("Sales Department", team.rich)["manager"] == before["manager"]
	# a manager does not even see another department; the director changes the policy
	assert (
		c.manager.http.get(f"{c.manager.base}/api/resource/Sales Department/{team.rich}").status_code == 403
	)
	assert c.director.update("Sales Department", team.department, {"basic_commission_rate": 3}).ok


def test_a_salesperson_does_not_take_a_department_lead(c, team):
	lead = c.manager.insert(
		{
			"doctype": "Sales Lead",
			"company_name": f"Dept lead {random_string(6)}",
			"sales_department": team.department,
		}
	)
	assert lead["status"] == "Unassigned" and not lead.get("sales_person")
	r = c.sales.update("Sales Lead", lead["name"], {"sales_person": team.sales})
	assert r.status_code == 403, r.text[:300]
	stored = admin_get("Sales Lead", lead["name"])
	assert (stored["status"], stored["sales_person"]) == ("Unassigned", None)
	# the manager gives it: the status follows the owner
	r = c.manager.update("Sales Lead", lead["name"], {"sales_person": team.sales})
	assert r.ok, r.text[:300]
	stored = admin_get("Sales Lead", lead["name"])
	assert (stored["status"], stored["sales_person"]) == ("Assigned", team.sales)
	assert flt(bool(stored["assigned_on"])) == 1


def test_no_path_approves_ones_own_quotation(c, team):
	"""The quotation workflow's Approve forbids self approval: a director's plain submit of a quotation they
	drafted is refused as the workflow action is."""
	customer = c.director.insert(
		{"doctype": "Sales Customer", "customer_name": f"Self Co {random_string(8)}"}
	)
	opportunity = c.director.insert(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": f"Self deal {random_string(5)}",
			"customer": customer["name"],
			"items": [{"product": team.product, "qty": 1, "rate": 100}],
		}
	)
	quotation = c.director.ok("sales_crm.api.make_quotation", source_name=opportunity["name"])
	quotation = c.director.insert(quotation)
	for attempt in (
		lambda: c.director.submit("Sales Quotation", quotation["name"]),
		lambda: c.director.call(
			"frappe.client.submit", doc=c.director.get("Sales Quotation", quotation["name"])
		),
		lambda: c.director.workflow(c.director.get("Sales Quotation", quotation["name"]), "Approve"),
	):
		r = attempt()
		assert not r.ok and r.status_code < 500, r.text[:300]
		stored = admin_get("Sales Quotation", quotation["name"])
		assert (stored["docstatus"], stored["status"]) == (0, "Quoting")
