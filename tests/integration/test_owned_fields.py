"""Server-owned fields, tried over HTTP as the real roles: every owned field (``chain.owned``) of every record
of the chain, parent and rows, by every write path a client has, and every role that may write the record
by every one of those paths (``cells`` deals the fields out to the roles).

The matrix is generated from the declaration: a field, a DocType or a record added to the chain adds its
cells. Each cell asserts that the database holds what it held before the request (a refusal is the expected
answer; a success that changed nothing would pass too, a change fails). The test prints its cell count."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import frappe
import pytest
from factories import deliver_all, hand_over, login_users, make_department, pipeline
from frappe.utils import random_string

from sales_crm import chain

PASSWORD = "Sales-CRM-owned-2026!"


def test_every_controller_passes_through_the_guard(site):
	"""A DocType added to the app is guarded by the base class, or this fails."""
	from frappe.model.base_document import get_controller

	from sales_crm.controllers.base import SalesDocument

	doctypes = frappe.get_all("DocType", filters={"module": "Sales CRM", "istable": 0}, pluck="name")
	assert len(doctypes) > 15
	unguarded = [dt for dt in doctypes if not issubclass(get_controller(dt), SalesDocument)]
	assert unguarded == []
	# and the declaration knows every chain DocType's figures
	assert {"status", "per_collected", "collected_amount", "grand_total"} <= chain.owned("Sales Contract")
	assert {"delivered_qty", "invoiced_qty", "amount"} <= chain.owned("Customer Order Item")
	assert {"accrued_amount", "outstanding_amount", "base_amount"} <= chain.owned("Salesperson Commission")
	assert "quotation_item" not in chain.owned("Sales Contract Item")
	# what a submitted record may still change by a plain save is the declared list, nothing else
	editable = {}
	for dt in frappe.get_all("DocType", filters={"module": "Sales CRM"}, pluck="name"):
		meta = frappe.get_meta(dt)
		free = (
			{
				df.fieldname
				for df in meta.fields
				if df.allow_on_submit and df.fieldtype not in ("Table", "Section Break", "Column Break")
			}
			- chain.owned(dt)
			- {"workflow_state"}
		)
		if free:
			editable[dt] = free
	assert editable == {dt: set(fields) for dt, fields in chain.EDITABLE_AFTER_SUBMIT.items()}


@pytest.fixture(scope="module")
def team(site):
	team = login_users(
		"own",
		PASSWORD,
		sales=("Sales User",),
		manager=("Sales User", "Sales Manager"),
		director=("Sales User", "Sales Director"),
		accounts=("Accounts User",),
	)
	department = make_department(team.manager, [team.sales], rate=3)
	team.department = department.name
	frappe.db.commit()
	return team


@pytest.fixture(scope="module")
def records(team):
	"""One record of each kind along the chain, the salesperson's, submitted where the chain submits it, and
	a draft of each submittable selling document. Committed: the server is another process."""
	from sales_crm import api

	frappe.set_user("Administrator")
	out = pipeline("receivable")
	receipt = frappe.get_doc(api.make_receipt(out.receivable))
	receipt.receipt_date = frappe.utils.today()
	receipt.allocations[0].allocated_amount = 100
	receipt.paid_amount = 100
	receipt.insert()
	receipt.submit()
	draft_quotation = frappe.get_doc("Sales Quotation", pipeline("quotation").quotation)
	names = {
		"Sales Opportunity": out.opportunity,
		"Sales Customer": out.customer,
		"Sales Quotation": out.quotation,
		"Sales Contract": out.contract,
		"Customer Order": out.order,
		"Sales Receivable": out.receivable,
		"Sales Receipt": receipt.name,
	}
	drafts = {"Sales Quotation": draft_quotation.name}
	commission = frappe.get_all(
		"Salesperson Commission", filters={"sales_contract": out.contract}, pluck="name", limit=1
	)
	# the records become the salesperson's, in their department (the set-up only: no client path)
	for doctype, name in [
		*names.items(),
		*drafts.items(),
		*(("Salesperson Commission", c) for c in commission),
	]:
		hand_over(
			doctype,
			name,
			{"sales_person": team.sales, "sales_department": team.department},
			update_modified=False,
		)
	lead = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": f"Owned Lead {random_string(6)}",
			"sales_department": team.department,
		}
	).insert()
	frappe.db.set_value("Sales Lead", lead.name, "sales_person", team.sales, update_modified=False)
	frappe.db.commit()
	found = [(doctype, name) for doctype, name in names.items()]
	found += [(doctype, name) for doctype, name in drafts.items()]
	found += [("Salesperson Commission", c) for c in commission]
	found.append(("Sales Lead", lead.name))
	return found


@pytest.fixture(scope="module")
def clients(server, team):
	return {
		role: server.session(team[role], PASSWORD) for role in ("sales", "manager", "director", "accounts")
	}


def bogus(df, value):
	"""A value the field does not hold now, of its type."""
	if df.fieldtype in ("Int", "Float", "Currency", "Percent"):
		return (frappe.utils.flt(value) or 0) + 37
	if df.fieldtype == "Check":
		return 0 if frappe.utils.cint(value) else 1
	if df.fieldtype == "Select":
		options = [o for o in (df.options or "").split("\n") if o and o != value]
		return options[-1] if options else "Bogus"
	if df.fieldtype in ("Date", "Datetime"):
		return "2001-02-03"
	return f"bogus-{random_string(4)}"


def snapshot(doctype: str, name: str) -> dict:
	frappe.db.rollback()
	doc = frappe.get_doc(doctype, name)
	rows = {row.name: {f: row.get(f) for f in chain.owned(row.doctype)} for row in doc.get_all_children()}
	return {"parent": {f: doc.get(f) for f in chain.owned(doctype)}, "rows": rows, "docstatus": doc.docstatus}


def writers(doctype: str, name: str, team) -> list[str]:
	doc = frappe.get_doc(doctype, name)
	return [
		role
		for role in ("sales", "manager", "director", "accounts")
		if frappe.has_permission(doctype, "write", doc, user=team[role])
	]


PARENT_PATHS = ("put", "set_value", "bulk_update", "savedocs", "insert", "insert_many", "run_doc_method")
ROW_PATHS = ("put_row", "set_value_row", "savedocs_row")


def cells(doctype: str, name: str, roles: list[str]):
	"""(role, path, target, fieldname, row or None): every owned field of the record and its rows by every
	path, and every role by every path on every DocType.

	Not the full product of fields and roles: the guard is the field's declaration, the same for every
	role, while what a role may reach is its path. So each path's fields are dealt out to the roles in
	turn (starting one further for each path), with a field repeated when a DocType owns fewer fields
	than there are roles: every field by every path, every role by every path on every DocType."""
	doc = frappe.get_doc(doctype, name)
	targets = [(doctype, None, PARENT_PATHS)]
	seen = set()
	for row in doc.get_all_children():
		if row.doctype not in seen:
			seen.add(row.doctype)
			targets.append((row.doctype, row, ROW_PATHS))
	for target, row, paths in targets:
		fields = sorted(chain.owned(target))
		if not fields:
			continue
		for shift, path in enumerate(paths):
			for k in range(max(len(fields), len(roles))):
				yield roles[(k + shift) % len(roles)], path, target, fields[k % len(fields)], row


def forged(client, doctype: str, name: str, fieldname: str, row) -> tuple[dict, object]:
	"""The record as the client reads it, and a value its field (or its row's) does not hold."""
	doc = client.get(doctype, name)
	if row is None:
		return doc, bogus(frappe.get_meta(doctype).get_field(fieldname), doc.get(fieldname))
	return doc, bogus(frappe.get_meta(row.doctype).get_field(fieldname), row.get(fieldname))


def attempt(client, path: str, doctype: str, name: str, fieldname: str, row, doc: dict, value):
	if path == "put":
		return client.update(doctype, name, {fieldname: value})
	if path == "set_value":
		return client.call(
			"frappe.client.set_value", doctype=doctype, name=name, fieldname=fieldname, value=value
		)
	if path == "bulk_update":
		return client.call(
			"frappe.client.bulk_update",
			docs=json.dumps([{"doctype": doctype, "docname": name, fieldname: value}]),
		)
	if path in ("savedocs", "savedocs_row"):
		if row is None:
			doc[fieldname] = value
		else:
			for table_row in doc[row.parentfield]:
				if table_row["name"] == row.name:
					table_row[fieldname] = value
		return client.call(
			"frappe.desk.form.save.savedocs",
			doc=json.dumps(doc),
			action="Update" if doc["docstatus"] == 1 else "Save",
		)
	if path in ("insert", "insert_many"):
		new = {k: v for k, v in doc.items() if k not in ("name", "creation", "modified", "amended_from")}
		new["docstatus"] = 0
		for table in frappe.get_meta(doctype).get_table_fields():
			new[table.fieldname] = [
				{k: v for k, v in r.items() if k not in ("name", "parent", "creation", "modified")}
				for r in new.get(table.fieldname) or []
			]
		new[fieldname] = value
		new["__marker"] = None
		if path == "insert":
			return client.http.post(f"{client.base}/api/resource/{doctype}", json=new, timeout=120)
		return client.call("frappe.client.insert_many", docs=json.dumps([new]))
	if path == "run_doc_method":
		doc[fieldname] = value
		return client.http.post(
			f"{client.base}/api/method/run_doc_method",
			data={"docs": json.dumps(doc), "method": "save"},
			timeout=120,
		)
	if path == "put_row":
		rows = [dict(r) for r in doc[row.parentfield]]
		for r in rows:
			if r["name"] == row.name:
				r[fieldname] = value
		return client.update(doctype, name, {row.parentfield: rows})
	if path == "set_value_row":
		return client.call(
			"frappe.client.set_value", doctype=row.doctype, name=row.name, fieldname=fieldname, value=value
		)
	raise AssertionError(path)


def _differs(stored, sent) -> bool:
	if isinstance(sent, int | float) and not isinstance(sent, bool):
		return abs(frappe.utils.flt(stored) - sent) > 1e-9
	return str(stored or "")[:10] != str(sent)[:10]


@pytest.mark.out_of_process
def test_no_client_writes_a_server_owned_field(records, clients, team):
	verdicts = Counter()
	failures = []
	total = 0
	covered = defaultdict(set)
	for doctype, name in records:
		roles = writers(doctype, name, team)
		assert roles, f"no role writes {doctype} {name}: the matrix would test nothing"
		before = snapshot(doctype, name)
		for role, path, target, fieldname, row in list(cells(doctype, name, roles)):
			total += 1
			covered[(doctype, target, path)].add(role)
			doc, value = forged(clients[role], doctype, name, fieldname, row)
			r = attempt(clients[role], path, doctype, name, fieldname, row, doc, value)
			after = snapshot(doctype, name)
			verdicts[(path, r.status_code)] += 1
			if r.status_code >= 500:
				failures.append(
					f"{role} {path} {target}.{fieldname} on {name}: HTTP {r.status_code} {r.text[:200]}"
				)
			if after != before:
				failures.append(
					f"{role} {path} {target}.{fieldname} on {name}: the record changed ({r.status_code})"
				)
			before = after
			if path in ("insert", "insert_many") and r.ok:
				# every record the request created holds the server's figure, not the one sent
				created = [r.json()["data"]["name"]] if path == "insert" else r.json()["message"]
				assert created, r.text[:200]
				frappe.db.rollback()
				for new in created:
					stored = frappe.db.get_value(doctype, new, fieldname)
					if not _differs(stored, value):
						failures.append(f"{role} {path} {doctype}.{fieldname}: {new} was inserted holding it")
		# every role that writes the record went down every path, on the record and on each of its row types
		targets = {target for (of, target, _path) in covered if of == doctype}
		assert doctype in targets
		for target in targets:
			for path in PARENT_PATHS if target == doctype else ROW_PATHS:
				assert covered[(doctype, target, path)] == set(roles), (doctype, target, path)
	print(f"\nowned-field matrix: {total} cells over {len(records)} records")
	for (path, status), count in sorted(verdicts.items()):
		print(f"  {path:16} HTTP {status}: {count}")
	assert total > 150
	assert not failures, "\n".join(failures[:40])
