"""回款管理 over HTTP as the real roles: payment plans on contracts and direct orders, collections settled
against them oldest due first, overdue lines, the plan under the approval, fapiao on the receivable.
After every step: the lines add up to the grand total and received + outstanding = amount per line."""

import json

import frappe
import pytest
from factories import hand_over, make_department, make_product, make_user
from frappe.utils import add_days, getdate, nowdate, random_string
from frappe.utils.password import update_password
from invariants import violations
from server import Server
from test_concurrency import at_once

PASSWORD = "Collect-Sales-CRM-2026!"


@pytest.fixture(scope="module")
def col(bench, site):
	tag = random_string(5).lower()
	users = frappe._dict(
		sales=make_user(f"col-sales-{tag}@example.com", "Sales User"),
		manager=make_user(f"col-manager-{tag}@example.com", "Sales User", "Sales Manager"),
		accounts=make_user(f"col-accounts-{tag}@example.com", "Accounts User"),
		director=make_user(f"col-director-{tag}@example.com", "Sales User", "Sales Director"),
	)
	for user in users.values():
		update_password(user, PASSWORD)
	make_department(users.manager, [users.sales])
	product = make_product(standard_rate=100).name
	frappe.db.commit()
	srv = Server(bench, site, workers=3).start()
	clients = frappe._dict({key: srv.session(user, PASSWORD) for key, user in users.items()})
	yield frappe._dict(server=srv, users=users, clients=clients, product=product)
	srv.stop()


def plan_of(doctype: str, name: str) -> list:
	frappe.db.rollback()
	return frappe.get_all(
		"Sales Payment Plan Line",
		filters={"parent": name, "parenttype": doctype},
		fields=["label", "amount", "received_amount", "outstanding_amount", "status", "due_date", "due_rule"],
		order_by="idx asc",
	)


def plan_holds(doctype: str, name: str) -> list[tuple]:
	"""The invariants of a plan; its lines as (amount, received, outstanding, status)."""
	lines = plan_of(doctype, name)
	total = frappe.db.get_value(doctype, name, "grand_total")
	assert round(sum(line.amount for line in lines), 2) == round(total, 2)
	for line in lines:
		assert round(line.received_amount + line.outstanding_amount, 2) == round(line.amount, 2), line
		assert line.received_amount >= 0 and line.outstanding_amount >= 0, line
	assert violations() == []
	return [(line.amount, line.received_amount, line.outstanding_amount, line.status) for line in lines]


def customer(c) -> str:
	return c.sales.insert({"doctype": "Sales Customer", "customer_name": f"Collect {random_string(8)}"})[
		"name"
	]


def contract_doc(col, cust: str, qty=10, **extra) -> dict:
	return {
		"doctype": "Sales Contract",
		"customer": cust,
		"tax_rate": 0,
		"items": [{"product": col.product, "qty": qty, "price_list_rate": 100, "discount_percentage": 0}],
		**extra,
	}


def signed_contract(col, qty=10, template="30/70") -> tuple[str, str]:
	c = col.clients
	cust = customer(c)
	contract = c.sales.insert(contract_doc(col, cust, qty, payment_terms_template=template))
	r = c.director.submit("Sales Contract", contract["name"])
	assert r.ok, r.text[:500]
	return cust, contract["name"]


def order_of_contract(col, contract: str) -> str:
	c = col.clients
	draft = c.sales.ok("sales_crm.api.make_order", source_name=contract)
	order = c.sales.insert(draft)
	r = c.director.submit("Customer Order", order["name"])
	assert r.ok, r.text[:500]
	return order["name"]


def invoice(col, order: str, amount) -> str:
	return col.clients.accounts.ok(
		"sales_crm.api.invoice_order",
		order=order,
		invoice_no=f"C-{random_string(6)}",
		invoice_date=nowdate(),
		amount=amount,
	)


def pay(client, cust: str, receivable: str, amount, receipt_date: str | None = None) -> str:
	doc = {
		"doctype": "Sales Receipt",
		"receipt_type": "Payment",
		"customer": cust,
		"currency": "CNY",
		"allocations": [{"sales_receivable": receivable, "allocated_amount": amount}],
	}
	if receipt_date:
		doc["receipt_date"] = receipt_date
	name = client.insert(doc)["name"]
	r = client.submit("Sales Receipt", name)
	assert r.ok, r.text[:500]
	return name


def overdue_job():
	from sales_crm.flows.collections import mark_overdue_plan_lines

	frappe.db.rollback()
	mark_overdue_plan_lines()
	frappe.db.commit()


def test_standard_templates_and_their_checks(col):
	frappe.db.rollback()
	for name, shares in (("30/70", [30, 70]), ("30/60/10", [30, 60, 10])):
		template = frappe.get_doc("Payment Terms Template", name)
		assert [row.share for row in template.terms] == shares
	c = col.clients
	doc = {
		"doctype": "Payment Terms Template",
		"template_name": f"T {random_string(6)}",
		"terms": [{"label": "A", "share": 30}, {"label": "B", "share": 60}],
	}
	r = c.director.http.post(f"{c.director.base}/api/resource/Payment Terms Template", json=doc, timeout=60)
	assert r.status_code == 417 and "100%" in r.text, r.text[:400]
	# a salesperson reads the templates but does not write them
	assert c.sales.get("Payment Terms Template", "30/70")["terms"]
	doc["terms"].append({"label": "C", "share": 10})
	r = c.sales.http.post(f"{c.sales.base}/api/resource/Payment Terms Template", json=doc, timeout=60)
	assert r.status_code == 403
	assert c.manager.insert(doc)["name"] == doc["template_name"]
	lines = c.sales.ok("sales_crm.api.payment_plan", template="30/60/10", grand_total=1000.01)
	assert [line["amount"] for line in lines] == [300, 600, 100.01]


def test_an_invoice_dated_in_the_past_makes_its_line_overdue_at_once(col):
	"""The invoice dates the line that waited for it, and the same posting settles the plan: a line due
	before today is Overdue without waiting for the daily job."""
	c = col.clients
	cust = customer(c)
	plan = [
		{"label": "Advance", "share": 40, "due_rule": "Days After Signing", "days": 0},
		{"label": "On invoice", "share": 60, "due_rule": "Days After Invoice", "days": 10},
	]
	contract = c.sales.insert(contract_doc(col, cust, payment_plan=plan))["name"]
	r = c.director.submit("Sales Contract", contract)
	assert r.ok, r.text[:500]
	order = order_of_contract(col, contract)
	c.director.ok("sales_crm.api.deliver_order", order=order)
	assert plan_of("Sales Contract", contract)[1].due_date is None
	c.accounts.ok(
		"sales_crm.api.invoice_order",
		order=order,
		invoice_no=f"C-{random_string(6)}",
		invoice_date=add_days(nowdate(), -30),
		amount=1000,
	)
	assert plan_of("Sales Contract", contract)[1].due_date == getdate(add_days(nowdate(), -20))
	assert plan_holds("Sales Contract", contract) == [(400, 0, 400, "Planned"), (600, 0, 600, "Overdue")]


def test_plan_from_template_collections_overdue_and_cancel(col):
	c = col.clients
	cust, contract = signed_contract(col)
	signed_on = frappe.db.get_value("Sales Contract", contract, "signed_on")
	lines = plan_of("Sales Contract", contract)
	assert [(line.amount, line.due_date, line.due_rule) for line in lines] == [
		(300, signed_on, "Days After Signing"),
		(700, None, "Days After Delivery"),
	]
	terms = frappe.db.get_value("Sales Contract", contract, "payment_terms")
	assert "30%" in terms and "300.00" in terms and "70%" in terms
	assert plan_holds("Sales Contract", contract) == [(300, 0, 300, "Planned"), (700, 0, 700, "Planned")]

	# delivery dates the second line
	order = order_of_contract(col, contract)
	c.director.ok("sales_crm.api.deliver_order", order=order)
	assert plan_of("Sales Contract", contract)[1].due_date == getdate(add_days(nowdate(), 30))
	receivable = invoice(col, order, 1000)

	first = pay(c.accounts, cust, receivable, 200)
	assert plan_holds("Sales Contract", contract) == [
		(300, 200, 100, "Partly Received"),
		(700, 0, 700, "Planned"),
	]
	# the first line falls due in the past: the daily job marks it, and again changes nothing
	frappe.db.rollback()
	frappe.db.set_value(
		"Sales Payment Plan Line",
		{"parent": contract, "idx": 1},
		"due_date",
		add_days(nowdate(), -1),
		update_modified=False,
	)
	frappe.db.commit()
	overdue_job()
	overdue_job()
	assert plan_holds("Sales Contract", contract)[0] == (300, 200, 100, "Overdue")
	# the number card counts what fell due this week before today (in company currency)
	card = c.manager.ok("sales_crm.flows.collections.overdue_this_week")
	assert card["fieldtype"] == "Currency"
	if getdate(nowdate()).weekday() > 0:  # on a Monday, yesterday was last week
		assert card["value"] >= 100
	assert col.server.session(col.users.accounts, PASSWORD).ok(
		"sales_crm.flows.collections.overdue_this_week"
	)

	final = pay(c.accounts, cust, receivable, 800)
	assert plan_holds("Sales Contract", contract) == [(300, 300, 0, "Received"), (700, 700, 0, "Received")]
	overdue_job()
	assert plan_holds("Sales Contract", contract)[0][3] == "Received"

	# cancelling gives the collections back, oldest line last to be emptied
	assert c.accounts.call("frappe.client.cancel", doctype="Sales Receipt", name=final).ok
	assert plan_holds("Sales Contract", contract) == [(300, 200, 100, "Overdue"), (700, 0, 700, "Planned")]
	assert c.accounts.call("frappe.client.cancel", doctype="Sales Receipt", name=first).ok
	assert plan_holds("Sales Contract", contract) == [(300, 0, 300, "Overdue"), (700, 0, 700, "Planned")]
	html = frappe.get_print("Sales Contract", contract, print_format="Sales Contract Bilingual")
	assert "回款计划" in html and "300.00" in html and "700.00" in html


def test_plan_must_add_up_and_its_figures_are_the_servers(col):
	c = col.clients
	cust = customer(c)
	draft = c.sales.insert(contract_doc(col, cust, payment_terms_template="30/60/10"))
	assert [line["amount"] for line in draft["payment_plan"]] == [300, 600, 100]
	# share lines follow the grand total while the contract is a draft
	items = draft["items"]
	items[0]["qty"] = 7
	r = c.sales.update("Sales Contract", draft["name"], {"items": items})
	assert r.ok, r.text[:400]
	assert [line["amount"] for line in r.json()["data"]["payment_plan"]] == [210, 420, 70]
	plan = r.json()["data"]["payment_plan"]
	# fixed amounts that do not add up are refused, naming the plan
	wrong = [{**line, "share": 0, "amount": 100} for line in plan]
	r = c.sales.update("Sales Contract", draft["name"], {"payment_plan": wrong})
	assert r.status_code == 417 and "Payment Plan" in r.text, r.text[:400]
	# nor may a client type what was received, what is outstanding, or a status
	for field, value in (("received_amount", 100), ("outstanding_amount", 1), ("status", "Received")):
		rows = [{**plan[0], field: value}, *plan[1:]]
		r = c.sales.update("Sales Contract", draft["name"], {"payment_plan": rows})
		assert r.status_code == 417 and "computed by the system" in r.text, (field, r.text[:400])
	r = c.sales.call(
		"frappe.client.set_value",
		doctype="Sales Payment Plan Line",
		name=plan[0]["name"],
		fieldname="received_amount",
		value=50,
	)
	assert r.status_code == 417, r.text[:300]
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Payment Plan Line", plan[0]["name"], "received_amount") == 0
	# fixed amounts that do add up are kept
	fixed = [{**plan[0], "share": 0, "amount": 500}, {**plan[1], "share": 0, "amount": 200}]
	r = c.sales.update("Sales Contract", draft["name"], {"payment_plan": fixed})
	assert r.ok, r.text[:400]
	assert [line["amount"] for line in r.json()["data"]["payment_plan"]] == [500, 200]


def test_plan_changed_after_approval_goes_back_to_the_director(col):
	c = col.clients
	cust = customer(c)
	contract = c.sales.insert(contract_doc(col, cust, payment_terms_template="30/70"))
	assert contract["needs_approval"] == 1
	pending = c.sales.workflow(contract, "Request Approval").json()["message"]
	approved = c.director.workflow(pending, "Approve").json()["message"]
	assert approved["workflow_state"] == "Approved"
	# a save that leaves the plan as it is keeps the approval
	r = c.sales.update("Sales Contract", contract["name"], {"end_date": add_days(nowdate(), 200)})
	assert r.ok and r.json()["data"]["workflow_state"] == "Approved", r.text[:300]
	plan = r.json()["data"]["payment_plan"]
	plan[0].update(share=0, amount=500)
	plan[1].update(share=0, amount=500)
	r = c.sales.update("Sales Contract", contract["name"], {"payment_plan": plan})
	assert r.ok, r.text[:300]
	frappe.db.rollback()
	edited = frappe.db.get_value(
		"Sales Contract", contract["name"], ["workflow_state", "approved_by"], as_dict=True
	)
	assert edited.workflow_state == "Pending Approval" and not edited.approved_by
	r = c.sales.submit("Sales Contract", contract["name"])
	assert r.status_code == 403
	assert frappe.db.get_value("Sales Contract", contract["name"], "docstatus") == 0


def direct_order(col, cust: str) -> str:
	"""A submitted direct order of ``cust`` for 300 (no tax) with the 30/70 plan: 90 and 210."""
	c = col.clients
	order = c.sales.insert(
		{
			"doctype": "Customer Order",
			"customer": cust,
			"tax_rate": 0,
			"payment_terms_template": "30/70",
			"items": [{"product": col.product, "qty": 3, "price_list_rate": 100}],
		}
	)["name"]
	assert c.director.submit("Customer Order", order).ok
	return order


def plan_ageing(client, cust: str, days: int) -> list[dict]:
	"""The party rows of Receivable Ageing by payment plan as of ``days`` from today, filtered to ``cust``: its
	row or none (any other party's row fails)."""
	filters = {
		"report_date": add_days(nowdate(), days),
		"group_by": "customer",
		"customer": cust,
		"age_by": "plan",
	}
	result = client.ok("frappe.desk.query_report.run", report_name="Receivable Ageing", filters=filters)
	rows = [r for r in result["result"] if isinstance(r, dict) and r.get("party")]
	assert [r["party"] for r in rows] in ([], [cust]), rows
	return rows


def test_direct_order_has_its_own_plan_an_order_of_a_contract_does_not(col):
	c = col.clients
	cust = customer(c)
	order = {"name": direct_order(col, cust)}
	assert plan_holds("Customer Order", order["name"]) == [(90, 0, 90, "Planned"), (210, 0, 210, "Planned")]
	c.director.ok("sales_crm.api.deliver_order", order=order["name"])
	receivable = invoice(col, order["name"], 300)
	pay(c.accounts, cust, receivable, 100)
	assert plan_holds("Customer Order", order["name"]) == [
		(90, 90, 0, "Received"),
		(210, 10, 200, "Partly Received"),
	]

	_cust, contract = signed_contract(col)
	draft = c.sales.ok("sales_crm.api.make_order", source_name=contract)
	r = c.sales.http.post(
		f"{c.sales.base}/api/resource/Customer Order",
		json={**draft, "payment_terms_template": "30/70"},
		timeout=60,
	)
	assert r.status_code == 417 and "plan" in r.text, r.text[:300]


def test_a_direct_order_s_plan_as_of_an_earlier_date(col):
	"""A direct order's plan (no contract) as of the day before its collection owed everything then, as a
	contract's plan does: its later receipts are taken off what it collected."""
	c = col.clients
	cust = customer(c)
	order = direct_order(col, cust)
	c.director.ok("sales_crm.api.deliver_order", order=order)
	hand_over("Customer Order", order, {"order_date": add_days(nowdate(), -10)}, update_modified=False)
	frappe.db.commit()
	pay(c.accounts, cust, invoice(col, order, 300), 100)

	def outstanding(days):
		return [(r["receivables"], r["outstanding_amount"]) for r in plan_ageing(c.manager, cust, days)]

	assert outstanding(0) == [(1, 200)]  # the first line received, 200 of the second left
	assert outstanding(-1) == [(2, 300)]  # before the receipt: both lines owed
	assert outstanding(-11) == []  # before the order


def test_two_receipts_against_one_contracts_lines_at_once(col):
	c = col.clients
	clients = [col.server.session(col.users.accounts, PASSWORD) for _ in range(2)]
	cust, contract = signed_contract(col, qty=20)
	order = order_of_contract(col, contract)
	c.director.ok("sales_crm.api.deliver_order", order=order)
	receivables = [invoice(col, order, 1000), invoice(col, order, 1000)]
	drafts = [
		clients[k].insert(
			{
				"doctype": "Sales Receipt",
				"receipt_type": "Payment",
				"customer": cust,
				"currency": "CNY",
				"allocations": [{"sales_receivable": receivables[k], "allocated_amount": 700}],
			}
		)["name"]
		for k in range(2)
	]
	results = at_once(*[lambda k=k: clients[k].submit("Sales Receipt", drafts[k]) for k in range(2)])
	assert all(r.ok for r in results), [r.text[:300] for r in results]
	assert frappe.db.get_value("Sales Contract", contract, "collected_amount") == 1400
	assert plan_holds("Sales Contract", contract) == [
		(600, 600, 0, "Received"),
		(1400, 800, 600, "Partly Received"),
	]


def line_names(doctype: str, name: str) -> list[str]:
	frappe.db.rollback()
	return frappe.get_all(
		"Sales Payment Plan Line",
		filters={"parent": name, "parenttype": doctype},
		pluck="name",
		order_by="idx",
	)


def receipt_doc(cust: str, receivable: str, amount, line: str | None = None) -> dict:
	return {
		"doctype": "Sales Receipt",
		"receipt_type": "Payment",
		"customer": cust,
		"currency": "CNY",
		"allocations": [
			{"sales_receivable": receivable, "allocated_amount": amount, "payment_plan_line": line}
		],
	}


def test_a_named_line_is_settled_first_checked_and_given_back(col):
	c = col.clients
	cust, contract = signed_contract(col, qty=20)  # 600 首款 + 1,400 尾款
	order = order_of_contract(col, contract)
	c.director.ok("sales_crm.api.deliver_order", order=order)
	first, final = line_names("Sales Contract", contract)
	r1, r2 = invoice(col, order, 800), invoice(col, order, 1200)

	# 500 named for the 尾款 goes to it, though the 首款 is due first
	named = c.accounts.insert(receipt_doc(cust, r1, 500, final))["name"]
	assert c.accounts.submit("Sales Receipt", named).ok
	assert plan_holds("Sales Contract", contract) == [
		(600, 0, 600, "Planned"),
		(1400, 500, 900, "Partly Received"),
	]

	# refused, each with its row and field named, and nothing written
	_cust, other_contract = signed_contract(col)
	for line, amount, words in (
		(final, 1000, "900.00 outstanding on payment plan line"),
		(line_names("Sales Contract", other_contract)[0], 100, "not on the plan of receivable"),
		("no-such-line", 100, "not found"),
	):
		r = c.accounts.http.post(
			f"{col.server.url}/api/resource/Sales Receipt",
			json=receipt_doc(cust, r2, amount, line),
			timeout=60,
		)
		assert r.status_code == 417 and words in r.text and "row 1" in r.text, r.text[:400]
	assert plan_holds("Sales Contract", contract)[1] == (1400, 500, 900, "Partly Received")
	assert not frappe.get_all("Sales Receipt", filters={"customer": cust, "docstatus": 0})

	# 预收款核销: an advance's credit offset against the 尾款
	advance = c.accounts.insert(
		{
			"doctype": "Sales Receipt",
			"receipt_type": "Advance",
			"customer": cust,
			"currency": "CNY",
			"paid_amount": 300,
		}
	)["name"]
	assert c.accounts.submit("Sales Receipt", advance).ok
	offset = c.accounts.insert(
		{
			"doctype": "Sales Credit Offset",
			"credit_receipt": advance,
			"allocations": [{"sales_receivable": r1, "allocated_amount": 300, "payment_plan_line": final}],
		}
	)["name"]
	assert c.accounts.submit("Sales Credit Offset", offset).ok
	assert plan_holds("Sales Contract", contract) == [
		(600, 0, 600, "Planned"),
		(1400, 800, 600, "Partly Received"),
	]

	# two receipts name the 首款 for its whole 600 at once: the receivable could take both, the line one
	clients = [col.server.session(col.users.accounts, PASSWORD) for _ in range(2)]
	drafts = [clients[k].insert(receipt_doc(cust, r2, 600, first))["name"] for k in range(2)]
	results = at_once(*[lambda k=k: clients[k].submit("Sales Receipt", drafts[k]) for k in range(2)])
	assert sorted(r.ok for r in results) == [False, True], [r.text[:300] for r in results]
	refused = next(r for r in results if not r.ok)
	assert refused.status_code == 417 and "outstanding on payment plan line" in refused.text, refused.text[
		:400
	]
	winner = drafts[[r.ok for r in results].index(True)]
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Contract", contract, "collected_amount") == 1400
	assert plan_holds("Sales Contract", contract) == [
		(600, 600, 0, "Received"),
		(1400, 800, 600, "Partly Received"),
	]
	named_sums = frappe.get_all(
		"Sales Payment Plan Line", filters={"parent": contract}, pluck="named_amount", order_by="idx"
	)
	assert named_sums == [600, 800]

	# cancelling gives each line back what was named for it
	assert c.accounts.call("frappe.client.cancel", doctype="Sales Receipt", name=winner).ok
	assert plan_holds("Sales Contract", contract) == [
		(600, 0, 600, "Planned"),
		(1400, 800, 600, "Partly Received"),
	]
	assert c.accounts.call("frappe.client.cancel", doctype="Sales Credit Offset", name=offset).ok
	assert plan_holds("Sales Contract", contract) == [
		(600, 0, 600, "Planned"),
		(1400, 500, 900, "Partly Received"),
	]
	# the line a receipt names is a server-kept sum: a client cannot set it
	r = c.director.update(
		"Sales Contract",
		contract,
		{"payment_plan": [{"name": first, "named_amount": 600}]},
	)
	assert not r.ok
	assert plan_holds("Sales Contract", contract)[0] == (600, 0, 600, "Planned")


SPECIAL, ELECTRONIC = "增值税专用发票", "电子发票"


def settings(**values):
	frappe.db.rollback()
	doc = frappe.get_single("Sales CRM Settings")
	before = {key: doc.get(key) for key in values}
	doc.update(values)
	doc.save(ignore_permissions=True)
	frappe.db.commit()
	return before


def test_fapiao_numbers_are_checked_and_unique_per_type(col):
	c = col.clients
	cust = customer(c)
	order = c.sales.insert(
		{
			"doctype": "Customer Order",
			"customer": cust,
			"tax_rate": 0,
			"items": [{"product": col.product, "qty": 10, "price_list_rate": 100}],
		}
	)
	assert c.director.submit("Customer Order", order["name"]).ok
	c.director.ok("sales_crm.api.deliver_order", order=order["name"])
	number = str(10_000_000 + int(frappe.utils.random_string(4), 36) % 80_000_000)[:8]

	def post(amount, **fapiao):
		return c.accounts.call(
			"sales_crm.api.invoice_order",
			order=order["name"],
			invoice_no=f"F-{random_string(6)}",
			invoice_date=nowdate(),
			amount=amount,
			**fapiao,
		)

	first = post(100, fapiao_type=SPECIAL, fapiao_no=number, fapiao_tax_rate=13)
	assert first.ok, first.text[:400]
	# the same number of the same type again: refused, naming the receivable that has it
	r = post(100, fapiao_type=SPECIAL, fapiao_no=number)
	assert r.status_code == 417 and first.json()["message"] in r.text, r.text[:400]
	# formats: paper 8 digits, electronic 20; a number needs its type; a rate within 0–100
	for fapiao, words in (
		({"fapiao_type": SPECIAL, "fapiao_no": "1234567"}, "8"),
		({"fapiao_type": ELECTRONIC, "fapiao_no": number}, "20"),
		({"fapiao_no": number}, "Fapiao Type"),
		({"fapiao_tax_rate": 120}, "Fapiao Tax Rate"),
	):
		r = post(100, **fapiao)
		assert r.status_code == 417 and words in r.text, (fapiao, r.text[:400])
	# the fapiao may come after the receivable was posted
	later = post(100)
	assert later.ok, later.text[:400]
	receivable = later.json()["message"]
	r = c.accounts.update("Sales Receivable", receivable, {"fapiao_type": ELECTRONIC, "fapiao_no": "2" * 19})
	assert r.status_code == 417, r.text[:300]
	electronic = number.rjust(20, "9")
	r = c.accounts.update(
		"Sales Receivable",
		receivable,
		{"fapiao_type": ELECTRONIC, "fapiao_no": electronic, "fapiao_date": nowdate()},
	)
	assert r.ok, r.text[:400]
	receipt = pay(c.accounts, cust, receivable, 10)
	frappe.db.rollback()
	html = frappe.get_print("Sales Receipt", receipt, print_format="Sales Receipt Bilingual")
	assert electronic in html and "电子发票 / Electronic Fapiao" in html
	# the stored types are Chinese; an English desk shows them in English
	frappe.translate.clear_cache()
	assert [frappe._(kind, lang="en") for kind in (SPECIAL, "增值税普通发票", ELECTRONIC)] == [
		"VAT Special Fapiao",
		"VAT Ordinary Fapiao",
		"Electronic Fapiao",
	]
	assert frappe._(SPECIAL, lang="zh") == SPECIAL
	# the same digits under another type are another fapiao
	assert post(100, fapiao_type="增值税普通发票", fapiao_no=number).ok
	# a salesperson does not write fapiao numbers
	r = c.sales.update("Sales Receivable", receivable, {"fapiao_no": "1" * 20})
	assert r.status_code == 403, r.text[:300]

	# with require_fapiao_no, a receivable is posted only with its number
	before = settings(require_fapiao_no=1)
	try:
		r = post(100)
		assert r.status_code == 417 and "Fapiao No" in r.text, r.text[:400]
		assert post(100, fapiao_type=SPECIAL, fapiao_no=str(int(number) + 1)).ok
	finally:
		settings(**before)
	assert violations() == []


def test_collection_plan_vs_actual_report(col):
	c = col.clients
	cust = customer(c)
	order = c.sales.insert(
		{
			"doctype": "Customer Order",
			"customer": cust,
			"tax_rate": 0,
			"payment_terms_template": "30/70",
			"items": [{"product": col.product, "qty": 10, "price_list_rate": 100}],
		}
	)
	assert c.director.submit("Customer Order", order["name"]).ok
	c.director.ok("sales_crm.api.deliver_order", order=order["name"])
	pay(c.accounts, cust, invoice(col, order["name"], 1000), 100)
	filters = {"customer": cust, "from_date": "2000-01-01", "to_date": "2100-12-31"}
	report = c.manager.ok(
		"frappe.desk.query_report.run", report_name="Collection Plan vs Actual", filters=filters
	)
	rows = [r for r in report["result"] if isinstance(r, dict) and r.get("month")]
	assert [(r["planned"], r["received"], r["outstanding"], r["overdue"]) for r in rows] == [
		(300, 100, 200, 0),
		(700, 0, 700, 0),
	]
	assert rows[0]["sales_person"] == col.users.sales and report["chart"]
	# a salesperson of another team sees none of it
	other = make_user(f"col-other-{random_string(5).lower()}@example.com", "Sales User")
	update_password(other, PASSWORD)
	frappe.db.commit()
	seen = col.server.session(other, PASSWORD).ok(
		"frappe.desk.query_report.run", report_name="Collection Plan vs Actual", filters=filters
	)
	assert [r for r in seen["result"] if isinstance(r, dict) and r.get("month")] == []


def test_reminders_notify_and_post_to_a_signed_robot_retrying_a_5xx(col, worker):
	import base64
	import hashlib
	import hmac
	import json
	import threading
	import time
	from http.server import BaseHTTPRequestHandler, HTTPServer
	from urllib.parse import parse_qs, urlsplit

	from sales_crm.flows.collection_reminders import send_collection_reminders

	received = []
	secret = f"SEC{random_string(24)}"

	class Robot(BaseHTTPRequestHandler):
		def do_POST(self):
			body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
			received.append((urlsplit(self.path), body))
			status = 503 if len(received) == 1 else 200
			self.send_response(status)
			self.send_header("Content-Type", "application/json")
			self.end_headers()
			self.wfile.write(json.dumps({"errcode": 0 if status == 200 else 1, "errmsg": "ok"}).encode())

		def log_message(self, *args):
			pass

	robot = HTTPServer(("127.0.0.1", 0), Robot)
	threading.Thread(target=robot.serve_forever, daemon=True).start()
	try:
		frappe.db.rollback()
		department = frappe.db.get_value("Sales Department Member", {"user": col.users.sales}, "parent")
		dept = frappe.get_doc("Sales Department", department)
		dept.update(
			{
				"robot_type": "DingTalk",
				"robot_webhook_url": f"http://127.0.0.1:{robot.server_port}/robot/send?access_token=tok",
				"robot_secret": secret,
			}
		)
		dept.save(ignore_permissions=True)
		frappe.db.commit()
		_cust, contract = signed_contract(col)
		# the first line is overdue, the second falls due in three days
		for idx, days in ((1, -2), (2, 3)):
			frappe.db.set_value(
				"Sales Payment Plan Line",
				{"parent": contract, "idx": idx},
				"due_date",
				add_days(nowdate(), days),
				update_modified=False,
			)
		frappe.db.commit()
		before = settings(remind_days_before_due=3, remind_overdue=1)
		try:
			result = send_collection_reminders()
			frappe.db.commit()
			again = send_collection_reminders()
			frappe.db.commit()
		finally:
			settings(**before)
		assert result["robots"] >= 1 and result["notified"] >= 3, result

		# desk notifications: the salesperson for both lines, the manager for the overdue one, once a day
		def notes(user):
			return frappe.get_all(
				"Notification Log", filters={"for_user": user, "document_name": contract}, pluck="subject"
			)

		assert len(notes(col.users.sales)) == 2 and len(notes(col.users.manager)) == 1
		assert again["notified"] == 0

		deadline = time.monotonic() + 90
		while len(received) < 2 and time.monotonic() < deadline:
			time.sleep(0.5)
		# the first run's message: a 503, then a retry that gets through; every request signed
		assert len(received) >= 2, received
		for url, body in received[:2]:
			query = parse_qs(url.query)
			assert url.path == "/robot/send" and query["access_token"] == ["tok"]
			timestamp = query["timestamp"][0]
			expected = base64.b64encode(
				hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
			).decode()
			assert query["sign"] == [expected]
			assert abs(int(timestamp) / 1000 - time.time()) < 600
			assert body["msgtype"] == "markdown" and contract in body["markdown"]["text"]
		# the worker logs a send after the robot answered it: wait for the retry's log too
		while time.monotonic() < deadline:
			frappe.db.rollback()
			logs = frappe.get_all(
				"Webhook Request Log",
				filters={"reference_document": ["like", f"Sales Department {department} #%"]},
				fields=["error", "url"],
				order_by="creation asc",
			)
			if len(logs) >= 2:
				break
			time.sleep(0.5)
		assert logs[0].error == "HTTP 503" and any(not log.error for log in logs), logs
		assert all("tok" not in (log.url or "") for log in logs)
	finally:
		robot.shutdown()
		frappe.db.rollback()
		frappe.db.set_value("Sales Department", department, {"robot_type": None, "robot_webhook_url": None})
		frappe.db.commit()


def test_receivable_ageing_by_plan_due_dates(col):
	c = col.clients
	cust, contract = signed_contract(col)  # 300 + 700
	order = order_of_contract(col, contract)
	c.director.ok("sales_crm.api.deliver_order", order=order)
	receivable = invoice(col, order, 1000)
	frappe.db.rollback()
	for idx, days in ((1, -45), (2, -10)):
		frappe.db.set_value(
			"Sales Payment Plan Line",
			{"parent": contract, "idx": idx},
			"due_date",
			add_days(nowdate(), days),
			update_modified=False,
		)
	frappe.db.commit()
	pay(c.accounts, cust, receivable, 100)  # the oldest line: 200 of its 300 left
	# a second contract of the customer: 150 due on signing (today), 350 waiting for a delivery
	second = c.sales.insert(contract_doc(col, cust, qty=5, payment_terms_template="30/70"))["name"]
	assert c.director.submit("Sales Contract", second).ok
	assert plan_holds("Sales Contract", second) == [(150, 0, 150, "Planned"), (350, 0, 350, "Planned")]

	def ageing(age_by):
		filters = {"report_date": nowdate(), "group_by": "customer", "customer": cust, "age_by": age_by}
		result = c.manager.ok(
			"frappe.desk.query_report.run", report_name="Receivable Ageing", filters=filters
		)
		rows = [r for r in result["result"] if isinstance(r, dict) and r.get("party")]
		assert [r["party"] for r in rows] == [cust], rows
		return rows[0], [col["label"] for col in result["columns"]]

	row, labels = ageing("plan")
	# by hand: 200 is 45 days late, 700 ten days, 150 due today, 350 not dated yet
	buckets = ("not_due", "range_0_30", "range_31_60", "range_61_90", "range_90_above")
	assert (row["receivables"], row["total_amount"], row["outstanding_amount"]) == (4, 1500, 1400)
	assert tuple(row[b] for b in buckets) == (350, 850, 200, 0, 0)
	assert row["collected_in_period"] == 100 and "Plan Lines" in labels
	# the same customer aged by its one receivable (due 30 days after its invoice of today)
	row, labels = ageing("receivable")
	assert (row["receivables"], row["total_amount"], row["outstanding_amount"]) == (1, 1000, 900)
	assert tuple(row[b] for b in buckets) == (900, 0, 0, 0, 0) and "Receivables" in labels


def test_receivable_ageing_by_plan_as_of_an_earlier_date(col):
	"""As of a past date a plan is settled by what it had collected then (later receipts and the lines they
	named taken off), and a plan signed after the date is not in it."""
	c = col.clients
	cust, contract = signed_contract(col)  # 300 + 700
	order = order_of_contract(col, contract)
	c.director.ok("sales_crm.api.deliver_order", order=order)
	receivable = invoice(col, order, 1000)
	first, final = line_names("Sales Contract", contract)
	for line, days in ((first, -45), (final, -10)):
		frappe.db.set_value("Sales Payment Plan Line", line, "due_date", add_days(nowdate(), days))
	frappe.db.set_value("Sales Contract", contract, "signed_on", add_days(nowdate(), -60))
	frappe.db.commit()
	pay(c.accounts, cust, receivable, 100, add_days(nowdate(), -20))  # unnamed: the oldest line
	named = c.accounts.insert(receipt_doc(cust, receivable, 50, final))["name"]
	assert c.accounts.submit("Sales Receipt", named).ok
	buckets = ("not_due", "range_0_30", "range_31_60", "range_61_90", "range_90_above")

	def ageing(days):
		rows = plan_ageing(c.manager, cust, days)
		if not rows:
			return None
		assert rows[0]["party_name"], rows
		row = rows[0]
		return (row["receivables"], row["outstanding_amount"], *(row[b] for b in buckets))

	# today: 50 named for the final line (650 left, 10 days late), 100 to the oldest (200 left, 45 days)
	assert ageing(0) == (2, 850, 0, 650, 200, 0, 0)
	# yesterday: the named 50 was not paid yet; the 100 of 20 days ago was
	assert ageing(-1) == (2, 900, 0, 700, 200, 0, 0)
	# 30 days ago: nothing paid; the first line 15 days late, the final one not due
	assert ageing(-30) == (2, 1000, 700, 300, 0, 0, 0)
	# before the signing: no plan
	assert ageing(-61) is None


def test_the_plans_that_moved_read_by_name_or_with_every_plan_age_alike(col, monkeypatch):
	"""As of an earlier date the plans that collected something since are named a slice at a time, or, when
	they are most of the plans signed by then, read with every plan and the others passed over: both ways,
	and the slices of one plan each, give the same report."""
	from sales_crm.sales_crm.report.receivable_ageing import receivable_ageing

	c = col.clients
	customers = []
	for paid in (400, 400, 0):
		cust, contract = signed_contract(col)
		order = order_of_contract(col, contract)
		c.director.ok("sales_crm.api.deliver_order", order=order)
		frappe.db.set_value("Sales Contract", contract, "signed_on", add_days(nowdate(), -30))
		frappe.db.commit()
		receivable = invoice(col, order, 1000)
		if paid:  # today: the plan moved since yesterday; the third did not, and is read as it is
			pay(c.accounts, cust, receivable, paid)
		customers.append(cust)
	frappe.db.rollback()

	def ageing():
		return [
			receivable_ageing.execute(
				frappe._dict(
					report_date=add_days(nowdate(), -1), group_by="customer", age_by="plan", customer=cust
				)
			)
			for cust in customers
		]

	by_name = ageing()
	monkeypatch.setattr(receivable_ageing, "MOVED_SLICE", 1)
	monkeypatch.setattr(receivable_ageing, "signed_by", lambda doctype, report_date: 10**9)
	one_each = ageing()
	monkeypatch.setattr(receivable_ageing, "signed_by", lambda doctype, report_date: 0)
	every_plan = ageing()
	assert by_name == one_each == every_plan
	# yesterday nothing was collected: each plan owed its whole 1,000 (300 due on signing, 700 after delivery),
	# each counted once
	assert [[(r["party"], r["receivables"], r["outstanding_amount"]) for r in out[1]] for out in by_name] == [
		[(cust, 2, 1000)] for cust in customers
	]


def test_an_allocation_row_keeps_its_document_s_date_and_its_receivable_s_contract_on_every_path(col):
	"""What a receipt row repeats (its receipt's date) and fetches (its receivable's order and contract), sent
	otherwise by the accounts user down each path a client writes a row by: refused, or the server's values
	kept. The receivable's settled dates are refused alike (the owned-field matrix tries every path on them)."""
	c = col.clients
	cust, contract = signed_contract(col)
	order = order_of_contract(col, contract)
	c.director.ok("sales_crm.api.deliver_order", order=order)
	receivable = invoice(col, order, 1000)
	_other, elsewhere = signed_contract(col)
	forged = {"settled_on": "2001-01-01", "sales_contract": elsewhere, "customer_order": None}
	draft = {**receipt_doc(cust, receivable, 100), "receipt_date": add_days(nowdate(), -3)}

	def held(name):
		frappe.db.rollback()
		return frappe.db.get_value(
			"Sales Receipt Allocation",
			{"parent": name, "parenttype": "Sales Receipt"},
			["settled_on", "sales_contract", "customer_order"],
		)

	expected = (getdate(add_days(nowdate(), -3)), contract, order)
	name = c.accounts.insert({**draft, "allocations": [{**draft["allocations"][0], **forged}]})["name"]
	assert held(name) == expected  # POST
	doc = c.accounts.get("Sales Receipt", name)
	row = doc["allocations"][0]
	answers = [
		c.accounts.update("Sales Receipt", name, {"allocations": [{**row, **forged}]}),
		*(
			c.accounts.call(
				"frappe.client.set_value",
				doctype="Sales Receipt Allocation",
				name=row["name"],
				fieldname=field,
				value=value,
			)
			for field, value in forged.items()
		),
		# the parent's set_value with its rows as the value: Frappe replaces the rows and saves the receipt
		c.accounts.call(
			"frappe.client.set_value",
			doctype="Sales Receipt",
			name=name,
			fieldname=json.dumps({"allocations": [{**row, **forged}]}),
		),
		c.accounts.call(
			"frappe.desk.form.save.savedocs",
			doc={**doc, "allocations": [{**row, **forged}]},
			action="Save",
		),
		c.accounts.http.post(
			f"{c.accounts.base}/api/method/run_doc_method",
			data={"docs": json.dumps({**doc, "allocations": [{**row, **forged}]}), "method": "save"},
			timeout=120,
		),
	]
	assert [r.status_code < 500 for r in answers] == [True] * len(answers), [r.text[:200] for r in answers]
	assert held(name) == expected
	many = c.accounts.call(
		"frappe.client.insert_many",
		docs=[{**draft, "allocations": [{**draft["allocations"][0], **forged}]}],
	)
	assert many.status_code < 500, many.text[:300]
	created = (many.json().get("message") or []) if many.ok else []
	assert many.ok == bool(created), many.text[:300]  # refused, or each record it made is checked
	for made in created:
		assert held(made) == expected
	r = c.accounts.update("Sales Receivable", receivable, {"first_settled_on": "2001-01-01"})
	assert r.status_code == 417, r.text[:300]


def test_plan_lines_on_the_calendar_and_a_receipt_for_a_line(col):
	from frappe.utils import fmt_money

	c = col.clients
	cust, contract = signed_contract(col)  # 300 due on signing, 700 thirty days after delivery
	order = order_of_contract(col, contract)
	c.director.ok("sales_crm.api.deliver_order", order=order)
	first, final = line_names("Sales Contract", contract)
	window = {"start": add_days(nowdate(), -1), "end": add_days(nowdate(), 40)}

	def events(client, **filters):
		got = client.ok("sales_crm.flows.collections.get_events", **window, **filters)
		return [e for e in got if e["name"] == contract]

	name = frappe.db.get_value("Sales Customer", cust, "customer_name")
	labels = frappe.get_all(
		"Sales Payment Plan Line", filters={"parent": contract}, pluck="label", order_by="idx"
	)
	seen = events(c.sales)
	assert [(e["line"], e["doctype"], str(e["start"]), e["title"]) for e in seen] == [
		(first, "Sales Contract", nowdate(), f"{labels[0]} · {name} · {fmt_money(300, currency='CNY')}"),
		(
			final,
			"Sales Contract",
			add_days(nowdate(), 30),
			f"{labels[1]} · {name} · {fmt_money(700, currency='CNY')}",
		),
	]
	assert events(c.manager) and events(c.accounts)
	assert events(c.sales, filters=[["Sales Contract", "customer", "=", cust]])
	assert not events(c.sales, filters=[["Sales Contract", "customer", "=", "no-such-customer"]])
	# a salesperson of another team: the contract's scope hides its lines
	other = make_user(f"col-cal-{random_string(5).lower()}@example.com", "Sales User")
	update_password(other, PASSWORD)
	frappe.db.commit()
	assert events(col.server.session(other, PASSWORD)) == []

	# "Record receipt": nothing invoiced yet, an advance of the line's outstanding amount
	draft = c.accounts.ok("sales_crm.flows.collections.receipt_for_plan_line", line=first)
	assert (draft["receipt_type"], draft["customer"], draft["paid_amount"], draft["allocations"]) == (
		"Advance",
		cust,
		300,
		[],
	)
	receivable = invoice(col, order, 1000)
	draft = c.accounts.ok("sales_crm.flows.collections.receipt_for_plan_line", line=first)
	assert draft["receipt_type"] == "Payment" and draft["sales_contract"] == contract
	assert [
		(r["sales_receivable"], r["payment_plan_line"], r["allocated_amount"]) for r in draft["allocations"]
	] == [(receivable, first, 300)]
	receipt = c.accounts.insert(draft)["name"]
	assert c.accounts.submit("Sales Receipt", receipt).ok
	assert plan_holds("Sales Contract", contract) == [(300, 300, 0, "Received"), (700, 0, 700, "Planned")]
	r = c.accounts.call("sales_crm.flows.collections.receipt_for_plan_line", line=first)
	assert r.status_code == 417 and "received in full" in r.text, r.text[:300]
	r = col.server.session(other, PASSWORD).call(
		"sales_crm.flows.collections.receipt_for_plan_line", line=final
	)
	assert r.status_code == 403, r.text[:300]


def test_a_posting_derives_from_what_others_committed_while_it_waited(col):
	"""A posting's transaction reads a snapshot from its start; a receipt that another request commits on the
	same contract before this one takes the contract's lock is in the figures derived after the lock (its
	collected share, its plan lines), which are read by a locking read, not from the older snapshot."""
	c = col.clients
	cust, contract = signed_contract(col)  # 30/70 of 1,000
	order = order_of_contract(col, contract)
	c.director.ok("sales_crm.api.deliver_order", order=order)
	first = invoice(col, order, 400)
	second = frappe.get_doc(
		{
			"doctype": "Sales Receivable",
			"customer_order": order,
			"invoice_no": f"C-{random_string(6)}",
			"invoice_date": nowdate(),
			"total_amount": 600,
		}
	).insert()
	frappe.db.commit()
	frappe.db.rollback()
	# this transaction's snapshot: nothing collected yet
	assert frappe.db.get_value("Sales Contract", contract, "collected_amount") == 0
	pay(c.accounts, cust, first, 400)  # another request, committed
	second = frappe.get_doc("Sales Receivable", second.name)
	second.submit()
	frappe.db.commit()
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Contract", contract, ["collected_amount", "per_collected"]) == (400, 40)
	assert plan_holds("Sales Contract", contract) == [
		(300, 300, 0, "Received"),
		(700, 100, 600, "Partly Received"),
	]
