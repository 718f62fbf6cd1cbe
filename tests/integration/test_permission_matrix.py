"""Roles × DocTypes × operations, over HTTP as real users, against the allow-table below.

Actors: `owner` (Sales User whose records these are, department X), `peer` (Sales User, X), `manager`
(Sales Manager of X), `other_manager` (Sales Manager of Y), `director` (Sales Director), `accounts`
(Accounts User), `guest` (not logged in). Every cell is asserted; a destructive operation runs on a
fresh record of the owner's made for that cell.
"""

import collections

import frappe
import pytest
from factories import deliver_all, make_department, make_product, make_user
from frappe.model.workflow import apply_workflow
from frappe.utils import random_string
from frappe.utils.password import update_password
from server import Server

PASSWORD = "Matrix-Sales-CRM-2026!"
ACTORS = ("owner", "peer", "manager", "other_manager", "director", "accounts", "guest")
SALES = {"owner", "peer", "manager", "other_manager", "director"}
IN_SCOPE = {"owner", "manager", "director"}
FINANCE_READ = IN_SCOPE | {"accounts"}

# doctype -> operation -> the actors allowed; an operation that does not apply is absent.
EXPECTED = {
	"Sales Lead": {
		"list": IN_SCOPE,
		"get": IN_SCOPE,
		"report": IN_SCOPE,
		"create": SALES,
		"write": IN_SCOPE,
		"delete": {"manager", "director"},
		"workflow": IN_SCOPE,
	},
	"Sales Customer": {
		"list": FINANCE_READ,
		"get": FINANCE_READ,
		"report": FINANCE_READ,
		"create": SALES,
		"write": IN_SCOPE,
		"delete": {"manager", "director"},
	},
	"Sales Opportunity": {
		"list": IN_SCOPE,
		"get": IN_SCOPE,
		"report": IN_SCOPE,
		"create": SALES,
		"write": IN_SCOPE,
		"delete": {"manager", "director"},
	},
	"Sales Quotation": {
		"list": IN_SCOPE,
		"get": IN_SCOPE,
		"report": IN_SCOPE,
		"create": SALES,
		"write": IN_SCOPE,
		"submit": {"director"},
		"cancel": {"director"},
		"delete": {"manager", "director"},
		"workflow": {"director"},
	},
	"Sales Contract": {
		"list": FINANCE_READ,
		"get": FINANCE_READ,
		"report": FINANCE_READ,
		"create": SALES,
		"write": IN_SCOPE,
		# a contract with no quotation behind it: signed by a director only (the others request approval)
		"submit": {"director"},
		"workflow": {"owner", "manager", "director"},
		"cancel": {"manager", "director"},
		"delete": {"manager", "director"},
	},
	"Customer Order": {
		"list": FINANCE_READ,
		"get": FINANCE_READ,
		"report": FINANCE_READ,
		"create": SALES,
		"write": IN_SCOPE,
		# a direct order (no contract, no quotation): confirmed by a director only
		"submit": {"director"},
		"workflow": {"owner", "manager", "director"},
		"cancel": {"manager", "director"},
		"delete": {"manager", "director"},
	},
	"Sales Receivable": {
		"list": FINANCE_READ,
		"get": FINANCE_READ,
		"report": FINANCE_READ,
		"create": {"accounts"},
		"write": {"accounts"},
		"submit": {"accounts"},
		"cancel": {"accounts"},
		"delete": set(),
	},
	"Customer Commission": {
		"list": FINANCE_READ,
		"get": FINANCE_READ,
		"report": FINANCE_READ,
		"create": IN_SCOPE,
		"write": FINANCE_READ,
		"delete": {"manager", "director"},
		"workflow": IN_SCOPE,
	},
	"Salesperson Commission": {
		"list": FINANCE_READ,
		"get": FINANCE_READ,
		"report": FINANCE_READ,
		"create": {"manager", "accounts"},
		"write": {"manager", "director", "accounts"},
		# approval (Salesperson Commission Workflow): the department's manager or a director
		"submit": {"manager", "director"},
		"cancel": {"director", "accounts"},
		"delete": set(),
	},
	"Sales Plan": {
		"list": {"owner", "peer", "manager", "director"},
		"get": {"owner", "peer", "manager", "director"},
		"report": {"owner", "peer", "manager", "director"},
		"create": {"manager", "director"},
		"write": {"manager", "director"},
		"submit": {"manager", "director"},
		"cancel": {"manager", "director"},
		"delete": {"manager", "director"},
	},
	"Sales Receipt": {
		"list": FINANCE_READ,
		"get": FINANCE_READ,
		"report": FINANCE_READ,
		"create": {"accounts"},
		"write": {"accounts"},
		"submit": {"accounts"},
		"cancel": {"accounts"},
		"delete": {"accounts"},
	},
	"Sales Credit Offset": {
		"list": FINANCE_READ,
		"get": FINANCE_READ,
		"report": FINANCE_READ,
		"create": {"accounts"},
		"write": {"accounts"},
		"submit": {"accounts"},
		"cancel": {"accounts"},
		"delete": {"accounts"},
	},
}
# Counts and aggregates show exactly what the list shows: every reading operation, for every actor.
AGGREGATES = ("count", "list_count", "group_by", "aggregate", "export", "print")
for _ops in EXPECTED.values():
	for _op in AGGREGATES:
		_ops[_op] = _ops["list"]

HARMLESS = {
	"Sales Lead": "industry",
	"Sales Customer": "industry",
	"Sales Opportunity": "contact_person",
	"Sales Quotation": "payment_terms",
	"Sales Contract": "payment_terms",
	"Customer Order": "contact_person",
	"Sales Receivable": "description",
	"Sales Receipt": "remarks",
	"Sales Credit Offset": "remarks",
	"Customer Commission": "contact_person",
	"Salesperson Commission": "commission_name",
	"Sales Plan": "plan_name",
}
# create payloads that do not depend on who posts them
SHARED_PAYLOADS = (
	"Customer Commission",
	"Salesperson Commission",
	"Sales Plan",
	"Sales Credit Offset",
	"Sales Receivable",
	"Sales Receipt",
)
WORKFLOW_ACTION = {
	"Sales Contract": "Request Approval",
	"Customer Order": "Request Approval",
	"Sales Lead": "Mark Lost",
	"Sales Quotation": "Approve",
	"Customer Commission": "Request Approval",
}


def stored(doctype: str, name: str) -> dict:
	"""Everything stored of a record: its row (absent once deleted) and each of its child rows, in full."""
	state = {"record": frappe.db.get_value(doctype, name, "*", as_dict=True)}
	for df in frappe.get_meta(doctype).get_table_fields():
		rows = frappe.get_all(
			df.options,
			filters={"parent": name, "parenttype": doctype, "parentfield": df.fieldname},
			fields=["*"],
			order_by="idx asc",
		)
		state[df.fieldname] = [dict(row) for row in rows]
	return state


class Records:
	"""The owner's records, made in-process as Administrator and committed (the server is another process)."""

	def __init__(self, org):
		self.org = org
		self.product = make_product(standard_rate=100).name
		self.customer = self.make("Sales Customer", submit=False)
		self.unused = {}  # (doctype, submitted) -> (name, its stored state) no cell has changed yet
		self.payloads = {}  # doctype -> a create payload no cell has used yet (actor-independent ones)

	def fresh(self, doctype, submit=False):
		"""A record of the owner's that no cell has changed: made again only once a cell used one up (a
		refused cell leaves it as it was, which ``spent`` checks), so the chain behind it is not rebuilt
		for every refused actor."""
		key = (doctype, submit)
		if key not in self.unused:
			name = self.make(doctype, submit=submit)
			self.unused[key] = (name, stored(doctype, name))
		return self.unused[key][0]

	def spent(self, doctype, submit, done: bool) -> str | None:
		"""After a cell on ``fresh(doctype, submit)``: a record a cell did something to is not offered again;
		one it was refused must be exactly as it was (else the refusal is returned as a fault)."""
		key = (doctype, submit)
		name, before = self.unused[key]
		frappe.db.rollback()
		now = stored(doctype, name)
		if done or now != before:
			del self.unused[key]
		if not done and now != before:
			changed = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
			return f"{doctype} {name}: refused, yet changed ({', '.join(changed)})"
		return None

	def base(self):
		return {"sales_person": self.org.owner, "sales_department": self.org.dept_x}

	def items(self):
		return [{"product": self.product, "qty": 1, "price_list_rate": 100}]

	def make(self, doctype, submit=False):
		frappe.set_user("Administrator")
		if doctype == "Sales Customer":
			doc = {"customer_name": f"Matrix {random_string(6)}"}
		elif doctype == "Sales Lead":
			doc = {
				"company_name": f"Matrix {random_string(6)}",
				"lead_source": "800 Hotline",
				"lost_reason": "no budget",
			}
		elif doctype == "Sales Opportunity":
			doc = {"opportunity_name": "Matrix deal", "customer": self.customer}
		elif doctype in ("Sales Quotation", "Sales Contract", "Customer Order"):
			doc = {"customer": self.customer, "tax_rate": 0, "items": self.items(), "title": "Matrix"}
		elif doctype == "Sales Receivable":
			order = self.make("Customer Order", submit=True)
			deliver_all(order)
			doc = {
				"customer_order": order,
				"invoice_no": random_string(8),
				"invoice_date": "2026-11-01",
				"total_amount": 100,
			}
		elif doctype == "Sales Receipt":
			receivable = self.make("Sales Receivable", submit=True)
			doc = {
				"customer": self.customer,
				"allocations": [{"sales_receivable": receivable, "allocated_amount": 100}],
			}
		elif doctype == "Sales Credit Offset":
			doc = self.offset_payload()
		elif doctype in ("Customer Commission", "Salesperson Commission", "Sales Plan"):
			doc = self.commission_or_plan(doctype)
		record = frappe.get_doc({"doctype": doctype, **self.base(), **doc})
		if doctype == "Sales Plan":
			record.sales_person = None
		record.insert()
		if submit:
			if doctype == "Sales Quotation":
				apply_workflow(record, "Approve")
			else:
				record.submit()
		frappe.db.commit()
		return record.name

	def offset_payload(self):
		"""An advance of 100 (submitted) and a receivable of 100 of the customer: an offset of one by the other."""
		receivable = self.make("Sales Receivable", submit=True)
		frappe.set_user("Administrator")
		advance = frappe.get_doc(
			{
				"doctype": "Sales Receipt",
				"receipt_type": "Advance",
				"customer": self.customer,
				"currency": "CNY",
				"paid_amount": 100,
				**self.base(),
			}
		).insert()
		advance.submit()
		frappe.db.commit()
		return {
			"customer": self.customer,
			"credit_receipt": advance.name,
			"allocations": [{"sales_receivable": receivable, "allocated_amount": 100}],
		}

	def commission_or_plan(self, doctype):
		if doctype == "Sales Plan":
			return {
				"plan_name": f"Plan {random_string(5)}",
				"fiscal_year": "2026",
				"period_type": "Annual",
				"targets": [{"sales_person": self.org.owner, "period": "2026", "target_order_amount": 1000}],
			}
		if doctype == "Customer Commission":
			return {
				"commission_name": "Matrix",
				"sales_contract": self.make("Sales Contract", submit=True),
				"commission_rate": 2,
			}
		# a salesperson's periodic commissions of one type never overlap: each record has its own year
		self.periods = getattr(self, "periods", 0) + 1
		year = 2100 + self.periods
		return {
			"commission_name": "Matrix",
			"commission_type": "Monthly",
			"from_date": f"{year}-11-01",
			"to_date": f"{year}-11-30",
			"commission_rate": 2,
		}

	def new_payload(self, doctype, actor_user):
		"""What an actor would POST to create one of these (their own, where the DocType has an owner)."""
		if doctype in SHARED_PAYLOADS:
			# the same for every actor: one payload until a create takes it (its advance, receivable...)
			if doctype not in self.payloads:
				self.payloads[doctype] = self._new_payload(doctype, actor_user)
			return self.payloads[doctype]
		return self._new_payload(doctype, actor_user)

	def _new_payload(self, doctype, actor_user):
		if doctype in ("Customer Commission", "Salesperson Commission", "Sales Plan"):
			payload = self.commission_or_plan(doctype)
			return {
				**payload,
				**({} if doctype == "Sales Plan" else {"sales_person": self.org.owner}),
				"sales_department": self.org.dept_x,
			}
		if doctype == "Sales Credit Offset":
			return self.offset_payload()
		if doctype == "Sales Receivable":
			order = self.make("Customer Order", submit=True)
			deliver_all(order)
			frappe.db.commit()
			return {
				"customer_order": order,
				"invoice_no": random_string(8),
				"invoice_date": "2026-11-01",
				"total_amount": 100,
			}
		if doctype == "Sales Receipt":
			return {
				"customer": self.customer,
				"allocations": [
					{"sales_receivable": self.make("Sales Receivable", submit=True), "allocated_amount": 100}
				],
			}
		customer = (
			self.customer if actor_user in (self.org.owner, self.org.manager, self.org.director) else None
		)
		if (
			doctype in ("Sales Opportunity", "Sales Quotation", "Sales Contract", "Customer Order")
			and not customer
		):
			frappe.set_user("Administrator")
			customer = (
				frappe.get_doc(
					{
						"doctype": "Sales Customer",
						"customer_name": f"Own {random_string(5)}",
						"sales_person": actor_user,
					}
				)
				.insert()
				.name
			)
			frappe.db.commit()
		return {
			"Sales Lead": {"company_name": f"New {random_string(6)}", "lead_source": "800 Hotline"},
			"Sales Customer": {"customer_name": f"New {random_string(6)}"},
			"Sales Opportunity": {"opportunity_name": "New", "customer": customer},
			"Sales Quotation": {"customer": customer, "tax_rate": 0, "items": self.items(), "title": "New"},
			"Sales Contract": {"customer": customer, "tax_rate": 0, "items": self.items()},
			"Customer Order": {"customer": customer, "tax_rate": 0, "items": self.items()},
		}[doctype]


@pytest.fixture(scope="module")
def matrix(bench, site):
	tag = random_string(5).lower()
	org = frappe._dict(
		owner=make_user(f"mx-owner-{tag}@example.com", "Sales User"),
		peer=make_user(f"mx-peer-{tag}@example.com", "Sales User"),
		manager=make_user(f"mx-manager-{tag}@example.com", "Sales User", "Sales Manager"),
		other_manager=make_user(f"mx-other-{tag}@example.com", "Sales User", "Sales Manager"),
		director=make_user(f"mx-director-{tag}@example.com", "Sales User", "Sales Director"),
		accounts=make_user(f"mx-accounts-{tag}@example.com", "Accounts User"),
	)
	for user in org.values():
		update_password(user, PASSWORD)
	org.dept_x = make_department(org.manager, [org.owner, org.peer]).name
	org.dept_y = make_department(org.other_manager, []).name
	frappe.db.commit()
	srv = Server(bench, site, workers=2).start()
	clients = {actor: srv.session(org[actor], PASSWORD) for actor in ACTORS if actor != "guest"}
	clients["guest"] = srv.anonymous()
	yield frappe._dict(org=org, server=srv, clients=clients, records=Records(org))
	srv.stop()


def attempt(m, doctype, op, actor):
	"""Whether ``actor`` may do ``op``: True (done), False (refused); any other answer fails the test."""
	c, rec = m.clients[actor], m.records
	if op in ("list", "get", "report", "write", *AGGREGATES):
		if doctype not in rec.shared:  # (not setdefault: that would make a record for every cell)
			rec.shared[doctype] = rec.make(doctype)
		name = rec.shared[doctype]
	if op == "list":
		r = c.http.get(
			f"{c.base}/api/resource/{doctype}", params={"filters": frappe.as_json([["name", "=", name]])}
		)
		return _read(r, lambda body: [row["name"] for row in body["data"]] == [name])
	if op == "get":
		r = c.http.get(f"{c.base}/api/resource/{doctype}/{name}")
		return _read(r, lambda body: body["data"]["name"] == name)
	if op == "report":
		r = c.http.get(
			f"{c.base}/api/method/frappe.desk.reportview.get",
			params={
				"doctype": doctype,
				"fields": frappe.as_json(["name"]),
				"filters": frappe.as_json([["name", "=", name]]),
			},
		)
		return _read(r, lambda body: name in str(body.get("message")))  # compressed rows, or [] when none
	if op in AGGREGATES:
		return aggregate(c, doctype, op, name)
	if op == "create":
		r = c.http.post(
			f"{c.base}/api/resource/{doctype}",
			json={"doctype": doctype, **rec.new_payload(doctype, m.org.get(actor))},
		)
		done = _write(r)
		if done:
			rec.payloads.pop(doctype, None)
		return done
	if op == "write":
		return _write(
			c.http.put(f"{c.base}/api/resource/{doctype}/{name}", json={HARMLESS[doctype]: f"by {actor}"})
		)
	# the destructive operations: each on a record no earlier cell has changed
	submitted = op == "cancel"
	fresh = rec.fresh(doctype, submit=submitted)
	if op == "submit":
		done = _write(c.http.put(f"{c.base}/api/resource/{doctype}/{fresh}", json={"docstatus": 1}))
	elif op == "cancel":
		done = _write(
			c.http.post(f"{c.base}/api/method/frappe.client.cancel", data={"doctype": doctype, "name": fresh})
		)
	elif op == "delete":
		done = _write(c.http.delete(f"{c.base}/api/resource/{doctype}/{fresh}"))
	elif op == "workflow":
		r = c.http.post(
			f"{c.base}/api/method/frappe.model.workflow.apply_workflow",
			data={
				"doc": frappe.as_json({"doctype": doctype, "name": fresh}),
				"action": WORKFLOW_ACTION[doctype],
			},
		)
		done = _write(r, refused=(403, 417))
	else:
		raise AssertionError(op)
	fault = rec.spent(doctype, submitted, done)
	assert fault is None, f"{actor} {op}: {fault}"
	return done


def aggregate(c, doctype: str, op: str, name: str) -> bool:
	"""Whether a count, aggregate, export or print lets the actor learn of the owner's record."""
	by_name = frappe.as_json([[doctype, "name", "=", name]])
	if op == "count":
		r = c.http.post(
			f"{c.base}/api/method/frappe.client.get_count", data={"doctype": doctype, "filters": by_name}
		)
		return _read(r, lambda body: body["message"] == 1)
	if op == "list_count":
		r = c.http.post(
			f"{c.base}/api/method/frappe.desk.reportview.get_count",
			data={"doctype": doctype, "filters": by_name},
		)
		return _read(r, lambda body: body["message"] == 1)
	if op == "group_by":
		r = c.http.post(
			f"{c.base}/api/method/frappe.desk.listview.get_group_by_count",
			data={"doctype": doctype, "current_filters": by_name, "field": "owner"},
		)
		return _read(r, lambda body: sum(row["count"] for row in body["message"]) == 1)
	if op == "aggregate":
		r = c.http.post(
			f"{c.base}/api/method/frappe.client.get_list",
			data={"doctype": doctype, "filters": by_name, "fields": frappe.as_json(["count(name) as n"])},
		)
		return _read(r, lambda body: body["message"][0]["n"] == 1)
	if op == "export":
		r = c.http.post(
			f"{c.base}/api/method/frappe.desk.reportview.export_query",
			data={
				"doctype": doctype,
				"file_format_type": "CSV",
				"fields": frappe.as_json([f"`tab{doctype}`.`name`"]),
				"filters": by_name,
				"title": doctype,
			},
		)
		return _read(r, lambda body: name in body, text=True)
	if op == "print":
		r = c.http.get(
			f"{c.base}/api/method/frappe.www.printview.get_html_and_style",
			params={"doc": doctype, "name": name},
		)
		return _read(r, lambda body: name in str((body.get("message") or {}).get("html")))
	raise AssertionError(op)


def _read(r, found, text: bool = False):
	if r.status_code == 200:
		return bool(found(r.text if text else r.json()))
	assert r.status_code == 403, f"unexpected {r.status_code}: {r.text[:300]}"
	return False


def _write(r, refused=(403,)):
	if r.status_code in (200, 202):
		return True
	assert r.status_code in refused, f"unexpected {r.status_code}: {r.text[:400]}"
	return False


def test_permission_matrix(matrix):
	matrix.records.shared = {}
	cells, wrong = 0, []
	for doctype, ops in EXPECTED.items():
		for op, allowed in ops.items():
			for actor in ACTORS:
				got = attempt(matrix, doctype, op, actor)
				cells += 1
				if got != (actor in allowed):
					wrong.append(
						f"{doctype} {op} {actor}: {'allowed' if got else 'refused'}, expected the opposite"
					)
	print(f"\npermission matrix: {cells} cells checked, {len(wrong)} wrong")
	assert wrong == []
	assert cells == sum(len(ops) for ops in EXPECTED.values()) * len(ACTORS)
