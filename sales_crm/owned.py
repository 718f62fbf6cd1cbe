"""No client writes what the server computes.

``chain.owned(doctype)`` declares, per DocType (parents and rows alike), the fields only the server writes:
statuses, roll-ups, outstanding and derived amounts, totals, approval records. Every save of a Sales CRM
document passes through ``SalesDocument.run_before_save_methods`` (``sales_crm.controllers.base``), whatever
the path — REST PUT and POST, ``frappe.client.set_value`` on the parent or on a row, ``bulk_update``,
``insert_many``, savedocs Save, Submit and Update, a workflow action:

1. ``capture`` (before any ``before_validate``/``validate``/``before_submit``/``before_update_after_submit``
   of the controller): every owned field whose value differs from what is stored (a new record: the field's
   default) is noted with the value sent, and put back to the stored value;
2. the controller runs, and recomputes what it recomputes;
3. ``check`` (after them): a noted field the server recomputed in this save (a total, a status of a
   record whose figures moved) keeps the server's figure; one the server left as stored — the client's
   value was its only source — is refused with a translated ``ValidationError`` (HTTP 417) naming the record,
   the row and the field. The request's transaction is rolled back, so nothing is written.

A client that sends the figure the server computes (a desk form with live totals) is not refused; a stale
copy of the stored value is no change at all. Neither is a desk form's old copy of a figure that another
posting moved while the form was open (a receipt moves the receivable's received amount, an advance the
customer's credit, a mining run the customer's scores: none of them is an edit, so the record's
``modified`` stays and Frappe's own staleness check lets the save through). The desk shows those fields
read-only and sends the whole record back with the time it loaded it (``__last_sync_on``), so a difference
there is what the form loaded, not what the user typed: the stored figure stands, the rest of the save
goes ahead, and the user is told which figures were kept.

The server's own writes go through ``frappe.db`` (the chain's roll-ups, ``db_set``) or, where they save a
document, inside ``by_server()``. A workflow action sets its state's ``update_field`` itself: Frappe checks
that the transition is allowed to the user, so that value is the workflow's, not the client's.
"""

from __future__ import annotations

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import cstr, flt

from sales_crm import chain

_SERVER_WRITES = "sales_crm_server_writes"


@contextmanager
def by_server():
	"""The server saves a document whose owned fields it has set itself (a delivery, an assignment)."""
	depth = getattr(frappe.local, _SERVER_WRITES, 0)
	setattr(frappe.local, _SERVER_WRITES, depth + 1)
	try:
		yield
	finally:
		setattr(frappe.local, _SERVER_WRITES, depth)


def server_writing() -> bool:
	return bool(getattr(frappe.local, _SERVER_WRITES, 0)) or bool(
		frappe.flags.in_install or frappe.flags.in_migrate or frappe.flags.in_patch
	)


def _same(a, b) -> bool:
	if isinstance(a, int | float) or isinstance(b, int | float):
		return abs(flt(a) - flt(b)) < 1e-9
	return (cstr(a) if a is not None else "") == (cstr(b) if b is not None else "")


def _default(df):
	if df.fieldtype in ("Int", "Check", "Float", "Currency", "Percent"):
		return flt(df.default) if df.default not in (None, "") else 0
	return df.default or None


def _records(doc, before):
	"""``(record, its stored counterpart or None)`` for the document and each of its rows."""
	yield doc, before
	stored = {}
	if before:
		for row in before.get_all_children():
			stored[row.name] = row
	for row in doc.get_all_children():
		yield row, stored.get(row.name) if row.name else None


def _workflow_sets(doc, before) -> dict[str, object]:
	"""The field and value the workflow state the document moves to sets (``update_field``)."""
	workflow_name = doc.meta.get_workflow()
	if not workflow_name:
		return {}
	workflow = frappe.get_cached_doc("Workflow", workflow_name)
	state = doc.get(workflow.workflow_state_field)
	if not state or (before and before.get(workflow.workflow_state_field) == state):
		return {}
	# the state itself (Frappe checks that the transition is the user's to make) and what it updates
	sets = {workflow.workflow_state_field: state}
	for row in workflow.states:
		if row.state == state and row.update_field:
			sets[row.update_field] = row.update_value
	return sets


def capture(doc) -> None:
	"""Note and undo every change a client made to an owned field (see the module's docstring)."""
	if doc.flags.owned_sent is not None:
		return  # noted already, before the new record's before_insert
	doc.flags.owned_sent = sent = []
	if server_writing() or doc.meta.module != "Sales CRM":
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	workflow = _workflow_sets(doc, before)
	# a saved record sent back whole by a desk form (sales_crm/owned.py's docstring)
	desk_copy = before is not None and bool(doc.get("__last_sync_on"))
	kept = []
	for record, stored in _records(doc, before):
		fields = chain.owned(record.doctype)
		if not fields:
			continue
		for fieldname in fields:
			df = record.meta.get_field(fieldname)
			value = record.get(fieldname)
			original = stored.get(fieldname) if stored is not None else _default(df)
			if _same(value, original):
				continue
			if record is doc and fieldname in workflow and _same(value, workflow[fieldname]):
				continue
			if stored is None and df.no_copy and doc.get("amended_from"):
				# an amendment copied from the cancelled record: the desk leaves no_copy fields out, a
				# server-side copy (frappe.copy_doc) keeps them; either way they start anew
				record.set(fieldname, original)
				continue
			record.set(fieldname, original)
			if desk_copy and stored is not None:
				kept.append(_(record.meta.get_label(fieldname)))
				continue
			sent.append((record, fieldname, value, original))
	if kept:
		from sales_crm.validation import record_label

		frappe.msgprint(
			_("{0}: {1} changed since the form was opened; the current figures were kept").format(
				record_label(doc), ", ".join(dict.fromkeys(kept))
			),
			alert=True,
			indicator="blue",
		)


def check(doc) -> None:
	"""Refuse the first noted change the server did not compute itself."""
	for record, fieldname, value, original in doc.flags.pop("owned_sent", None) or []:
		if _same(record.get(fieldname), value):
			continue  # the client sent what the server computes
		if not _same(record.get(fieldname), original):
			continue  # the server computed it anew in this save (a total): its figure stands, not the client's
		from sales_crm.validation import record_label

		where = record_label(doc)
		if record is not doc:
			where = _("{0}, row {1}").format(where, record.idx)
		label = _(record.meta.get_label(fieldname))
		frappe.throw(
			_("{0}: {1} is computed by the system and cannot be set (sent {2})").format(
				where, frappe.bold(label), frappe.bold(frappe.utils.escape_html(cstr(value))[:40])
			),
			frappe.ValidationError,
			title=_("Read-only Field"),
		)
