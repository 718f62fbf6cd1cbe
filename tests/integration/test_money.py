"""Issue 13, money: advances, offsets (冲款), refunds, write-off rules and invoicing after delivery, over
HTTP against a multi-worker server, as the real roles. After every step the books hold:
received + write-off + outstanding = total per receivable, and credit = advances − offsets − refunds per
customer (``invariants``)."""

import json
import random
import string

import frappe
import pytest
from factories import make_department, make_product, make_user
from frappe.utils import add_days, getdate, nowdate, random_string
from frappe.utils.password import update_password
from invariants import customer_credit, violations
from server import Server
from test_concurrency import at_once

PASSWORD = "Money-Sales-CRM-2026!"


@pytest.fixture(scope="module")
def money(bench, site):
	tag = random_string(5).lower()
	users = frappe._dict(
		sales=make_user(f"money-sales-{tag}@example.com", "Sales User"),
		manager=make_user(f"money-manager-{tag}@example.com", "Sales User", "Sales Manager"),
		accounts=make_user(f"money-accounts-{tag}@example.com", "Accounts User"),
		director=make_user(f"money-director-{tag}@example.com", "Sales User", "Sales Director"),
	)
	for user in users.values():
		update_password(user, PASSWORD)
	make_department(users.manager, [users.sales])
	product = make_product(standard_rate=100).name
	frappe.db.commit()
	srv = Server(bench, site, workers=4).start()
	clients = frappe._dict({key: srv.session(user, PASSWORD) for key, user in users.items()})
	yield frappe._dict(server=srv, users=users, clients=clients, product=product)
	srv.stop()


def settings(**values):
	"""Change Sales CRM Settings for the server too (the cached document is cleared on save)."""
	frappe.db.rollback()
	doc = frappe.get_single("Sales CRM Settings")
	before = {key: doc.get(key) for key in values}
	doc.update(values)
	doc.save(ignore_permissions=True)
	frappe.db.commit()
	return before


def order_of(m, qty: int, deliver=True) -> tuple[str, str]:
	"""A customer and a submitted direct order of ``qty`` × 100 (no tax), delivered unless told."""
	c = m.clients
	customer = c.sales.insert({"doctype": "Sales Customer", "customer_name": f"Money {random_string(6)}"})
	order = c.sales.insert(
		{
			"doctype": "Customer Order",
			"customer": customer["name"],
			"tax_rate": 0,
			"items": [{"product": m.product, "qty": qty, "price_list_rate": 100}],
		}
	)
	assert c.director.submit("Customer Order", order["name"]).ok
	if deliver:
		c.director.ok("sales_crm.api.deliver_order", order=order["name"])
	return customer["name"], order["name"]


def invoice(m, order: str, amount) -> str:
	return m.clients.accounts.ok(
		"sales_crm.api.invoice_order",
		order=order,
		invoice_no=f"M-{random_string(6)}",
		invoice_date="2026-11-20",
		amount=amount,
	)


def books_hold(customer: str) -> dict:
	"""Every invariant holds; the customer's credit per currency (documents = advances' credit = field)."""
	assert violations() == []
	credit = customer_credit(customer)
	left = dict(
		frappe.db.sql(
			"""select currency, sum(unallocated_amount) from `tabSales Receipt`
			where customer = %s and docstatus = 1 and receipt_type = 'Advance' group by currency""",
			customer,
		)
	)
	assert {k: round(float(v), 2) for k, v in left.items() if v} == {k: v for k, v in credit.items() if v}
	assert frappe.db.get_value("Sales Customer", customer, "credit_balance") == sum(credit.values())
	return credit


def receivable_state(name: str) -> tuple:
	frappe.db.rollback()
	return frappe.db.get_value(
		"Sales Receivable", name, ["received_amount", "write_off_amount", "outstanding_amount", "status"]
	)


def submit(client, doctype: str, doc: dict) -> str:
	name = client.insert(doc)["name"]
	r = client.submit(doctype, name)
	assert r.ok, r.text[:600]
	return name


def post_advance(client, customer: str, amount: float, **extra) -> str:
	"""A submitted CNY Advance receipt of ``amount`` from ``customer`` (``extra``: e.g. its allocations)."""
	doc = {"doctype": "Sales Receipt", "receipt_type": "Advance", "customer": customer, "currency": "CNY"}
	return submit(client, "Sales Receipt", {**doc, "paid_amount": amount, **extra})


def ageing_outstanding(customer: str, report_date) -> float:
	"""The customer's outstanding in Receivable Ageing as of ``report_date`` (as Administrator)."""
	from frappe.desk.query_report import run

	filters = {"group_by": "customer", "report_date": str(report_date), "customer": customer}
	result = run("Receivable Ageing", {**filters, "from_date": "2000-01-01", "to_date": "2100-12-31"})
	rows = [r for r in result["result"] if isinstance(r, dict) and r.get("party") == customer]
	return sum(r["outstanding_amount"] for r in rows)


def redate(doctype: str, name: str, field: str, day) -> None:
	"""A test's set-up moves a posted receipt or offset to another date without a client path (uncommitted),
	and keeps what the chain keeps of the date: its allocation rows' and its receivables' settled dates."""
	from sales_crm import chain

	frappe.db.set_value(doctype, name, field, day)
	chain.fill_carried(doctype, name, name)
	receivables = frappe.get_all(
		"Sales Receipt Allocation", {"parent": name, "parenttype": doctype}, pluck="sales_receivable"
	)
	chain.roll_up(frappe._dict(flags=frappe._dict(chain_targets={"Sales Receivable": receivables})))


def cancel(client, doctype: str, name: str):
	return client.call("frappe.client.cancel", doctype=doctype, name=name)


def test_advance_offset_refund_and_cancel(money):
	m, acc = money, money.clients.accounts
	customer, order = order_of(m, 10)
	ar1, ar2 = invoice(m, order, 600), invoice(m, order, 400)

	# an advance of 1,500 pays 600 of one receivable: 900 stays on account
	advance = post_advance(
		acc, customer, 1500, allocations=[{"sales_receivable": ar1, "allocated_amount": 600}]
	)
	assert receivable_state(ar1) == (600, 0, 0, "Paid")
	assert acc.get("Sales Receipt", advance)["unallocated_amount"] == 900
	assert books_hold(customer) == {"CNY": 900}
	assert frappe.db.get_value("Customer Order", order, "received_amount") == 600

	# the credit is offset against the other receivable (冲款)
	draft = acc.ok("sales_crm.api.make_offset", receipt=advance)
	assert [(r["sales_receivable"], r["allocated_amount"]) for r in draft["allocations"]] == [(ar2, 400)]
	offset = submit(acc, "Sales Credit Offset", draft)
	assert receivable_state(ar2) == (400, 0, 0, "Paid")
	assert acc.get("Sales Receipt", advance)["offset_amount"] == 400
	assert books_hold(customer) == {"CNY": 500}
	assert ageing_outstanding(customer, nowdate()) == 0
	# Receivable Ageing as of a day before an offset: the receivable still owed then what it settled
	frappe.db.rollback()
	redate("Sales Credit Offset", offset, "posting_date", add_days(nowdate(), 2))
	assert ageing_outstanding(customer, add_days(nowdate(), 1)) == 400
	assert ageing_outstanding(customer, add_days(nowdate(), 2)) == 0
	frappe.db.rollback()
	frappe.db.rollback()
	assert frappe.db.get_value("Customer Order", order, ["received_amount", "per_collected"]) == (1000, 100)

	# an advance others draw on cannot be cancelled; the message names them
	r = cancel(acc, "Sales Receipt", advance)
	assert r.status_code == 417 and offset in r.text, r.text[:400]

	# a refund pays back part of the credit; never more than is left
	refund = acc.ok("sales_crm.api.make_refund", receipt=advance)
	assert (refund["receipt_type"], refund["against_receipt"], refund["paid_amount"]) == (
		"Refund",
		advance,
		500,
	)
	refund_name = submit(acc, "Sales Receipt", {**refund, "paid_amount": 200})
	assert books_hold(customer) == {"CNY": 300}
	r = acc.http.post(
		f"{acc.base}/api/resource/Sales Receipt", json={**refund, "paid_amount": 300.01}, timeout=60
	)
	assert r.status_code == 417 and "credit" in r.text, r.text[:400]

	# the report shows the same figures
	report = acc.ok(
		"frappe.desk.query_report.run",
		report_name="Customer Credit Balance",
		filters={"customer": customer, "from_date": "2000-01-01", "to_date": "2100-12-31"},
	)
	[row] = [r for r in report["result"] if isinstance(r, dict) and r.get("customer") == customer]
	assert (row["advances"], row["offsets"], row["refunds"], row["balance"]) == (900, 400, 200, 300)

	# everything reverses by cancel, in turn
	assert cancel(acc, "Sales Receipt", refund_name).ok
	assert books_hold(customer) == {"CNY": 500}
	assert cancel(acc, "Sales Credit Offset", offset).ok
	assert receivable_state(ar2) == (0, 0, 400, "Unpaid")
	assert books_hold(customer) == {"CNY": 900}
	assert cancel(acc, "Sales Receipt", advance).ok
	assert receivable_state(ar1) == (0, 0, 600, "Unpaid")
	assert books_hold(customer) == {}
	frappe.db.rollback()
	assert frappe.db.get_value("Customer Order", order, "received_amount") == 0


def test_the_ageing_as_of_an_earlier_date_reads_each_receivable_s_settled_dates(money):
	"""A receivable paid after the date owed its total then, one paid before owed nothing, one paid in parts
	on both sides of it owed what the later part settled; a cancel moves the dates back. The receivables
	keep the dates their receipts and offsets were posted on (first and last), the rows their document's."""
	m, acc = money, money.clients.accounts
	customer, order = order_of(m, 10)
	parts, before_only, after_only = invoice(m, order, 500), invoice(m, order, 300), invoice(m, order, 200)

	def paid(day, *allocations):
		rows = [{"sales_receivable": ar, "allocated_amount": amount} for ar, amount in allocations]
		doc = {"doctype": "Sales Receipt", "customer": customer, "receipt_date": day, "allocations": rows}
		return submit(acc, "Sales Receipt", doc)

	paid("2026-11-25", (parts, 200), (before_only, 300))
	later = paid("2026-11-30", (parts, 300), (after_only, 200))
	frappe.db.rollback()
	settled = {
		ar: frappe.db.get_value("Sales Receivable", ar, ["first_settled_on", "last_settled_on"], as_dict=True)
		for ar in (parts, before_only, after_only)
	}
	assert {ar: (str(d.first_settled_on), str(d.last_settled_on)) for ar, d in settled.items()} == {
		parts: ("2026-11-25", "2026-11-30"),
		before_only: ("2026-11-25", "2026-11-25"),
		after_only: ("2026-11-30", "2026-11-30"),
	}
	assert ageing_outstanding(customer, "2026-11-24") == 1000  # nothing settled yet: every total
	assert ageing_outstanding(customer, "2026-11-27") == 300 + 200  # the later part of one, all of another
	assert ageing_outstanding(customer, "2026-11-30") == 0
	assert books_hold(customer) == {}

	assert cancel(acc, "Sales Receipt", later).ok
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Receivable", parts, ["first_settled_on", "last_settled_on"]) == (
		getdate("2026-11-25"),
		getdate("2026-11-25"),
	)
	assert frappe.db.get_value("Sales Receivable", after_only, ["first_settled_on", "last_settled_on"]) == (
		None,
		None,
	)
	assert ageing_outstanding(customer, "2026-11-27") == 300 + 200
	assert ageing_outstanding(customer, "2026-12-01") == 300 + 200
	assert books_hold(customer) == {}


def test_offsets_and_refunds_are_checked(money):
	m, acc = money, money.clients.accounts
	customer, order = order_of(m, 5)
	receivable = invoice(m, order, 500)
	other_customer, other_order = order_of(m, 1)
	advance = post_advance(acc, customer, 300)
	assert books_hold(customer) == {"CNY": 300}
	base = {"doctype": "Sales Credit Offset", "customer": customer, "credit_receipt": advance}
	for doc, words in (
		({**base, "allocations": [{"sales_receivable": receivable, "allocated_amount": 300.01}]}, "credit"),
		(
			{
				**base,
				"allocations": [{"sales_receivable": invoice(m, other_order, 100), "allocated_amount": 1}],
			},
			other_customer,
		),
		(
			{
				**base,
				"allocations": [
					{"sales_receivable": receivable, "allocated_amount": 1, "write_off_amount": 1}
				],
			},
			"write",
		),
	):
		r = acc.http.post(f"{acc.base}/api/resource/Sales Credit Offset", json=doc, timeout=60)
		assert r.status_code == 417 and words in r.text, r.text[:400]
	# a payment draws on nothing, and a refund names an advance
	r = acc.http.post(
		f"{acc.base}/api/resource/Sales Receipt",
		json={"doctype": "Sales Receipt", "receipt_type": "Refund", "customer": customer, "paid_amount": 10},
		timeout=60,
	)
	assert r.status_code == 417 and "Against Receipt" in r.text, r.text[:400]
	# a salesperson may not create them
	r = m.clients.sales.http.post(
		f"{acc.base}/api/resource/Sales Credit Offset",
		json={**base, "allocations": [{"sales_receivable": receivable, "allocated_amount": 100}]},
		timeout=60,
	)
	assert r.status_code == 403
	# nor write the credit balance: it is the advances'
	r = m.clients.sales.update("Sales Customer", customer, {"credit_balance": 99999})
	assert r.status_code == 417 and "Credit Balance" in r.text, r.text[:300]
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Customer", customer, "credit_balance") == 300
	assert books_hold(customer) == {"CNY": 300}


def test_two_offsets_of_one_advance_at_once_one_wins(money):
	m = money
	clients = [m.server.session(m.users.accounts, PASSWORD) for _ in range(2)]
	for _round in range(5):
		customer, order = order_of(m, 14)
		receivables = [invoice(m, order, 700), invoice(m, order, 700)]
		advance = post_advance(clients[0], customer, 1000)
		drafts = [
			clients[0].insert(
				{
					"doctype": "Sales Credit Offset",
					"customer": customer,
					"credit_receipt": advance,
					"allocations": [{"sales_receivable": receivables[k], "allocated_amount": 700}],
				}
			)
			for k in range(2)
		]
		results = at_once(
			*(lambda k=k: clients[k].submit("Sales Credit Offset", drafts[k]["name"]) for k in range(2))
		)
		assert sorted(r.status_code for r in results) == [200, 417], [r.text[:300] for r in results]
		assert "credit" in next(r.text for r in results if not r.ok)
		assert books_hold(customer) == {"CNY": 300}
		assert frappe.db.count("Sales Credit Offset", {"credit_receipt": advance, "docstatus": 1}) == 1


def test_a_refund_and_an_offset_of_one_credit_at_once(money):
	m = money
	clients = [m.server.session(m.users.accounts, PASSWORD) for _ in range(2)]
	customer, order = order_of(m, 8)
	receivable = invoice(m, order, 800)
	advance = post_advance(clients[0], customer, 1000)
	offset = clients[0].insert(
		{
			"doctype": "Sales Credit Offset",
			"credit_receipt": advance,
			"customer": customer,
			"allocations": [{"sales_receivable": receivable, "allocated_amount": 800}],
		}
	)
	refund = clients[1].insert(
		{**clients[1].ok("sales_crm.api.make_refund", receipt=advance), "paid_amount": 600}
	)
	results = at_once(
		lambda: clients[0].submit("Sales Credit Offset", offset["name"]),
		lambda: clients[1].submit("Sales Receipt", refund["name"]),
	)
	assert sorted(r.status_code for r in results) == [200, 417], [r.text[:300] for r in results]
	credit = books_hold(customer)
	assert credit == ({"CNY": 200} if results[0].ok else {"CNY": 400})


def test_a_posting_reads_an_offset_committed_after_its_snapshot(money):
	"""The advance's credit is derived from its offsets and refunds as committed, not as the posting's
	transaction first saw them: an offset another request committed after this transaction's first read
	(while this one would wait for the advance's lock) is counted, never undone."""
	from sales_crm import chain, reads

	m = money
	customer, order = order_of(m, 8)
	receivable = invoice(m, order, 800)
	advance = post_advance(m.clients.accounts, customer, 1000)
	frappe.db.rollback()
	assert frappe.db.sql("select count(*) from `tabSales Credit Offset`")  # this transaction's snapshot
	submit(
		m.clients.accounts,
		"Sales Credit Offset",
		{
			"doctype": "Sales Credit Offset",
			"credit_receipt": advance,
			"customer": customer,
			"allocations": [{"sales_receivable": receivable, "allocated_amount": 300}],
		},
	)
	try:
		reads.lock("Sales Receipt", [advance])
		chain._refresh_credits([advance], set())
		stored = reads.row("Sales Receipt", advance, ["unallocated_amount", "offset_amount"], for_update=True)
		assert (stored.unallocated_amount, stored.offset_amount) == (700, 300)
		credit = frappe.db.sql(
			"select credit_balance from `tabSales Customer` where name = %s for update", customer
		)[0][0]
		assert credit == 700
	finally:
		frappe.db.rollback()
	assert books_hold(customer) == {"CNY": 700}


def test_write_off_reason_and_director_approval(money):
	m, acc = money, money.clients.accounts
	before = settings(write_off_tolerance_percent=1, write_off_approval_limit=100)
	try:
		customer, order = order_of(m, 30)
		receivables = [invoice(m, order, 1000) for _ in range(3)]

		def receipt(receivable, allocated, write_off, reason=None):
			return {
				"doctype": "Sales Receipt",
				"customer": customer,
				"allocations": [
					{
						"sales_receivable": receivable,
						"allocated_amount": allocated,
						"write_off_amount": write_off,
						"write_off_reason": reason,
					}
				],
			}

		# within 1 % (bank charges): no reason needed
		submit(acc, "Sales Receipt", receipt(receivables[0], 990, 10))
		assert receivable_state(receivables[0]) == (990, 10, 0, "Paid")
		# above it: a reason from the master
		r = acc.http.post(
			f"{acc.base}/api/resource/Sales Receipt", json=receipt(receivables[1], 950, 50), timeout=60
		)
		assert r.status_code == 417 and "Write-off Reason" in r.text, r.text[:400]
		r = acc.http.post(
			f"{acc.base}/api/resource/Sales Receipt",
			json=receipt(receivables[1], 950, 50, "No Such Reason"),
			timeout=60,
		)
		assert r.status_code == 417
		submit(acc, "Sales Receipt", receipt(receivables[1], 950, 50, "Bank Charges"))  # 50 ≤ the limit
		# above the limit: a director approves first
		draft = acc.insert(receipt(receivables[2], 800, 200, "Bad Debt"))
		assert draft["needs_write_off_approval"] == 1 and not draft.get("write_off_approved_by")
		r = acc.submit("Sales Receipt", draft["name"])
		assert r.status_code == 403 and "Sales Director" in r.text, r.text[:400]
		forged = acc.update("Sales Receipt", draft["name"], {"write_off_approved_by": m.users.director})
		assert forged.status_code == 417 and "Write" in forged.text, forged.text[:300]  # server-written only
		frappe.db.rollback()
		assert not frappe.db.get_value("Sales Receipt", draft["name"], "write_off_approved_by")
		assert acc.call("sales_crm.api.approve_write_off", receipt=draft["name"]).status_code == 403
		approved = m.clients.director.ok("sales_crm.api.approve_write_off", receipt=draft["name"])
		assert approved["approved_by"] == m.users.director
		# editing after approval voids it
		rows = acc.get("Sales Receipt", draft["name"])["allocations"]
		rows[0].update(allocated_amount=801, write_off_amount=199)
		edited = acc.update("Sales Receipt", draft["name"], {"allocations": rows})
		assert edited.ok and not edited.json()["data"].get("write_off_approved_by"), edited.text[:400]
		assert acc.submit("Sales Receipt", draft["name"]).status_code == 403
		m.clients.director.ok("sales_crm.api.approve_write_off", receipt=draft["name"])
		assert acc.submit("Sales Receipt", draft["name"]).ok
		assert receivable_state(receivables[2]) == (801, 199, 0, "Paid")
		assert violations() == []
	finally:
		settings(**before)


def test_invoice_only_what_was_delivered(money):
	m, acc = money, money.clients.accounts
	_customer, order = order_of(m, 10, deliver=False)
	r = acc.call(
		"sales_crm.api.invoice_order",
		order=order,
		invoice_no="UNDELIVERED",
		invoice_date="2026-11-20",
		amount=1,
	)
	assert r.status_code == 417 and "delivered" in r.text, r.text[:400]
	m.clients.director.ok("sales_crm.api.deliver_order", order=order, items={"1": 4})
	r = acc.call(
		"sales_crm.api.invoice_order", order=order, invoice_no="D1", invoice_date="2026-11-20", amount=400.01
	)
	assert r.status_code == 417 and "delivered" in r.text and order in r.text, r.text[:400]
	first = acc.ok("sales_crm.api.invoice_order", order=order, invoice_no="D2", invoice_date="2026-11-20")
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Receivable", first, "total_amount") == 400  # the delivered value
	before = settings(allow_invoice_before_delivery=1)
	try:
		second = invoice(m, order, 600)  # the rest, before it is delivered
		frappe.db.rollback()
		assert frappe.db.get_value("Customer Order", order, "invoiced_amount") == 1000
		assert frappe.db.get_value("Sales Receivable", second, "total_amount") == 600
	finally:
		settings(**before)
	assert violations() == []


def test_the_demo_has_advances_offsets_and_refunds():
	import random
	from decimal import ROUND_HALF_UP, Decimal

	from invariants import credit_violations

	from sales_crm import demo

	seed = random.randint(10_000_000, 99_999_999)
	counts = demo.make_demo(2000, seed=seed, commit=False)
	assert counts["Sales Credit Offset"] > 0
	prefix = f"DEMO{seed}-"
	advances = frappe.get_all(
		"Sales Receipt",
		filters={"name": ["like", prefix + "%"], "receipt_type": "Advance", "docstatus": 1},
		fields=["customer", "unallocated_amount", "exchange_rate"],
	)
	assert len(advances) == counts["Sales Credit Offset"]  # each offset against a receivable
	# every advance's credit left is what its offsets and refunds left, and each customer's credit balance
	# the sum of its advances' (the demo's customers included)
	assert credit_violations() == []
	# in exact decimals, half away from zero (Python's round() on the float product can land a cent low)
	cent = Decimal("0.01")
	for customer in {a.customer for a in advances}:
		left = sum(
			(Decimal(str(a.unallocated_amount)) * Decimal(str(a.exchange_rate))).quantize(cent, ROUND_HALF_UP)
			for a in advances
			if a.customer == customer
		)
		balance = Decimal(str(frappe.db.get_value("Sales Customer", customer, "credit_balance")))
		assert balance == left, customer
	frappe.db.rollback()


def test_credit_is_rounded_as_the_database_re_sums_it():
	"""A credit increment and the database's re-sum round the same half cent the same way, whatever the
	site's rounding method: else a balance drifts a cent from its advances after a repair."""
	from sales_crm.chain import base_credit

	cases = [(0.345, 1), (1.005, 1), (2.675, 1), (0.125, 3), (10.5, 0.123), (33.33, 7.1234)]
	settings = getattr(frappe.local, "system_settings", None)
	for method in ("Banker's Rounding", "Banker's Rounding (legacy)", "Commercial Rounding"):
		frappe.local.system_settings = frappe._dict(rounding_method=method)
		try:
			for amount, rate in cases:
				expected = frappe.db.sql(
					"select round(cast(%s as decimal(21, 9)) * cast(%s as decimal(21, 9)), 2)",
					(amount, rate),
				)[0][0]
				assert base_credit(amount, rate) == float(expected), (method, amount, rate)
		finally:
			if settings is None:
				del frappe.local.system_settings
			else:
				frappe.local.system_settings = settings


def desk_save(client, doc: dict, action: str, opened: bool = True):
	"""``doc`` saved back whole, as a desk form does (``savedocs``); an open form sends the time it loaded
	the record (``__last_sync_on``)."""
	if opened:
		doc = {**doc, "__last_sync_on": "2026-12-06T09:00:00.000Z"}
	return client.call("frappe.desk.form.save.savedocs", doc=json.dumps(doc, default=str), action=action)


def test_a_form_opened_before_a_posting_saves_with_the_current_figures(money):
	"""A receipt moves the receivable's received amount and an advance the customer's credit, neither an
	edit of those records (their ``modified`` stays): a form opened before them still saves what its user
	typed, and the stored figures stand. A copy of the same figures that is not a desk form's is refused."""
	m, acc = money, money.clients.accounts
	customer, order = order_of(m, 5)
	receivable = invoice(m, order, 500)
	receivable_form = acc.get("Sales Receivable", receivable)
	customer_form = m.clients.sales.get("Sales Customer", customer)
	# 200 of the receivable paid, 300 left on account
	post_advance(acc, customer, 500, allocations=[{"sales_receivable": receivable, "allocated_amount": 200}])

	fapiao = "".join(random.choice(string.digits) for _ in range(8))
	r = desk_save(acc, {**receivable_form, "fapiao_type": "增值税普通发票", "fapiao_no": fapiao}, "Update")
	assert r.ok, r.text[:600]
	assert "changed since the form was opened" in r.text and "Received Amount" in r.text, r.text[:600]
	frappe.db.rollback()
	stored = frappe.db.get_value(
		"Sales Receivable",
		receivable,
		["fapiao_no", "received_amount", "outstanding_amount", "status"],
		as_dict=True,
	)
	assert (stored.fapiao_no, stored.received_amount, stored.outstanding_amount) == (fapiao, 200, 300), stored

	phone = "+86 138 " + "".join(random.choice(string.digits) for _ in range(8))
	r = desk_save(m.clients.sales, {**customer_form, "phone": phone}, "Save")
	assert r.ok, r.text[:600]
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Customer", customer, ["phone", "credit_balance"]) == (phone, 300)

	# the same old copy sent by another client is a write of the credit balance: refused, nothing saved
	current = m.clients.sales.get("Sales Customer", customer)
	old_copy = {**current, "credit_balance": customer_form["credit_balance"], "phone": "+86 139 0000 0000"}
	r = desk_save(m.clients.sales, old_copy, "Save", opened=False)
	assert r.status_code == 417, r.text[:400]
	assert "Credit Balance" in r.text and "computed by the system" in r.text, r.text[:400]
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Customer", customer, "phone") == phone

	# the form's marker changes the answer, never the figure: sent down every other write path with a forged
	# credit balance, it writes nothing of it
	sales, marker = m.clients.sales, {"__last_sync_on": "2026-12-06T09:00:00.000Z"}
	forged = {"credit_balance": 99999, **marker}
	paths = {
		"put": lambda: sales.update("Sales Customer", customer, forged),
		"set_value": lambda: sales.call(
			"frappe.client.set_value", doctype="Sales Customer", name=customer, fieldname=forged
		),
		"bulk_update": lambda: sales.call(
			"frappe.client.bulk_update",
			docs=[{"doctype": "Sales Customer", "docname": customer, **forged}],
		),
		"run_doc_method": lambda: sales.http.post(
			f"{sales.base}/api/method/run_doc_method",
			data={
				"docs": json.dumps({**sales.get("Sales Customer", customer), **forged}, default=str),
				"method": "save",
			},
			timeout=120,
		),
		"savedocs": lambda: desk_save(sales, {**sales.get("Sales Customer", customer), **forged}, "Save"),
	}
	for path, send in paths.items():
		r = send()
		assert r.status_code < 500, (path, r.status_code, r.text[:300])
		frappe.db.rollback()
		assert frappe.db.get_value("Sales Customer", customer, "credit_balance") == 300, path
	assert books_hold(customer) == {"CNY": 300}


def test_an_invoice_refused_as_a_deadlock_is_posted_again_and_only_then_a_conflict(monkeypatch):
	"""``invoice_order`` posted again after MariaDB chose it as a deadlock's victim (the same invoice number
	then finds its receivable); refused every time, it is a 409 naming the order, never a 500."""
	from sales_crm import api

	tries = []

	def refused_once(order, invoice_no, *args):
		tries.append(invoice_no)
		if len(tries) == 1:
			raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")
		return "AR-RETRIED"

	monkeypatch.setattr(api.orders, "invoice_order", refused_once)
	answer = api.invoice_order(order="ORD-RACE", invoice_no="INV-RACE", invoice_date="2026-12-01")
	assert answer == "AR-RETRIED" and tries == ["INV-RACE", "INV-RACE"]

	def always_refused(*args):
		tries.append(args[1])
		raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")

	tries.clear()
	monkeypatch.setattr(api.orders, "invoice_order", always_refused)
	try:
		with pytest.raises(api.PostingConflict) as refused:
			api.invoice_order(order="ORD-RACE", invoice_no="INV-RACE", invoice_date="2026-12-01")
	finally:
		frappe.clear_messages()
	assert refused.value.http_status_code == 409 and "ORD-RACE" in str(refused.value)
	assert len(tries) == 5  # every try, then the conflict
