"""Faults while postings are in flight: the database or Redis going away, a gunicorn worker killed.

The server and its workers reach MariaDB and both Redis instances through TCP proxies the test controls
(tests/integration/proxy.py): cutting a proxy is, for them, the server restarting (every connection reset,
new ones refused), without touching the MariaDB and Redis that other benches on this machine share.

Each test posts receipts and invoices from several clients that retry what failed (as a client told to
retry would), brings the fault in while a posting is held mid-transaction (the test holds the row lock
the posting takes last, after it wrote its own rows), and then checks that nothing was left partial,
that every posting landed exactly once and that every money invariant holds. Each prints its outcome.
"""

import threading
import time
from collections import Counter
from urllib.parse import urlparse

import frappe
import psutil
import pytest
import requests
from factories import make_department, make_product, make_user
from frappe.utils import random_string
from frappe.utils.password import update_password
from invariants import violations
from proxy import Proxy
from server import Server, wait_for_lock_wait

PASSWORD = "Fault-Sales-CRM-2026!"


def _address(url: str) -> tuple[str, int]:
	parsed = urlparse(url)
	return parsed.hostname, parsed.port


@pytest.fixture(scope="module")
def rig(bench, site):
	conf = frappe.get_conf()
	proxies = frappe._dict(
		db=Proxy(conf.db_host or "127.0.0.1", int(conf.db_port or 3306)).start(),
		cache=Proxy(*_address(conf.redis_cache)).start(),
		queue=Proxy(*_address(conf.redis_queue)).start(),
	)
	env = {
		"FRAPPE_DB_HOST": "127.0.0.1",
		"FRAPPE_DB_PORT": str(proxies.db.port),
		"FRAPPE_REDIS_CACHE": f"redis://127.0.0.1:{proxies.cache.port}",
		"FRAPPE_REDIS_QUEUE": f"redis://127.0.0.1:{proxies.queue.port}",
	}
	tag = random_string(5).lower()
	users = frappe._dict(
		sales=make_user(f"fault-sales-{tag}@example.com", "Sales User"),
		manager=make_user(f"fault-manager-{tag}@example.com", "Sales User", "Sales Manager"),
		accounts=make_user(f"fault-accounts-{tag}@example.com", "Accounts User"),
		director=make_user(f"fault-director-{tag}@example.com", "Sales User", "Sales Director"),
	)
	for user in users.values():
		update_password(user, PASSWORD)
	make_department(users.manager, [users.sales])
	product = make_product(standard_rate=100).name
	frappe.db.commit()
	srv = Server(bench, site, workers=2, env=env).start()
	yield frappe._dict(server=srv, users=users, product=product, env=env, **proxies)
	srv.stop()
	for proxy in proxies.values():
		proxy.cut()


class Postings:
	"""Postings sent by clients that retry what failed, and every failed answer they saw."""

	def __init__(self):
		self.failures = Counter()
		self.lock = threading.Lock()
		self.landed: list[float] = []  # when each posting's final answer came
		self.bodies: dict[int, str] = {}  # a failed answer's body per status

	def send(self, call, deadline: float = 90) -> requests.Response:
		"""``call()`` until it lands (2xx) or is refused cleanly (409/417: e.g. an earlier attempt landed)."""
		end = time.monotonic() + deadline
		while time.monotonic() < end:
			try:
				r = call()
			except requests.ConnectionError:
				self._failed("connection reset")
				time.sleep(0.3)
				continue
			if r.ok or r.status_code in (409, 417):
				with self.lock:
					self.landed.append(time.monotonic())
				return r
			retry = r.headers.get("Retry-After")
			self.bodies[r.status_code] = r.text[:1000]
			self._failed(f"{r.status_code}" + (" with Retry-After" if retry else ""))
			time.sleep(min(float(retry or 0.5), 1))
		raise AssertionError("a posting did not land in 90 s")

	def _failed(self, what: str):
		with self.lock:
			self.failures[what] += 1

	def in_threads(self, calls: list, threads: int = 3) -> list:
		"""Send every call from ``threads`` clients at once; the final answers, in order."""
		answers = [None] * len(calls)

		def work(k):
			for i in range(k, len(calls), threads):
				answers[i] = self.send(calls[i])

		workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
		for w in workers:
			w.start()
		return workers, answers


def books(rig, receivables: int):
	"""A delivered order, ``receivables`` receivables on it with a draft receipt each, and a customer's draft
	advance: all over HTTP, as the clients of the tests."""
	users, srv = rig.users, rig.server
	sales, accounts = srv.session(users.sales, PASSWORD), srv.session(users.accounts, PASSWORD)
	customer = sales.insert({"doctype": "Sales Customer", "customer_name": f"Fault {random_string(6)}"})[
		"name"
	]
	order = sales.insert(
		{
			"doctype": "Customer Order",
			"customer": customer,
			"tax_rate": 0,
			"items": [{"product": rig.product, "qty": 1000, "price_list_rate": 100}],
		}
	)["name"]
	director = srv.session(users.director, PASSWORD)
	assert director.submit("Customer Order", order).ok
	director.ok("sales_crm.api.deliver_order", order=order)
	drafts = []
	for i in range(receivables):
		receivable = accounts.ok(
			"sales_crm.api.invoice_order",
			order=order,
			invoice_no=f"F{i}",
			invoice_date="2026-11-20",
			amount=100,
		)
		drafts.append(
			accounts.insert(accounts.ok("sales_crm.api.make_receipt", source_name=receivable))["name"]
		)
	advance = accounts.insert(
		{
			"doctype": "Sales Receipt",
			"receipt_type": "Advance",
			"customer": customer,
			"currency": "CNY",
			"paid_amount": 250,
		}
	)["name"]
	return frappe._dict(customer=customer, order=order, drafts=drafts, advance=advance, accounts=accounts)


def hold_customer_row(customer: str):
	"""Take the customer's row lock in the test's own transaction: an advance being submitted waits for it
	last, after it wrote the receipt (chain.add_credit), so the posting is held mid-transaction."""
	frappe.db.rollback()
	frappe.db.sql("select name from `tabSales Customer` where name = %s for update", customer)


def run_fault(rig, fault, receivables: int = 12) -> dict:
	"""Post the receipts and the advance of fresh books, and more invoices, with ``fault(release)`` brought
	in while the advance is held mid-transaction (``release()`` lets it go on); then check everything."""
	b = books(rig, receivables)
	posts = Postings()
	clients = [rig.server.session(rig.users.accounts, PASSWORD) for _ in range(3)]
	hold_customer_row(b.customer)
	held_thread, held = posts.in_threads([lambda: clients[0].submit("Sales Receipt", b.advance)], threads=1)
	wait_for_lock_wait("tabSales Customer", b.customer)
	calls = [lambda d=d, k=k: clients[k % 3].submit("Sales Receipt", d) for k, d in enumerate(b.drafts)]
	calls += [
		lambda k=k: clients[k % 3].call(
			"sales_crm.api.invoice_order",
			order=b.order,
			invoice_no=f"N{k}",
			invoice_date="2026-11-21",
			amount=50,
		)
		for k in range(receivables)
	]
	threads, answers = posts.in_threads(calls)
	started = time.monotonic()
	fault(lambda: frappe.db.rollback())
	ended = time.monotonic()
	frappe.db.rollback()
	for t in threads + held_thread:
		t.join()
	frappe.db.rollback()
	# every posting landed exactly once
	submitted = frappe.get_all(
		"Sales Receipt", filters={"name": ["in", [*b.drafts, b.advance]]}, pluck="docstatus"
	)
	assert submitted == [1] * (len(b.drafts) + 1)
	counts = dict(
		frappe.db.sql(
			"""select invoice_no, count(*) from `tabSales Receivable` where customer_order = %s and docstatus = 1
			group by invoice_no""",
			b.order,
		)
	)
	assert counts == {**{f"F{i}": 1 for i in range(receivables)}, **{f"N{k}": 1 for k in range(receivables)}}
	assert frappe.db.get_value("Sales Customer", b.customer, "credit_balance") == 250
	assert frappe.db.get_value("Customer Order", b.order, "received_amount") == 100 * receivables
	assert violations() == []
	refused = [a for a in answers + held if not a.ok]
	return frappe._dict(
		postings=len(calls) + 1,
		refused=[(a.status_code, a.json().get("exc_type")) for a in refused],
		failures=dict(posts.failures),
		during=sum(started <= t <= ended for t in posts.landed),
		bodies=posts.bodies,
	)


def report(capsys, fault: str, outcome):
	with capsys.disabled():
		print(
			f"\nfault: {fault}: {outcome.postings} postings ({outcome.during} answered while it lasted), each "
			"landed once; failed answers before a retry "
			f"landed: {outcome.failures or 'none'}; clean refusals at the end: {outcome.refused or 'none'}; "
			"invariants hold"
		)


def test_the_database_going_away_mid_posting_leaves_nothing_partial(rig, capsys):
	def outage(release):
		time.sleep(0.5)  # postings in flight
		rig.db.cut()
		time.sleep(1)
		release()  # the held advance goes on, on a server whose connection is gone
		time.sleep(2)
		rig.db.restore()

	outcome = run_fault(rig, outage)
	report(capsys, "MariaDB unreachable for 3 s", outcome)
	# refused connections are answered 503 with Retry-After; only the requests whose connection was cut
	# mid-transaction (at most one per client and the held one) get gunicorn's bare 500
	assert outcome.failures.get("503 with Retry-After", 0) > 0
	assert "The database is not reachable" in outcome.bodies[503]  # a message the client can show
	assert outcome.failures.get("500", 0) <= 4
	assert set(outcome.failures) <= {"503 with Retry-After", "500", "connection reset"}


def test_a_gunicorn_worker_killed_mid_posting_leaves_nothing_partial(rig, capsys):
	def kill(release):
		time.sleep(0.5)
		workers = psutil.Process(rig.server.proc.pid).children()
		for worker in workers:
			worker.kill()  # SIGKILL: an out-of-memory kill, mid-request
		psutil.wait_procs(workers, timeout=30)
		release()  # the database sees the killed worker's connection close and rolls its transaction back

	outcome = run_fault(rig, kill)
	report(capsys, "every gunicorn worker SIGKILLed mid-request", outcome)
	assert outcome.failures.get("connection reset", 0) > 0
	assert set(outcome.failures) <= {"connection reset", "502", "503 with Retry-After"}


def test_redis_going_away_mid_posting_leaves_nothing_partial(rig, capsys):
	def outage(release):
		time.sleep(0.5)
		rig.cache.cut()
		rig.queue.cut()
		time.sleep(1)
		release()
		time.sleep(2)
		rig.cache.restore()
		rig.queue.restore()

	outcome = run_fault(rig, outage)
	report(capsys, "Redis cache and queue unreachable for 3 s", outcome)


def test_quotations_whose_queue_is_unreachable_are_answered_as_they_landed(rig, capsys):
	"""A quotation's insert and its approval leave work for after their commit (the notification's job,
	Frappe's workflow e-mails, pushed to the Redis queue). With the queue unreachable, each answer says what
	happened: 200 for what committed, an error for what did not (Frappe opens a worker's first connection to
	the queue at the save, and a worker that never had one fails there, before its commit). An error
	answer for a committed insert would have its client post it again."""
	users, srv = rig.users, rig.server
	sales = srv.session(users.sales, PASSWORD)
	director = srv.session(users.director, PASSWORD)
	customer = sales.insert({"doctype": "Sales Customer", "customer_name": f"Queue {random_string(6)}"})[
		"name"
	]
	draft = {
		"doctype": "Sales Quotation",
		"customer": customer,
		"tax_rate": 0,
		"items": [{"product": rig.product, "qty": 3, "price_list_rate": 100}],
	}

	def stored():
		frappe.db.rollback()
		return dict(
			frappe.get_all(
				"Sales Quotation", filters={"customer": customer}, fields=["name", "docstatus"], as_list=1
			)
		)

	for _ in range(6):  # the workers open their queue connections, as a server that has run a while has
		sales.insert(draft)
	before = stored()
	rig.queue.cut()
	try:
		inserts = [
			sales.http.post(f"{srv.url}/api/resource/Sales Quotation", json=draft, timeout=120)
			for _ in range(4)
		]
		landed = {name: docstatus for name, docstatus in stored().items() if name not in before}
		answered = {r.json()["data"]["name"] for r in inserts if r.ok}
		assert (answered, [r.status_code for r in inserts if not r.ok]) == (
			set(landed),
			[500] * (4 - len(landed)),
		)
		approvals = {
			name: director.workflow({"doctype": "Sales Quotation", "name": name}, "Approve")
			for name in landed
		}
		after = stored()
		assert {name: r.ok for name, r in approvals.items()} == {name: after[name] == 1 for name in landed}
	finally:
		rig.queue.restore()
	for name, r in approvals.items():  # what was refused is sent again, once the queue is back
		if not r.ok:
			assert director.workflow({"doctype": "Sales Quotation", "name": name}, "Approve").ok
	assert {name: stored()[name] for name in landed} == {name: 1 for name in landed}
	assert landed, "no insert reached its commit while the queue was away"
	with capsys.disabled():
		print(
			f"\nfault: Redis queue unreachable at the commit: {len(inserts)} quotation inserts, {len(landed)} "
			f"answered 200 and committed, {len(inserts) - len(landed)} refused before their commit; "
			f"{sum(r.ok for r in approvals.values())} of {len(approvals)} approvals answered 200 and submitted, "
			"the rest refused uncommitted and approved once when sent again; none answered with an error "
			"for what committed"
		)


def test_redis_going_away_during_a_job_imports_each_lead_once(rig, bench, capsys):
	from server import Worker, wait_for_job
	from test_lead_import_job import imported, rows_for

	from sales_crm import api
	from sales_crm.flows import lead_import

	tag = f"RDS{random_string(8).upper()}"
	rows = rows_for(tag, 320)
	worker = Worker(bench, "long", env=rig.env).start()
	try:
		first = api.import_leads(rows)
		wait_for_job(api.import_status, first["job_id"], lambda s: s["done"] >= lead_import.PROGRESS_EVERY)
		rig.cache.cut()
		rig.queue.cut()
		time.sleep(3)
		rig.cache.restore()
		rig.queue.restore()
		try:
			state = wait_for_job(api.import_status, first["job_id"], timeout=60)
			outcome = f"the job went on and ended {state['status']}"
		except AssertionError:
			state = api.import_status(first["job_id"])
			outcome = f"the job was lost ({state['status']} at {state['done']} rows)"
		if state["status"] != "finished" or imported(tag) != {row["external_id"]: 1 for row in rows}:
			worker.stop()
			worker = Worker(bench, "long", env=rig.env).start()
			again = api.import_leads(rows)
			state = wait_for_job(api.import_status, again["job_id"], timeout=300)
			assert state["status"] == "finished", state
			outcome += "; sent again, it finished"
	finally:
		worker.stop()
		counts = imported(tag)
		names = frappe.get_all("Sales Lead", filters={"external_id": ("like", f"{tag}-%")}, pluck="name")
		if names:
			frappe.db.delete("Sales Lead Product", {"parent": ("in", names), "parenttype": "Sales Lead"})
			frappe.db.delete("Sales Lead", {"name": ("in", names)})
		frappe.db.commit()
	assert counts == {row["external_id"]: 1 for row in rows}  # every lead exactly once
	with capsys.disabled():
		print(
			f"\nfault: Redis cache and queue unreachable for 3 s during a 320-lead import: {outcome}; each lead once"
		)


def test_a_callback_failing_after_the_commit_is_logged_and_the_others_still_run():
	from frappe.utils import CallbackManager

	from sales_crm import availability

	callbacks = frappe.db.after_commit
	assert type(callbacks) is CallbackManager  # this process is neither a request nor a job
	ran = []

	def unreachable():
		raise ConnectionError("the Redis queue is unreachable")

	try:
		availability.isolate_after_commit()  # as the hook does before each request and job
		callbacks.add(lambda: ran.append(1))
		callbacks.add(unreachable)
		callbacks.add(lambda: ran.append(3))
		callbacks.run()
	finally:
		callbacks.__class__ = CallbackManager
	assert ran == [1, 3] and not callbacks._functions
	hooks = frappe.get_hooks()
	assert "sales_crm.availability.isolate_after_commit" in hooks["before_request"]
	assert "sales_crm.availability.isolate_after_commit" in hooks["before_job"]
