"""Concurrent requests against a multi-worker server: after each race the invariants hold and nothing
was created twice (issue: 50 receipt pairs, invoice_order with the same and different numbers, and
convert_lead on one lead)."""

import random
import threading

import frappe
import pytest
from factories import make_department, make_product, make_user
from frappe.utils import get_first_day, get_last_day, random_string
from frappe.utils.password import update_password
from invariants import violations
from server import Server

PASSWORD = "Race-Sales-CRM-2026!"


@pytest.fixture(scope="module")
def race(bench, site):
	tag = random_string(5).lower()
	users = frappe._dict(
		sales=make_user(f"race-sales-{tag}@example.com", "Sales User"),
		manager=make_user(f"race-manager-{tag}@example.com", "Sales User", "Sales Manager"),
		accounts=make_user(f"race-accounts-{tag}@example.com", "Accounts User"),
		director=make_user(f"race-director-{tag}@example.com", "Sales User", "Sales Director"),
	)
	for user in users.values():
		update_password(user, PASSWORD)
	department = make_department(users.manager, [users.sales]).name
	product = make_product(standard_rate=100).name
	frappe.db.commit()
	srv = Server(bench, site, workers=4).start()
	yield frappe._dict(server=srv, users=users, department=department, product=product)
	srv.stop()


def at_once(*calls):
	"""Run the calls in threads released together; their responses in order."""
	results = [None] * len(calls)
	barrier = threading.Barrier(len(calls))

	def run(k):
		barrier.wait()
		results[k] = calls[k]()

	threads = [threading.Thread(target=run, args=(k,)) for k in range(len(calls))]
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	return results


def submitted_order(client, product, director: str, qty=100):
	"""A direct order (no contract or quotation): the salesperson drafts it, a director signs it."""
	customer = client.insert({"doctype": "Sales Customer", "customer_name": f"Race {random_string(6)}"})
	order = client.insert(
		{
			"doctype": "Customer Order",
			"customer": customer["name"],
			"tax_rate": 0,
			"items": [{"product": product, "qty": qty, "price_list_rate": 100}],
		}
	)
	director = client.server.session(director, PASSWORD)
	assert director.submit("Customer Order", order["name"]).ok
	director.ok("sales_crm.api.deliver_order", order=order["name"])  # invoiced after delivery only
	return order["name"]


def test_fifty_receipt_pairs_on_the_same_receivables(race):
	users, srv = race.users, race.server
	sales = srv.session(users.sales, PASSWORD)
	accounts = [srv.session(users.accounts, PASSWORD) for _ in range(2)]
	order = submitted_order(sales, race.product, race.users.director, qty=1000)
	pairs, one_winner = 50, 0
	for i in range(pairs):
		receivable = accounts[0].ok(
			"sales_crm.api.invoice_order",
			order=order,
			invoice_no=f"P{i}",
			invoice_date="2026-11-20",
			amount=100,
		)
		drafts = [
			accounts[0].insert(accounts[0].ok("sales_crm.api.make_receipt", source_name=receivable))
			for _ in range(2)
		]
		results = at_once(
			*(lambda k=k: accounts[k].submit("Sales Receipt", drafts[k]["name"]) for k in range(2))
		)
		codes = sorted(r.status_code for r in results)
		assert codes == [200, 417], [r.text[:200] for r in results]
		one_winner += 1
	assert one_winner == pairs
	assert frappe.db.count("Sales Receipt", {"customer_order": order, "docstatus": 1}) == pairs
	assert violations() == []


def test_invoice_order_with_the_same_number_at_once(race):
	users, srv = race.users, race.server
	order = submitted_order(srv.session(users.sales, PASSWORD), race.product, users.director)
	clients = [srv.session(users.accounts, PASSWORD) for _ in range(4)]
	for round_ in range(5):
		results = at_once(
			*(
				lambda c=c: c.call(
					"sales_crm.api.invoice_order",
					order=order,
					invoice_no=f"SAME-{round_}",
					invoice_date="2026-11-20",
					amount=100,
				)
				for c in clients
			)
		)
		assert all(r.ok for r in results), [r.text[:200] for r in results]
		assert len({r.json()["message"] for r in results}) == 1  # one receivable, returned to all four
	frappe.db.rollback()
	assert frappe.db.count("Sales Receivable", {"customer_order": order, "docstatus": 1}) == 5
	assert violations() == []


def test_invoice_order_with_different_numbers_never_exceeds_the_order(race):
	users, srv = race.users, race.server
	order = submitted_order(srv.session(users.sales, PASSWORD), race.product, users.director, qty=10)  # 1,000
	clients = [srv.session(users.accounts, PASSWORD) for _ in range(6)]
	results = at_once(
		*(
			lambda k=k, c=c: c.call(
				"sales_crm.api.invoice_order",
				order=order,
				invoice_no=f"DIFF-{k}",
				invoice_date="2026-11-20",
				amount=300,
			)
			for k, c in enumerate(clients)
		)
	)
	ok = [r for r in results if r.ok]
	assert len(ok) == 3  # 3 × 300 fits in 1,000; a fourth would not
	assert all(r.status_code == 417 and "exceeds" in r.text for r in results if not r.ok)
	frappe.db.rollback()
	assert frappe.db.get_value("Customer Order", order, "invoiced_amount") == 900
	assert violations() == []


def test_convert_lead_at_once_creates_one_opportunity(race):
	users, srv = race.users, race.server
	clients = [srv.session(users.sales, PASSWORD) for _ in range(4)]
	for _ in range(5):
		lead = clients[0].insert(
			{
				"doctype": "Sales Lead",
				"company_name": f"Race Lead {random_string(6)}",
				"lead_source": "800 Hotline",
			}
		)
		assert lead["status"] == "Assigned"  # a salesperson's own lead
		results = at_once(
			*(lambda c=c: c.call("sales_crm.api.convert_lead", lead=lead["name"]) for c in clients)
		)
		assert all(r.ok for r in results), [r.text[:200] for r in results]
		assert len({r.json()["message"] for r in results}) == 1
		frappe.db.rollback()
		assert frappe.db.count("Sales Opportunity", {"sales_lead": lead["name"]}) == 1
		assert frappe.db.count("Sales Customer", {"source_lead": lead["name"]}) == 1


def accepted_quotation(client, director, product, qty: int) -> dict:
	"""An opportunity's quotation, approved by a director and accepted by the customer."""
	lead = client.insert(
		{"doctype": "Sales Lead", "company_name": f"Race Co {random_string(6)}", "lead_source": "800 Hotline"}
	)
	opportunity = client.ok("sales_crm.api.convert_lead", lead=lead["name"])
	quotation = client.ok("sales_crm.api.make_quotation", source_name=opportunity)
	quotation.update({"tax_rate": 0, "items": [{"product": product, "qty": qty, "price_list_rate": 100}]})
	quotation = client.insert(quotation)
	quotation = director.ok("frappe.model.workflow.apply_workflow", doc=quotation, action="Approve")
	return client.ok("frappe.model.workflow.apply_workflow", doc=quotation, action="Customer Accepted")


def test_two_contracts_of_one_opportunity_signed_and_cancelled_at_once(race):
	"""Each contract locks its own row first (Frappe's ``check_if_latest``), then the won amount reads the
	other's: two at once can deadlock in MariaDB. The request it refuses is a clean 409 that says to try
	again, and a retry lands; the opportunity's won amount is its signed contracts' total every time."""
	users, srv = race.users, race.server
	sales = [srv.session(users.sales, PASSWORD) for _ in range(2)]
	directors = [srv.session(users.director, PASSWORD) for _ in range(2)]
	refused = []

	def at_once_until_done(action):
		until_done(action, 2, refused)

	for _round in range(4):
		quotation = accepted_quotation(sales[0], directors[0], race.product, qty=10)
		contracts = []
		for qty in (4, 6):
			draft = sales[0].ok("sales_crm.api.make_contract", source_name=quotation["name"])
			draft["items"][0]["qty"] = qty
			contracts.append(sales[0].insert(draft)["name"])
		at_once_until_done(lambda k, contracts=contracts: sales[k].submit("Sales Contract", contracts[k]))
		frappe.db.rollback()
		opportunity = frappe.db.get_value("Sales Quotation", quotation["name"], "opportunity")
		won = frappe.db.get_value("Sales Opportunity", opportunity, ["status", "won_amount"])
		assert won == ("Won", 1000)
		at_once_until_done(
			lambda k, contracts=contracts: directors[k].call(
				"frappe.client.cancel", doctype="Sales Contract", name=contracts[k]
			)
		)
		frappe.db.rollback()
		assert frappe.db.get_value("Sales Opportunity", opportunity, "won_amount") == 0
	print(f"two contracts of one opportunity at once: {len(refused)} refused as conflicts over 8 races")
	assert violations() == []


def until_done(action, count: int, refused: list) -> None:
	"""``action(k)`` for each k in range(count), all at once, again for the refused ones (each refusal a clean
	409 saying to try again), up to five rounds."""
	pending = list(range(count))
	for _attempt in range(5):
		results = at_once(*(lambda k=k: action(k) for k in pending))
		for k, r in zip(list(pending), results, strict=True):
			if r.ok:
				pending.remove(k)
				continue
			assert r.status_code == 409, r.text[:600]
			assert r.headers.get("Retry-After"), r.headers
			assert "try again" in r.text, r.text[:600]
			refused.append(r)
		if not pending:
			return
	raise AssertionError("still refused after five tries")


def test_orders_of_one_customer_and_products_posted_at_once_keep_the_first_order_and_the_months(race):
	"""Four orders of one new customer, the same day and salesperson, each with the same two products in
	either order, submitted at once and then cancelled at once: the customer keeps the lowest-named as its
	first order, then none; the product months add up to the orders' rows throughout (``kept_violations``).
	The kept rows are written in name order, so the orders wait for each other rather than deadlock."""
	users, srv = race.users, race.server
	other = make_product(standard_rate=100).name
	frappe.db.commit()
	sales = srv.session(users.sales, PASSWORD)
	customer = sales.insert({"doctype": "Sales Customer", "customer_name": f"Race {random_string(6)}"})[
		"name"
	]
	orders = []
	for k in range(4):
		products = [race.product, other] if k % 2 else [other, race.product]
		order = sales.insert(
			{
				"doctype": "Customer Order",
				"customer": customer,
				"tax_rate": 0,
				"items": [{"product": p, "qty": k + 1, "price_list_rate": 100} for p in products],
			}
		)
		orders.append(order["name"])
	directors = [srv.session(users.director, PASSWORD) for _ in range(4)]
	refused = []
	until_done(lambda k: directors[k].submit("Customer Order", orders[k]), 4, refused)
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Customer", customer, "first_order") == min(orders)
	months = frappe.db.sql(
		"select sum(base_amount) from `tabSales Product Month` where product = %s and sales_person = %s",
		(other, users.sales),
	)[0][0]
	assert months == 100 * (1 + 2 + 3 + 4)
	assert violations() == []
	until_done(
		lambda k: directors[k].call("frappe.client.cancel", doctype="Customer Order", name=orders[k]),
		4,
		refused,
	)
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Customer", customer, "first_order") is None
	print(f"four orders of one customer at once: {len(refused)} refused as conflicts")
	assert violations() == []


def test_a_lock_held_past_the_wait_timeout_is_a_clean_conflict(race, bench):
	"""MariaDB gives up a lock wait (1205) and rolls the request's transaction back: the client gets 409 with
	Retry-After and a message naming the record, not Frappe's 500 with a traceback; nothing was saved, and
	the same request lands once the lock is gone."""
	import json

	import pymysql

	users, srv = race.users, race.server
	order = submitted_order(srv.session(users.sales, PASSWORD), race.product, users.director)
	director = srv.session(users.director, PASSWORD)
	common = json.loads((bench.sites / "common_site_config.json").read_text())
	root = pymysql.connect(
		host="127.0.0.1",
		port=int(common.get("db_port") or 3306),
		user="root",
		password=common["root_password"],
		autocommit=True,
	)
	with root.cursor() as cursor:
		cursor.execute("select @@global.innodb_lock_wait_timeout")
		(timeout,) = cursor.fetchone()
		cursor.execute("set global innodb_lock_wait_timeout = 1")  # each request's new connection reads it
	try:
		frappe.db.sql("select name from `tabCustomer Order` where name = %s for update", order)
		r = director.call("frappe.client.cancel", doctype="Customer Order", name=order)
		frappe.db.rollback()  # the lock is gone
		assert r.status_code == 409, r.text[:600]
		assert r.headers.get("Retry-After") == "1"
		message = json.loads(json.loads(r.json()["_server_messages"])[0])["message"]
		assert message.startswith(f"Customer Order {order}: ") and "try again" in message, message
		assert "Traceback" not in r.text and "exc" not in r.json()
		assert frappe.db.get_value("Customer Order", order, "docstatus") == 1  # nothing was saved
		frappe.db.sql("select name from `tabCustomer Order` where name = %s for update", order)
		r = director.http.put(  # Frappe's v2 API answers with its own error list
			f"{srv.url}/api/v2/document/Customer Order/{order}", json={"remarks": "waits"}, timeout=60
		)
		frappe.db.rollback()
		assert r.status_code == 409 and r.headers.get("Retry-After") == "1", r.text[:600]
		(error,) = r.json()["errors"]
		assert error["type"] == "QueryTimeoutError"
		assert error["message"].startswith(f"Customer Order {order}: ")
		r = director.call("frappe.client.cancel", doctype="Customer Order", name=f"{order}-none")
		assert r.status_code == 404  # other errors are answered as before
	finally:
		frappe.db.rollback()
		with root.cursor() as cursor:
			cursor.execute(f"set global innodb_lock_wait_timeout = {int(timeout)}")
		root.close()
	assert director.call("frappe.client.cancel", doctype="Customer Order", name=order).ok
	frappe.db.rollback()
	assert frappe.db.get_value("Customer Order", order, "docstatus") == 2
	assert violations() == []


def month_of_a_signed_contract(race) -> dict:
	"""The salesperson signs a contract; the Monthly period of its signing, as the generator takes it."""
	sales = race.server.session(race.users.sales, PASSWORD)
	director = race.server.session(race.users.director, PASSWORD)
	quotation = accepted_quotation(sales, director, race.product, qty=10)
	contract = sales.insert(sales.ok("sales_crm.api.make_contract", source_name=quotation["name"]))["name"]
	assert sales.submit("Sales Contract", contract).ok
	frappe.db.rollback()
	signed_on = frappe.db.get_value("Sales Contract", contract, "signed_on")
	return {
		"commission_type": "Monthly",
		"from_date": str(get_first_day(signed_on)),
		"to_date": str(get_last_day(signed_on)),
	}


def test_a_period_generated_twice_at_once_drafts_one_commission_per_salesperson(race):
	"""Two of a department's managers generate the month's commissions at the same moment: each
	salesperson still has one draft for the period (the second generation updates the first's draft), or the request that lost the
	race is a clean conflict to try again. Two drafts of one period would each pay its contracts."""
	users, srv = race.users, race.server
	managers = [srv.session(users.manager, PASSWORD) for _ in range(2)]
	period = month_of_a_signed_contract(race)
	refused = 0
	try:
		for _round in range(4):
			answers = at_once(
				*(
					lambda m=m: m.call("sales_crm.api.generate_salesperson_commissions", **period)
					for m in managers
				)
			)
			for answer in answers:
				if not answer.ok:
					assert answer.status_code == 409 and answer.headers.get("Retry-After"), answer.text[:600]
					refused += 1
			frappe.db.rollback()
			drafts = frappe.get_all(
				"Salesperson Commission",
				filters={"sales_person": users.sales, "docstatus": 0, **period},
				pluck="name",
			)
			assert len(drafts) == 1, drafts
	finally:
		frappe.db.rollback()
		for name in frappe.get_all(
			"Salesperson Commission", filters={"docstatus": 0, **period}, pluck="name"
		):
			frappe.delete_doc("Salesperson Commission", name, force=True, ignore_permissions=True)
		frappe.db.commit()
	print(f"a period generated twice at once: {refused} of 8 requests refused as conflicts")
	assert violations() == []


def test_the_same_lead_sent_twice_at_once_is_imported_once(race):
	"""The intake refuses a lead that matches an existing lead or customer. The same lead sent by two
	requests at the same moment (a double submit) is created once, and the other request answers
	"duplicate" (a 409 would still be a clean conflict, and its retry must answer "duplicate")."""
	users, srv = race.users, race.server
	clients = [srv.session(users.manager, PASSWORD) for _ in range(2)]
	outcomes = []
	for _round in range(4):
		company = f"Twice Sent Trading {random_string(8)}"
		lead = {"company_name": company, "phone": f"0571-{random.randint(10000000, 99999999)}"}
		answers = at_once(*(lambda c=c: c.call("sales_crm.api.import_leads", leads=[lead]) for c in clients))
		statuses = []
		for client, answer in zip(clients, answers, strict=True):
			for _attempt in range(5):
				if answer.status_code != 409:
					break
				assert answer.headers.get("Retry-After"), answer.text[:600]
				statuses.append("conflict")
				answer = client.call("sales_crm.api.import_leads", leads=[lead])
			assert answer.ok, answer.text[:600]
			statuses.append(answer.json()["message"][0]["status"])
		frappe.db.rollback()
		assert frappe.db.count("Sales Lead", {"company_name": company}) == 1, (company, statuses)
		assert sorted(s for s in statuses if s != "conflict") == ["created", "duplicate"], statuses
		outcomes.append(statuses)
	print(f"the same lead sent twice at once, four times: {outcomes}")


def test_two_leads_of_one_company_converted_at_once_make_one_customer(race):
	"""A lead's conversion reuses the customer its company already is. Two leads of one company (the desk
	flags the second as a possible duplicate, and keeps it) converted at the same moment still make one
	customer: the other conversion, run again by the server once refused, reuses it."""
	users, srv = race.users, race.server
	sales = [srv.session(users.sales, PASSWORD) for _ in range(2)]
	outcomes = []
	for _round in range(4):
		company = f"Converted Twice {random_string(8)}"
		leads = [
			sales[0].insert({"doctype": "Sales Lead", "company_name": company, "lead_source": "800 Hotline"})[
				"name"
			]
			for _ in range(2)
		]
		answers = at_once(
			*(lambda k=k: sales[k].call("sales_crm.api.convert_lead", lead=leads[k]) for k in range(2))
		)
		refused = 0
		for client, lead, answer in zip(sales, leads, answers, strict=True):
			for _attempt in range(5):
				if answer.status_code != 409:
					break
				assert answer.headers.get("Retry-After"), answer.text[:600]
				refused += 1
				answer = client.call("sales_crm.api.convert_lead", lead=lead)
			assert answer.ok, answer.text[:600]
		frappe.db.rollback()
		customers = frappe.get_all("Sales Customer", filters={"customer_name": company}, pluck="name")
		assert len(customers) == 1, customers
		opportunities = frappe.get_all(
			"Sales Opportunity", filters={"sales_lead": ("in", leads)}, pluck="customer"
		)
		assert opportunities == customers * 2, opportunities
		outcomes.append(refused)
	print(f"two leads of one company converted at once, four times: {outcomes} refused as conflicts")
	assert violations() == []


def test_leads_of_different_companies_sent_at_once_are_all_created(race):
	"""The intake's duplicate lookups lock index gaps, and on a small table one gap spans many keys: four
	different companies sent at the same moment meet there, and MariaDB refuses some as deadlocks. The
	server runs those requests again itself, so every lead is created and no client is refused."""
	clients = [race.server.session(race.users.manager, PASSWORD) for _ in range(4)]
	names = []
	for _round in range(5):
		rows = [
			{
				"company_name": f"Different Co {random_string(10)}",
				"phone": f"0571-{random.randint(10000000, 99999999)}",
			}
			for _ in clients
		]
		answers = at_once(
			*(
				lambda c=c, r=r: c.call("sales_crm.api.import_leads", leads=[r])
				for c, r in zip(clients, rows, strict=True)
			)
		)
		for answer in answers:
			assert answer.ok, answer.text[:600]
			(result,) = answer.json()["message"]
			assert result["status"] == "created", result
			names.append(result["name"])
	frappe.db.rollback()
	assert frappe.db.count("Sales Lead", {"name": ("in", names)}) == 20


def test_the_same_period_inserted_twice_at_once_over_rest_is_refused_once(race):
	"""No day of a salesperson's period is paid twice, whatever writes the commission: two managers posting
	the same month's commission over REST at the same moment get one record and one clean refusal naming
	it (the check waits on the salesperson's row and reads what the other committed)."""
	users, srv = race.users, race.server
	managers = [srv.session(users.manager, PASSWORD) for _ in range(2)]
	period = month_of_a_signed_contract(race)
	# the generator's draft shows what a commission of the period holds; it is removed, then posted twice
	managers[0].ok("sales_crm.api.generate_salesperson_commissions", **period)
	frappe.db.rollback()
	(draft,) = frappe.get_all(
		"Salesperson Commission",
		filters={"sales_person": users.sales, "docstatus": 0, **period},
		fields=["name", "sales_department", "commission_rate", "commission_date", "currency"],
	)
	contracts = frappe.get_all(
		"Salesperson Commission Detail", filters={"parent": draft.name}, pluck="sales_contract"
	)
	frappe.delete_doc("Salesperson Commission", draft.name, force=True, ignore_permissions=True)
	frappe.db.commit()
	body = {
		"doctype": "Salesperson Commission",
		"sales_person": users.sales,
		"sales_department": draft.sales_department,
		"commission_name": "Posted twice",
		"commission_rate": draft.commission_rate,
		"commission_date": str(draft.commission_date),
		"currency": draft.currency,
		**period,
		"contracts": [{"sales_contract": name} for name in contracts],
	}
	try:
		for _round in range(3):
			answers = at_once(
				*(
					lambda m=m: m.http.post(
						f"{srv.url}/api/resource/Salesperson Commission", json=body, timeout=120
					)
					for m in managers
				)
			)
			statuses = sorted(answer.status_code for answer in answers)
			assert statuses == [200, 417], [(a.status_code, a.text[-300:]) for a in answers]
			refusal = next(a for a in answers if a.status_code == 417)
			assert "overlaps" in refusal.text, refusal.text[:600]
			frappe.db.rollback()
			made = frappe.get_all(
				"Salesperson Commission", filters={"sales_person": users.sales, **period}, pluck="name"
			)
			assert len(made) == 1, made
			frappe.delete_doc("Salesperson Commission", made[0], force=True, ignore_permissions=True)
			frappe.db.commit()
	finally:
		frappe.db.rollback()
		for name in frappe.get_all(
			"Salesperson Commission", filters={"sales_person": users.sales, **period}, pluck="name"
		):
			frappe.delete_doc("Salesperson Commission", name, force=True, ignore_permissions=True)
		frappe.db.commit()
