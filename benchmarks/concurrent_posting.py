"""Concurrent posting over HTTP: clients paying, advancing, offsetting and refunding on the same customers.

	cd /home/frappe/frappe-bench/sites
	../env/bin/python ../apps/sales_crm/benchmarks/concurrent_posting.py --site S --url http://127.0.0.1:8000 \
		[--clients 8] [--minutes 5] [--customers 4]

A benchmark, not a test (tests/integration/test_concurrent_posting.py runs it briefly). It prepares, in
the site, a few customers with one large delivered order each and an Accounts User per client (committed;
their names carry a tag), then runs ``--clients`` threads, each signed in over HTTP as its own Accounts
User against the real server at ``--url`` (gunicorn), for ``--minutes``. Each picks a customer at random
and one of:

- **invoice**: ``invoice_order`` for a slice of the order (keeps receivables open);
- **payment**: a Payment receipt of part or all of an open receivable's outstanding;
- **advance**: an Advance receipt, half of the time paying part of a receivable, the rest on account;
- **offset**: ``make_offset`` of an advance's credit against the open receivables, posted;
- **refund**: ``make_refund`` of part of an advance's credit, posted.

Every posting is one request (insert with ``docstatus: 1``). The reads it is based on may be stale by the
time it posts — other clients pay the same receivables — so refusals are expected; the only acceptable
ones are clean conflicts (HTTP 409 or 417 with a message). Anything else (5xx, other 4xx, 417 without a
message) is a failure. At the end, per receivable of these customers: received + write-off + outstanding
= total, and received/write-off = the submitted allocations; per customer: credit balance = advances −
offsets − refunds (from the documents) = the advances' credit left. Prints throughput and median/p95
latency per operation.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import threading
import time
from collections import defaultdict

import requests

PASSWORD = "Concurrent-Posting-2026!"
OPERATIONS = {"invoice": 1, "payment": 4, "advance": 2, "offset": 2, "refund": 1}


# ---------------------------------------------------------------------------------------- in the site
def prepare(customers: int = 4, clients: int = 8, qty: int = 100_000) -> dict:
	"""Customers with a delivered order each, two receivables each, and one Accounts User per client;
	committed. Runs inside a connected site (``frappe``) as Administrator."""
	import frappe
	from frappe.utils import random_string, today
	from frappe.utils.password import update_password

	from sales_crm.flows.orders import deliver_order, invoice_order

	tag = random_string(6).lower()
	users = []
	for k in range(clients):
		email = f"concurrent-{tag}-{k}@example.com"
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": f"Concurrent {k}", "send_welcome_email": 0}
		)
		user.append_roles("Accounts User")
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
		update_password(email, PASSWORD)
		users.append(email)
	product = frappe.get_doc(
		{
			"doctype": "Sales Product",
			"product_code": f"CP-{tag}",
			"product_name": f"Concurrent {tag}",
			"uom": "Box",
			"standard_rate": 100,
		}
	).insert()
	names, orders = [], {}
	for k in range(customers):
		customer = frappe.get_doc(
			{"doctype": "Sales Customer", "customer_name": f"Concurrent {tag} {k}"}
		).insert()
		order = frappe.get_doc(
			{
				"doctype": "Customer Order",
				"customer": customer.name,
				"tax_rate": 0,
				"items": [{"product": product.name, "qty": qty, "price_list_rate": 100}],
			}
		).insert()
		order.submit()
		deliver_order(order.name)
		for i in range(2):
			invoice_order(order.name, f"CP-{tag}-{k}-{i}", today(), 5000)
		names.append(customer.name)
		orders[customer.name] = order.name
	frappe.db.commit()
	return {"tag": tag, "users": users, "customers": names, "orders": orders}


def check(customers: list[str]) -> list[str]:
	"""Every broken invariant of these customers' books, described (committed rows)."""
	import frappe

	frappe.db.rollback()
	found = []
	for r in frappe.db.sql(
		"""select ar.name, ar.total_amount, ar.received_amount, ar.write_off_amount, ar.outstanding_amount,
			coalesce((select sum(a.allocated_amount) from `tabSales Receipt Allocation` a
				left join `tabSales Receipt` p on p.name = a.parent and a.parenttype = 'Sales Receipt'
				left join `tabSales Credit Offset` o on o.name = a.parent and a.parenttype = 'Sales Credit Offset'
				where a.sales_receivable = ar.name and (p.docstatus = 1 or o.docstatus = 1)), 0) allocated,
			coalesce((select sum(a.write_off_amount) from `tabSales Receipt Allocation` a
				left join `tabSales Receipt` p on p.name = a.parent and a.parenttype = 'Sales Receipt'
				left join `tabSales Credit Offset` o on o.name = a.parent and a.parenttype = 'Sales Credit Offset'
				where a.sales_receivable = ar.name and (p.docstatus = 1 or o.docstatus = 1)), 0) written
		from `tabSales Receivable` ar where ar.docstatus = 1 and ar.customer in %(customers)s""",
		{"customers": customers},
		as_dict=True,
	):
		if abs(r.total_amount - r.received_amount - r.write_off_amount - r.outstanding_amount) > 0.005:
			found.append(f"{r.name}: received + write-off + outstanding ≠ total ({r})")
		if r.outstanding_amount < -0.005:
			found.append(f"{r.name}: negative outstanding ({r})")
		if abs(r.allocated - r.received_amount) > 0.005 or abs(r.written - r.write_off_amount) > 0.005:
			found.append(f"{r.name}: the submitted allocations say {r.allocated} + {r.written} ({r})")
	for customer in customers:
		advances = frappe.db.sql(
			"""select coalesce(sum(r.paid_amount - coalesce((select sum(a.allocated_amount)
				from `tabSales Receipt Allocation` a where a.parent = r.name and a.parenttype = 'Sales Receipt'), 0)), 0),
				coalesce(sum(r.unallocated_amount), 0)
			from `tabSales Receipt` r where r.customer = %s and r.docstatus = 1 and r.receipt_type = 'Advance'""",
			customer,
		)[0]
		offsets = frappe.db.sql(
			"""select coalesce(sum(total_amount), 0) from `tabSales Credit Offset`
			where customer = %s and docstatus = 1""",
			customer,
		)[0][0]
		refunds = frappe.db.sql(
			"""select coalesce(sum(paid_amount), 0) from `tabSales Receipt`
			where customer = %s and docstatus = 1 and receipt_type = 'Refund'""",
			customer,
		)[0][0]
		expected = round(float(advances[0]) - float(offsets) - float(refunds), 2)
		balance = float(frappe.db.get_value("Sales Customer", customer, "credit_balance") or 0)
		left = round(float(advances[1]), 2)
		if abs(balance - expected) > 0.005 or abs(left - expected) > 0.005:
			found.append(
				f"{customer}: credit balance {balance}, advances' credit left {left}, advances − offsets − "
				f"refunds {expected}"
			)
	return found


def totals(customers: list[str]) -> dict:
	import frappe

	frappe.db.rollback()
	out = {}
	for doctype in ("Sales Receivable", "Sales Receipt", "Sales Credit Offset"):
		out[doctype] = frappe.db.count(doctype, {"customer": ["in", customers], "docstatus": 1})
	return out


# ---------------------------------------------------------------------------------------- over HTTP
class Client:
	def __init__(self, url: str, site: str, user: str, password: str = PASSWORD):
		self.url = url.rstrip("/")
		self.http = requests.Session()
		self.http.headers.update({"X-Frappe-Site-Name": site, "Accept": "application/json"})
		r = self.http.post(f"{self.url}/api/method/login", data={"usr": user, "pwd": password}, timeout=60)
		r.raise_for_status()

	def method(self, method: str, get: bool = False, **kwargs) -> requests.Response:
		data = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in kwargs.items()}
		if get:
			return self.http.get(f"{self.url}/api/method/{method}", params=data, timeout=120)
		return self.http.post(f"{self.url}/api/method/{method}", data=data, timeout=120)

	def post(self, doc: dict) -> requests.Response:
		return self.http.post(
			f"{self.url}/api/resource/{doc['doctype']}", json={**doc, "docstatus": 1}, timeout=120
		)

	def rows(self, doctype: str, filters: dict, fields: list[str], limit: int = 5) -> list[dict]:
		r = self.method(
			"frappe.client.get_list",
			get=True,
			doctype=doctype,
			filters=filters,
			fields=fields,
			limit_page_length=limit,
			order_by="modified desc",
		)
		r.raise_for_status()
		return r.json()["message"]


def outcome(r: requests.Response) -> str:
	"""ok, conflict (a clean refusal: 409/417 with a message) or failure."""
	if r.ok:
		return "ok"
	if r.status_code in (409, 417):
		try:
			body = r.json()
		except ValueError:
			return "failure"
		if body.get("_server_messages") or body.get("exception") or body.get("message"):
			return "conflict"
	return "failure"


def message_of(r: requests.Response) -> str:
	"""The refusal's message, numbers and names blanked (so that alike refusals read alike)."""
	import re

	try:
		body = r.json()
		messages = json.loads(body.get("_server_messages") or "[]")
		text = json.loads(messages[-1]).get("message", "") if messages else body.get("exception", "")
		text = str(text)
	except (ValueError, TypeError, AttributeError, IndexError):
		text = r.text
	text = re.sub(r"<[^>]+>", "", text)
	return re.sub(r"[A-Z]+-\d{4}-\d+|[\d.,]+\d", "…", text)[:160]


class Stats:
	def __init__(self):
		self.lock = threading.Lock()
		self.latency = defaultdict(list)
		self.counts = defaultdict(lambda: defaultdict(int))
		self.failures: list[str] = []
		self.conflicts: list[tuple[str, str]] = []  # distinct refusals, as the user reads them

	def record(self, op: str, seconds: float, r: requests.Response):
		result = outcome(r)
		with self.lock:
			self.counts[op][result] += 1
			if result == "ok":
				self.latency[op].append(seconds)
			elif result == "failure" and len(self.failures) < 20:
				self.failures.append(f"{op}: HTTP {r.status_code} {r.text[:300]}")
			elif result == "conflict":
				said = message_of(r)
				if len(self.conflicts) < 30 and (op, said) not in self.conflicts:
					self.conflicts.append((op, said))


def operate(client: Client, op: str, customer: str, order: str, rng: random.Random, stats: Stats, seq):
	def timed(call):
		start = time.perf_counter()
		r = call()
		stats.record(op, time.perf_counter() - start, r)
		return r

	currency = "CNY"
	if op == "invoice":
		timed(
			lambda: client.method(
				"sales_crm.api.invoice_order",
				order=order,
				invoice_no=f"CP-{seq()}",
				invoice_date=time.strftime("%Y-%m-%d"),
				amount=rng.choice((500, 1000, 2000)),
			)
		)
		return
	if op in ("payment", "advance"):
		open_ = client.rows(
			"Sales Receivable",
			{"customer": customer, "docstatus": 1, "outstanding_amount": [">", 0]},
			["name", "outstanding_amount"],
		)
		doc = {
			"doctype": "Sales Receipt",
			"customer": customer,
			"currency": currency,
			"receipt_type": "Payment",
		}
		if op == "payment":
			if not open_:
				return
			row = rng.choice(open_)
			amount = (
				row["outstanding_amount"]
				if rng.random() < 0.3
				else round(rng.uniform(1, row["outstanding_amount"]), 2)
			)
			doc.update(
				paid_amount=amount,
				allocations=[{"sales_receivable": row["name"], "allocated_amount": amount}],
			)
		else:
			paid = rng.choice((300, 800, 1500))
			doc.update(receipt_type="Advance", paid_amount=paid)
			if open_ and rng.random() < 0.5:
				row = rng.choice(open_)
				amount = round(min(row["outstanding_amount"], paid / 2), 2)
				doc["allocations"] = [{"sales_receivable": row["name"], "allocated_amount": amount}]
		timed(lambda: client.post(doc))
		return
	advances = client.rows(
		"Sales Receipt",
		{"customer": customer, "docstatus": 1, "receipt_type": "Advance", "unallocated_amount": [">", 0]},
		["name", "unallocated_amount"],
	)
	if not advances:
		return
	advance = rng.choice(advances)["name"]
	maker = "sales_crm.api.make_offset" if op == "offset" else "sales_crm.api.make_refund"
	r = client.method(maker, get=True, receipt=advance)
	if not r.ok:
		stats.record(op, 0, r)  # the credit went meanwhile: a clean refusal, or a failure
		return
	doc = r.json()["message"]
	doc = {k: v for k, v in doc.items() if k not in ("name", "__islocal", "__unsaved", "docstatus")}
	for table in ("allocations",):
		doc[table] = [
			{
				k: v
				for k, v in row.items()
				if k not in ("name", "parent", "__islocal", "__unsaved", "docstatus")
			}
			for row in doc.get(table) or []
		]
	if op == "refund":
		doc["paid_amount"] = round(doc["paid_amount"] * rng.choice((0.25, 0.5, 1)), 2)
	timed(lambda: client.post(doc))


def hammer(url: str, site: str, prepared: dict, clients: int, seconds: float, seed: int = 42) -> Stats:
	stats = Stats()
	deadline = time.monotonic() + seconds
	counter = iter(range(10**9))
	seq_lock = threading.Lock()
	tag = prepared["tag"]

	def seq():
		with seq_lock:
			return f"{tag}-{next(counter)}"

	ops, weights = zip(*OPERATIONS.items(), strict=True)

	def work(k: int):
		rng = random.Random(seed + k)
		client = Client(url, site, prepared["users"][k % len(prepared["users"])])
		while time.monotonic() < deadline:
			customer = rng.choice(prepared["customers"])
			op = rng.choices(ops, weights)[0]
			try:
				operate(client, op, customer, prepared["orders"][customer], rng, stats, seq)
			except Exception as e:  # a client's own error counts as a failure; the others go on
				with stats.lock:
					stats.counts[op]["failure"] += 1
					stats.failures.append(f"{op}: {e!r}")

	threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
	start = time.monotonic()
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	stats.elapsed = time.monotonic() - start
	return stats


def p95(values: list[float]) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0


def print_stats(stats: Stats) -> None:
	print(
		f"\n{'operation':10} {'ok':>6} {'conflict':>9} {'failure':>8} {'ok/s':>7} {'median ms':>10} {'p95 ms':>8}"
	)
	total = 0
	for op in OPERATIONS:
		c, lat = stats.counts[op], stats.latency[op]
		total += c["ok"]
		median = statistics.median(lat) * 1000 if lat else 0
		print(
			f"{op:10} {c['ok']:6} {c['conflict']:9} {c['failure']:8} {c['ok'] / stats.elapsed:7.2f} "
			f"{median:10.0f} {p95(lat) * 1000:8.0f}"
		)
	every = [t for op in OPERATIONS for t in stats.latency[op]]
	print(
		f"{'all':10} {total:6} {sum(stats.counts[o]['conflict'] for o in OPERATIONS):9} "
		f"{sum(stats.counts[o]['failure'] for o in OPERATIONS):8} {total / stats.elapsed:7.2f} "
		f"{(statistics.median(every) * 1000 if every else 0):10.0f} {p95(every) * 1000:8.0f}"
	)
	for op, said in stats.conflicts:
		print(f"  refused ({op}): {said}")
	for failure in stats.failures:
		print(f"  FAILURE {failure}")


def main():
	import frappe

	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="sales-crm-demo.localhost")
	parser.add_argument("--url", required=True, help="the site's server, e.g. http://127.0.0.1:8000")
	parser.add_argument("--clients", type=int, default=8)
	parser.add_argument("--minutes", type=float, default=5)
	parser.add_argument("--customers", type=int, default=4)
	parser.add_argument("--seed", type=int, default=42)
	args = parser.parse_args()
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		prepared = prepare(args.customers, args.clients)
		print(
			f"{args.clients} clients, {args.customers} customers ({prepared['tag']}), {args.minutes} min "
			f"against {args.url}"
		)
		stats = hammer(args.url, args.site, prepared, args.clients, args.minutes * 60, args.seed)
		print_stats(stats)
		print(f"posted: {totals(prepared['customers'])} in {stats.elapsed:.0f} s")
		problems = check(prepared["customers"])
		print("invariants: " + ("hold" if not problems else f"{len(problems)} BROKEN"))
		for problem in problems[:20]:
			print(f"  {problem}")
	finally:
		frappe.db.rollback()
		frappe.destroy()


if __name__ == "__main__":
	main()
