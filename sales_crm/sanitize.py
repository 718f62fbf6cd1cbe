"""Values a Sales CRM document can store, checked before its own validation runs.

REST accepts any JSON: NaN and infinities (Python's json reads them), numbers past what a column
holds, lists and objects where text belongs, dates that are not dates. Unchecked, each of them ends
as a database error (an HTTP 500) or a silent zero. Here each one becomes a translated
ValidationError naming the record, the row and the field.
"""

from __future__ import annotations

import datetime
import re

from sales_crm.rules.pricing import MAX_VALUE, to_decimal

DECIMAL_TYPES = {"Float", "Currency", "Percent"}
INT_TYPES = {"Int", "Check"}
DATE_TYPES = {"Date", "Datetime"}
TEXT_TYPES = {
	"Data",
	"Link",
	"Dynamic Link",
	"Select",
	"Small Text",
	"Text",
	"Long Text",
	"Text Editor",
	"Code",
	"Read Only",
	"Phone",
}
NAME_TYPES = {"Link", "Dynamic Link", "Select"}
# Data fields whose options make Frappe check the value with str methods (validate_phone_number and the
# e-mail and URL checks call .strip() and the like): a number there is refused as not text, like a name.
STRING_CHECKED = {"Phone", "Email", "URL"}
INT_LIMIT = 2**31 - 1


def problem_with(fieldtype: str, value) -> str | None:
	"""What is wrong with ``value`` for a field of ``fieldtype`` (a rule name), or None."""
	if value is None or value == "":
		return None
	if fieldtype in DECIMAL_TYPES or fieldtype in INT_TYPES:
		if isinstance(value, bool):
			return None if fieldtype == "Check" else "number"
		if not isinstance(value, int | float | str):
			return "number"
		try:
			number = to_decimal(value)
		except ValueError:
			return "number"
		if not number.is_finite():
			return "number"
		if fieldtype in INT_TYPES:
			if number != number.to_integral_value():
				return "integer"
			return "too_large" if abs(number) > INT_LIMIT else None
		return "too_large" if abs(number) > MAX_VALUE else None
	if fieldtype in DATE_TYPES:
		if isinstance(value, datetime.date):
			return None
		if not isinstance(value, str):
			return "date"
		try:
			# what the desk, the importer and REST clients send: ISO dates and times
			(datetime.date if fieldtype == "Date" else datetime.datetime).fromisoformat(value.strip())
		except ValueError:
			return "date"
		return None
	if (fieldtype in NAME_TYPES or fieldtype in STRING_CHECKED) and not isinstance(value, str):
		return "text"  # a record name or an option: Frappe builds names and queries from it as a string
	if fieldtype in TEXT_TYPES and (isinstance(value, bool) or not isinstance(value, str | int | float)):
		return "text"  # a bool too: Frappe's phone and e-mail checks call str methods on the value
	if fieldtype in TEXT_TYPES and fieldtype != "Data" and not isinstance(value, str):
		return "text"  # Frappe's formatters (the version diff, prints) run text methods on long text
	return None


def messages() -> dict[str, str]:
	from frappe import _

	return {
		"number": _("{0} must be a number, not {1}"),
		"integer": _("{0} must be a whole number, not {1}"),
		"too_large": _("{0} is too large to store ({1})"),
		"date": _("{0} must be a date, not {1}"),
		"text": _("{0} must be text, not {1}"),
	}


def field_problems(meta, values, idx: int | None = None) -> list[tuple]:
	"""``(idx, label, value, rule)`` for each value of ``values`` (a dict or a document) its field cannot hold."""
	found = []
	for df in meta.fields:
		value = values.get(df.fieldname)
		kind = df.options if df.fieldtype == "Data" and df.options in STRING_CHECKED else df.fieldtype
		rule = problem_with(kind, value)
		if rule:
			found.append((idx, df.label or df.fieldname, value, rule))
	return found


def throw_field_problems(doctype: str, name: str | None, found: list[tuple]):
	import frappe
	from frappe import _

	texts = messages()
	lines = []
	for idx, label, value, rule in found:
		from sales_crm.validation import label_of

		where = label_of(doctype, name)
		if idx is not None:
			where = _("{0}, row {1}").format(where, idx)
		text = str(value)
		text = text if len(text) <= 40 else text[:37] + "…"
		lines.append(f"{where}: {texts[rule].format(_(label), frappe.bold(frappe.utils.escape_html(text)))}")
	frappe.throw(lines if len(lines) > 1 else lines[0], title=_("Invalid Value"), as_list=len(lines) > 1)


def validate_field_values(doc, method=None):
	"""doc_events ``before_insert`` / ``before_validate`` for every DocType of the Sales CRM module."""
	if doc.meta.module != "Sales CRM":
		return
	found = field_problems(doc.meta, doc)
	for row in doc.get_all_children():
		found += field_problems(row.meta, row, row.idx)
	if found:
		throw_field_problems(doc.doctype, None if doc.is_new() else doc.name, found)


DOCUMENT_PATH = re.compile(r"^/api/(?:v1/resource|resource|v2/document)/([^/]+)(?:/.+)?/?$")


def check_request_shape():
	"""``before_request`` hook: a write to one of our DocTypes over REST must send an object whose child
	tables are lists of objects. Frappe builds the document from the body before any hook of the DocType
	runs, and a list body, or ``"items": 1``, would otherwise end in a TypeError (HTTP 500)."""
	import frappe
	from frappe import _

	request = getattr(frappe.local, "request", None)
	if not request or request.method not in ("POST", "PUT", "PATCH"):
		return
	match = DOCUMENT_PATH.match(request.path)
	if not match:
		return
	doctype = match.group(1)
	if not frappe.db.exists("DocType", {"name": doctype, "module": "Sales CRM"}):
		return
	from frappe.api.v1 import get_request_form_data

	data = get_request_form_data()
	if not isinstance(data, dict):
		frappe.throw(
			_("{0}: the request body must be a JSON object").format(_(doctype)), title=_("Invalid Request")
		)
	meta = frappe.get_meta(doctype)
	found = field_problems(meta, data)
	for df in meta.get_table_fields():
		rows = data.get(df.fieldname)
		if rows is None:
			continue
		if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
			frappe.throw(
				_("{0}: {1} must be a list of rows (objects)").format(_(doctype), _(df.label)),
				title=_("Invalid Request"),
			)
		child = frappe.get_meta(df.options)
		for number, row in enumerate(rows, 1):
			found += field_problems(child, row, number)
	if found:
		throw_field_problems(doctype, data.get("name") if isinstance(data.get("name"), str) else None, found)


def validate_links(doc, method=None):
	"""doc_events ``before_validate``: every Link and Dynamic Link of a Sales CRM record and its rows names
	an existing record that the acting user may read, and department members are enabled System Users.

	Frappe v15 checks links itself, but skips a missing target when the field has ``fetch_from``
	dependents (``BaseDocument.get_invalid_links``), so a row could name a product that does not exist.
	Frappe never asks whether the user may read the target: a quotation on a colleague's opportunity moved
	its stage, a customer commission on a colleague's contract copied its customer and amount. A scoped
	target that is hidden or missing is refused alike, in Frappe's words for a missing link, so the answer
	tells nothing of it (``owned.by_server()``: where the server itself links). One query per target DocType. Contact and Address (scoped through
	their links) are checked too."""
	import frappe
	from frappe import _

	from sales_crm import reads
	from sales_crm.constants import LINK_SCOPED, SCOPED

	if doc.meta.module != "Sales CRM" and doc.doctype not in LINK_SCOPED:
		return
	wanted: dict[str, set[str]] = {}
	places: list[tuple] = []
	for record in [doc, *doc.get_all_children()]:
		for df in record.meta.get_link_fields() + record.meta.get_dynamic_link_fields():
			value = record.get(df.fieldname)
			if not value or not isinstance(value, str):
				continue
			target = df.options if df.fieldtype == "Link" else record.get(df.options)
			if not target or target == "[Select]":
				continue
			wanted.setdefault(target, set()).add(value)
			places.append((record, df, target, value))
	existing = {}
	confirmed = _confirmed_links()
	for target, values in wanted.items():
		meta = _meta(target)
		if meta is None:
			continue
		if meta.issingle:
			existing[target] = values
			continue
		known = confirmed.setdefault(target, set())
		unknown = sorted(values - known)
		if unknown:
			known |= set(reads.column(target, {"name": unknown}, "name"))
		existing[target] = values & known
	scoped = set(SCOPED) | set(LINK_SCOPED)
	hidden = {} if server_linking(doc) else _hidden_targets(doc, places, existing, scoped)
	for record, df, target, value in places:
		from sales_crm.validation import record_label

		where = record_label(doc)
		if record is not doc:
			where = _("{0}, row {1}").format(where, record.idx)
		if target in scoped and (
			(record.doctype, record.name, df.fieldname, value) in hidden
			or (target in existing and value not in existing[target])
		):
			# worded exactly as Frappe's own refusal of a missing link (Document._validate_links), which
			# answers first for most fields: a hidden record and a missing one read alike
			label = _(df.label, context=df.parent)
			what = f"{_('Row')} #{record.idx}: {label}: {value}" if record is not doc else f"{label}: {value}"
			frappe.throw(_("Could not find {0}").format(what), frappe.LinkValidationError)
		if target in existing and value not in existing[target]:
			frappe.throw(
				_("{0}: {1} {2} ({3}) does not exist").format(
					where, _(target), frappe.bold(value), _(df.label)
				),
				frappe.LinkValidationError,
				title=_("Missing Record"),
			)
	if doc.doctype == "Sales Department":
		validate_members(doc)


def _meta(doctype: str):
	"""The DocType's (cached) meta, or None when there is no such DocType (a Dynamic Link's value)."""
	import frappe

	messages = len(frappe.local.message_log)
	try:
		return frappe.get_meta(doctype)
	except frappe.DoesNotExistError:
		del frappe.local.message_log[messages:]  # its "not found" is no message of this save
		return None


def _confirmed_links() -> dict[str, set[str]]:
	"""Records this transaction has already found to exist, per DocType: a document inserted and submitted
	in one request (a flow's insert(); submit()) has its links looked up once, not once per save. Emptied
	when the transaction ends, so a record deleted by someone else is looked up afresh."""
	import frappe

	confirmed = getattr(frappe.local, "sales_crm_confirmed_links", None)
	if confirmed is None:
		confirmed = frappe.local.sales_crm_confirmed_links = {}

		def forget():
			frappe.local.sales_crm_confirmed_links = None

		frappe.db.after_commit.add(forget)
		frappe.db.after_rollback.add(forget)
	return confirmed


def _hidden_targets(doc, places: list[tuple], existing: dict, scoped: set) -> set[tuple]:
	"""(row DocType, row name, fieldname, value) of each link to an existing scoped record the acting user
	may not read, that this save makes: a link the stored record already holds stays (a lead reassigned
	since, a customer moved to another salesperson)."""
	import frappe

	from sales_crm.permissions import readable_names

	unreadable: dict[str, set[str]] = {}
	for target in {target for _record, _df, target, _value in places if target in scoped}:
		present = {v for _r, _d, t, v in places if t == target and v in existing.get(target, ())}
		if present:
			unreadable[target] = present - readable_names(target, present)
	# fields the controller itself just linked (a lead's possible duplicate): the server's, not the user's
	server_set = doc.flags.get("server_linked_fields") or set()
	found = {
		(record.doctype, record.name, df.fieldname, value)
		for record, df, target, value in places
		if value in unreadable.get(target, ()) and not (record is doc and df.fieldname in server_set)
	}
	if not found or doc.is_new():
		return found
	stored = frappe.get_doc(doc.doctype, doc.name) if frappe.db.exists(doc.doctype, doc.name) else None
	if not stored:
		return found
	held = {
		(record.doctype, record.name, df.fieldname, record.get(df.fieldname))
		for record in [stored, *stored.get_all_children()]
		for df in record.meta.get_link_fields() + record.meta.get_dynamic_link_fields()
	}
	return found - held


def server_linking(doc=None) -> bool:
	"""Whether the links of this save are the server's, not the acting user's: installing, migrating,
	importing, patching, a background job (its user is who enqueued it), a flow inside ``owned.by_server()``
	(the server's own path, for owned fields and links alike), a document the flow saves with
	``ignore_permissions`` or ``ignore_links``, or Administrator."""
	import frappe

	from sales_crm.owned import server_writing

	flags = frappe.flags
	if (
		flags.in_import
		or server_writing()
		or getattr(frappe.local, "job", None)
		or frappe.session.user == "Administrator"
	):
		return True
	return bool(doc is not None and (doc.flags.ignore_permissions or doc.flags.ignore_links))


def validate_members(department) -> None:
	"""A department's members and manager are enabled System Users (people who can sign in to the desk)."""
	import frappe
	from frappe import _

	users = {row.user for row in department.members if row.user}
	if department.manager:
		users.add(department.manager)
	valid = set(
		frappe.get_all(
			"User",
			filters={"name": ["in", sorted(users) or [""]], "enabled": 1, "user_type": "System User"},
			pluck="name",
		)
	)
	for row in department.members:
		if row.user and row.user not in valid:
			frappe.throw(
				_("{0} {1}, row {2}: {3} is not an enabled System User").format(
					_("Sales Department"), department.name or _("(new)"), row.idx, frappe.bold(row.user)
				),
				title=_("Invalid Member"),
			)
	if department.manager and department.manager not in valid:
		frappe.throw(
			_("{0} {1}: manager {2} is not an enabled System User").format(
				_("Sales Department"), department.name or _("(new)"), frappe.bold(department.manager)
			),
			title=_("Invalid Manager"),
		)
