"""Hostile input over REST, generated with hypothesis against a running two-worker server.

Every DocType of the module is inserted and updated with wrong types, huge and unicode strings, SQL
and HTML fragments, NaN/infinite/huge numbers, unknown links and missing fields; every whitelisted
function of sales_crm.api is called likewise; workflow actions are applied at random. At least 2,000
requests; none may answer 5xx, every 4xx carries a message, and afterwards the invariants hold.
"""

import collections
import inspect
import json
import random

import frappe
import pytest
from factories import hand_over, make_department, make_user, pipeline
from frappe.utils import random_string
from frappe.utils.password import update_password
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import violations
from server import Server

PASSWORD = "Fuzz-Sales-CRM-2026!"
SENT = collections.Counter()
HOSTILE_TEXT = [
	"' OR '1'='1",
	"1; DROP TABLE `tabSales Lead`; --",
	'"; select sleep(5); --',
	"<img src=x onerror=alert(1)>",
	"<script>alert(document.cookie)</script>",
	"{{ frappe.db.sql('select 1') }}",
	"{% for x in range(10**9) %}{% endfor %}",
	"../../../etc/passwd",
	"\x00\x01\x02",
	"𝕊𝕒𝕝𝕖𝕤 " * 30,
	"客户" * 300,
	"a" * 20000,
	"%s%s%s%n",
	"NaN",
	"-Infinity",
	"1e309",
	"0x7fffffff",
	"2026-13-45",
	"null",
	"[]",
]
HOSTILE = st.one_of(
	st.none(),
	st.booleans(),
	st.integers(min_value=-(2**70), max_value=2**70),
	st.floats(allow_nan=True, allow_infinity=True),
	st.text(max_size=200),
	st.sampled_from(HOSTILE_TEXT),
	st.lists(st.integers(), max_size=3),
	st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
)
FUZZ = settings(
	max_examples=60,
	deadline=None,
	database=None,
	suppress_health_check=list(HealthCheck),
	derandomize=True,
)


@pytest.fixture(scope="module")
def world(bench, site):
	"""Committed records for the fuzzer to aim at, users, and a server."""
	tag = random_string(5).lower()
	director = make_user(f"fuzz-director-{tag}@example.com", "Sales User", "Sales Manager", "Sales Director")
	accounts = make_user(f"fuzz-accounts-{tag}@example.com", "Accounts User")
	sales = make_user(f"fuzz-sales-{tag}@example.com", "Sales User")
	for user in (director, accounts, sales):
		update_password(user, PASSWORD)
	department = make_department(director, [sales]).name
	records = [pipeline("receivable") for _ in range(2)]
	# the salesperson's own world (a salesperson links only records they may read, in their department):
	# what a real user's plausible documents name
	for p in records:
		for key, doctype in (
			("customer", "Sales Customer"),
			("opportunity", "Sales Opportunity"),
			("quotation", "Sales Quotation"),
			("contract", "Sales Contract"),
			("order", "Customer Order"),
			("receivable", "Sales Receivable"),
		):
			hand_over(doctype, p[key], {"sales_person": sales, "sales_department": department})
	frappe.db.commit()
	names = collections.defaultdict(list)
	for p in records:
		for key, doctype in (
			("customer", "Sales Customer"),
			("opportunity", "Sales Opportunity"),
			("quotation", "Sales Quotation"),
			("contract", "Sales Contract"),
			("order", "Customer Order"),
			("receivable", "Sales Receivable"),
		):
			names[doctype].append(p[key])
	for doctype in ("Sales Lead", "Sales Product", "Sales Method", "Price Strategy"):
		names[doctype] = frappe.get_all(doctype, pluck="name", limit=5)
	names["Sales Department"] = [department]
	srv = Server(bench, site, workers=2).start()
	clients = {
		"director": srv.session(director, PASSWORD),
		"accounts": srv.session(accounts, PASSWORD),
		"sales": srv.session(sales, PASSWORD),
	}
	yield frappe._dict(server=srv, clients=clients, names=names, users=[director, accounts, sales])
	srv.stop()


def doctypes() -> list[str]:
	return sorted(
		frappe.get_all("DocType", filters={"module": "Sales CRM", "istable": 0, "issingle": 0}, pluck="name")
	)


def plausible(df, names) -> st.SearchStrategy:
	"""A value of the right kind, so that some requests pass the first checks and reach deeper code."""
	t = df.fieldtype
	if t == "Link":
		return st.sampled_from((names.get(df.options) or ["No Such Record"]) + ["No Such Record"])
	if t == "Select" and df.options:
		return st.sampled_from(df.options.split("\n"))
	if t in ("Float", "Currency", "Percent"):
		return st.one_of(st.integers(min_value=-5, max_value=5000), st.floats(min_value=-1, max_value=1e6))
	if t in ("Int", "Check"):
		return st.integers(min_value=-2, max_value=40)
	if t == "Date":
		return st.sampled_from(["2026-11-01", "2026-01-31", "2025-12-31"])
	return st.text(max_size=30)


def doc_strategy(doctype, names, depth=0) -> st.SearchStrategy:
	meta = frappe.get_meta(doctype)
	fields = {}
	for df in meta.fields:
		if df.fieldtype in ("Section Break", "Column Break", "Tab Break", "HTML", "Button"):
			continue
		if df.fieldtype == "Table":
			if depth == 0:
				fields[df.fieldname] = st.one_of(
					st.lists(doc_strategy(df.options, names, depth + 1), max_size=3), HOSTILE
				)
			continue
		fields[df.fieldname] = st.one_of(plausible(df, names), HOSTILE)
	fields["no_such_field"] = HOSTILE
	return st.fixed_dictionaries({}, optional=fields)


def check(response, what: str):
	SENT["requests"] += 1
	SENT[response.status_code // 100] += 1
	assert response.status_code < 500, f"{what} → {response.status_code}: {response.text[:2000]}"
	if response.status_code >= 400:
		try:
			body = response.json()
		except ValueError:
			pytest.fail(f"{what} → {response.status_code} without a JSON message: {response.text[:300]}")
		assert (
			body.get("exc_type")
			or body.get("_server_messages")
			or body.get("message")
			or body.get("exception")
		), f"{what} → {response.status_code} without a message: {response.text[:300]}"


def send_json(client, method: str, path: str, payload):
	body = json.dumps(payload, allow_nan=True, default=str)
	return client.http.request(
		method,
		f"{client.server.url}{path}",
		data=body.encode(),
		headers={"Content-Type": "application/json"},
		timeout=120,
	)


def test_fuzz_inserts(world):
	for doctype in doctypes():
		strategy = doc_strategy(doctype, world.names)

		@FUZZ
		@given(doc=strategy, who=st.sampled_from(["director", "sales", "accounts"]))
		def run(doc, who):
			client = world.clients[who]
			r = send_json(client, "POST", f"/api/resource/{doctype}", doc)
			check(r, f"{who} insert {doctype} {str(doc)[:300]}")

		run()


def test_fuzz_updates(world):
	targets = [(dt, n) for dt, names in world.names.items() for n in names[:2] if dt != "Sales Method"]

	@settings(FUZZ, max_examples=300)
	@given(data=st.data())
	def run(data):
		doctype, name = data.draw(st.sampled_from(targets))
		doc = data.draw(doc_strategy(doctype, world.names))
		if data.draw(st.booleans()):
			doc["docstatus"] = data.draw(st.sampled_from([0, 1, 2, 7, "1", None]))
		who = data.draw(st.sampled_from(["director", "sales", "accounts"]))
		r = send_json(world.clients[who], "PUT", f"/api/resource/{doctype}/{name}", doc)
		check(r, f"{who} update {doctype} {name} {str(doc)[:300]}")

	run()


def api_functions():
	import sales_crm.api as api

	out = []
	for name, fn in inspect.getmembers(api, inspect.isfunction):
		if fn.__module__ == api.__name__ and not name.startswith("_") and fn in frappe.whitelisted:
			out.append((name, list(inspect.signature(fn).parameters)))
	return out


def test_fuzz_api(world):
	functions = api_functions()
	assert len(functions) >= 8
	every_name = [n for names in world.names.values() for n in names] + world.users

	for function, params in functions:

		@FUZZ
		@given(data=st.data())
		def run(data):
			kwargs = {}
			for param in params:
				if data.draw(st.integers(0, 9)) == 0:
					continue  # a missing argument
				kwargs[param] = data.draw(
					st.one_of(
						st.sampled_from(every_name),
						st.lists(st.sampled_from(every_name), max_size=3),
						st.sampled_from(["2026-11-01", "Monthly", "Basic", "INV-FUZZ-1"]),
						HOSTILE,
					)
				)
			who = data.draw(st.sampled_from(["director", "sales", "accounts"]))
			r = send_json(world.clients[who], "POST", f"/api/method/sales_crm.api.{function}", kwargs)
			check(r, f"{who} {function}({str(kwargs)[:300]})")

		run()


def test_fuzz_workflow_actions(world):
	targets = world.names["Sales Quotation"] + frappe.get_all("Sales Lead", pluck="name", limit=5)

	@settings(FUZZ, max_examples=150)
	@given(data=st.data())
	def run(data):
		name = data.draw(st.sampled_from(targets))
		doctype = "Sales Quotation" if name.startswith("QTN") else "Sales Lead"
		# a document reference (Frappe's own apply_workflow answers a non-object `doc` with a 500 before any
		# app code runs, so the hostile parts are the name, the DocType and the action)
		doc = {
			"doctype": data.draw(st.sampled_from([doctype, doctype, "Sales Receipt", "Customer Order"])),
			"name": data.draw(st.one_of(st.just(name), st.sampled_from(HOSTILE_TEXT), st.text(max_size=20))),
		}
		action = data.draw(
			st.one_of(
				st.sampled_from(["Approve", "Customer Accepted", "Customer Rejected", "Assign", "Mark Lost"]),
				HOSTILE,
			)
		)
		who = data.draw(st.sampled_from(["director", "sales", "accounts"]))
		r = send_json(
			world.clients[who],
			"POST",
			"/api/method/frappe.model.workflow.apply_workflow",
			{"doc": doc, "action": action},
		)
		check(r, f"{who} apply_workflow {doc} {action}")

	run()


# Mostly what users type, and the limits: the smallest and largest that pass, and the first that do not.
QUANTITIES = [1, 1, 2, 5, 10, 12, 0.5, 0.001, 999999, 0, -1]
RATES = [100, 100, 88.5, 12345.67, 0, 1, 99.99, 999999, -0.01]
PERCENTS = [0, 0, 5, 10, 13, 13, 99.99, 100, 100.01, -1]
# who sends what: the roles whose work it is (a role sending what it may not create is the permission
# matrix's to try, cell by cell), receipts and commissions sometimes by another
SENDERS = {
	"Sales Receipt": ["accounts", "accounts", "accounts", "director", "sales"],
	"Customer Commission": ["sales", "director", "director", "accounts"],
}


def plausible_doc(doctype: str, names, data) -> dict:
	"""A document a careful user might send: real customers, products, contracts and receivables (other
	users' among them), valid choices, and numbers at and just past the limits. Most pass validation."""
	pick = lambda values: data.draw(st.sampled_from(values))  # noqa: E731
	tag = random_string(6)
	items = lambda rate_field: [  # noqa: E731
		{
			"product": pick(names["Sales Product"]),
			"qty": pick(QUANTITIES),
			rate_field: pick(RATES),
			**({"discount_percentage": pick(PERCENTS)} if rate_field == "price_list_rate" else {}),
		}
		for _ in range(data.draw(st.integers(1, 3)))
	]
	if doctype == "Sales Lead":
		return {
			"company_name": f"{pick(['华东机械有限公司', 'Acme Pumps Co., Ltd.', '深圳电子', 'Nordic Steel'])} {tag}",
			"lead_source": pick(
				["Marketing Campaign", "Employee Referral", "800 Hotline", "Customer Referral"]
			),
			"phone": pick(["+86 21 5555 0101", "021-55550102", "１３８００１３８０００", ""]),
			"email": pick([f"{tag}@example.com", "", "not-an-email"]),
			"sales_department": pick(names["Sales Department"] or [None]),
		}
	if doctype == "Sales Customer":
		return {"customer_name": f"Plausible {tag}", "customer_type": pick(["Company", "Individual"])}
	if doctype == "Sales Opportunity":
		return {
			"opportunity_name": f"Deal {tag}",
			"customer": pick(names["Sales Customer"]),
			"items": items("rate"),
		}
	if doctype in ("Sales Quotation", "Sales Contract", "Customer Order"):
		return {
			"customer": pick(names["Sales Customer"]),
			"title": f"Plausible {tag}",
			"tax_rate": pick(PERCENTS),
			"items": items("price_list_rate"),
		}
	if doctype == "Sales Receipt":
		return {
			"customer": pick(names["Sales Customer"]),
			"allocations": [
				{
					"sales_receivable": pick(names["Sales Receivable"]),
					"allocated_amount": pick([0.01, 1, 50, 1e9]),
				}
			],
		}
	if doctype == "Customer Commission":
		return {
			"commission_name": f"Fee {tag}",
			"sales_contract": pick(names["Sales Contract"]),
			"commission_rate": pick(PERCENTS),
		}
	raise AssertionError(doctype)


def test_fuzz_plausible_documents(world):
	"""Requests shaped like a user's: they reach the deep rules, and every answer is a 2xx or a clear 4xx."""
	doctypes_ = [
		"Sales Lead",
		"Sales Customer",
		"Sales Opportunity",
		"Sales Quotation",
		"Sales Contract",
		"Customer Order",
		"Sales Receipt",
		"Customer Commission",
	]
	before = SENT[2]

	@settings(FUZZ, max_examples=400)
	@given(data=st.data())
	def run(data):
		doctype = data.draw(st.sampled_from(doctypes_))
		doc = plausible_doc(doctype, world.names, data)
		who = data.draw(st.sampled_from(SENDERS.get(doctype, ["sales", "sales", "director"])))
		r = send_json(world.clients[who], "POST", f"/api/resource/{doctype}", doc)
		check(r, f"{who} insert {doctype} {str(doc)[:300]}")
		SENT["plausible"] += 1
		SENT[f"plausible_{r.status_code // 100}xx"] += 1

	run()
	# most plausible requests pass validation (the others hit a limit on purpose, or a colleague's record)
	assert SENT[2] - before >= 150, SENT


def test_after_fuzzing(world):
	print(
		f"\nfuzz: {SENT['requests']} requests, 2xx {SENT[2]}, 4xx {SENT[4]}, 5xx {SENT[5]}"
		f" (of them plausible: {SENT['plausible']}, 2xx {SENT['plausible_2xx']}, 4xx {SENT['plausible_4xx']})"
	)
	assert SENT["requests"] >= 2000
	assert SENT[5] == 0
	assert violations() == []
