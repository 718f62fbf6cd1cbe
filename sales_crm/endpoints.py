"""Frappe v15 endpoints that read records past the row scopes, overridden in hooks.py
(``override_whitelisted_methods``) so that they answer only what the user's list shows (FLOW.md
"Permissions", "Scopes beyond the parent list").

- Link search (``frappe.desk.search.search_widget``, ``search_link``): ``ignore_user_permissions=1``
  switched every permission check off, the row scopes included; here the scopes always apply, and
  ``filter_fields``/``searchfield`` name only fields the user may read.
- Printing (``frappe.www.printview.get_html_and_style``, ``get_rendered_raw_commands``,
  ``frappe.utils.print_format.download_pdf``): a ``doc`` built by the client was rendered as it came, with
  the titles and values of whatever records it named. A document is printed only as it is stored, re-read
  by name and permission-checked; an unsaved or unknown one is refused.
- ``frappe.client.get``: a hidden record answered 403 and a missing one 404, so its existence (and, by
  filters, its name) leaked. For the app's DocTypes both answer 404 "not found".
- ``frappe.client.validate_link`` and ``frappe.desk.search.get_link_title``: the name or title of a
  record the user may not read (Frappe answers them with no permission check); likewise a record's default
  address (``get_default_address``) and the submitted documents linked to it (``get_submitted_linked_docs``).
- A child row by name (``frappe.desk.form.load.getdoc``, ``frappe.client.set_value``, ``delete``): Frappe
  checks it against the parent DocType's role only (the row's ``parent_doc`` is not loaded).
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import cint

from sales_crm.constants import LINK_SCOPED, SCOPED
from sales_crm.permissions import readable_names, scoped_parents

# a link search answers at most this many rows a call (the desk asks for 10 to 20)
MAX_SEARCH_ROWS = 500


def row_scoped(doctype: str) -> bool:
	"""Whether the app scopes the rows of ``doctype``: its own scoped DocTypes, Contact and Address, and the
	child tables of these."""
	if doctype in SCOPED or doctype in LINK_SCOPED:
		return True
	return bool(
		frappe.db.exists("DocType", doctype) and frappe.get_meta(doctype).istable and scoped_parents(doctype)
	)


def app_doctype(doctype: str) -> bool:
	"""The app's DocTypes and those it scopes: existence answers are the same for them."""
	if not isinstance(doctype, str) or not frappe.db.exists("DocType", doctype):
		return False
	return row_scoped(doctype) or frappe.get_meta(doctype).module == "Sales CRM"


def _has_query_conditions(doctype: str) -> bool:
	hooks = frappe.get_hooks("permission_query_conditions", {})
	if hooks.get(doctype) or row_scoped(doctype):
		return True
	from frappe.core.doctype.server_script.server_script_utils import get_server_script_map

	return bool(get_server_script_map().get("permission_query", {}).get(doctype))


def _readable_fields(doctype: str, fields, parent_doctype: str | None = None) -> list[str]:
	"""The plain fieldnames of ``fields`` the user may read through the list of ``doctype``."""
	from frappe.model import get_permitted_fields

	permitted = set(
		get_permitted_fields(doctype=doctype, parenttype=parent_doctype, permission_type="read")
	) | {"name"}
	return [f for f in fields if isinstance(f, str) and f.strip() in permitted]


@frappe.whitelist()
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters: str | dict | list | None = None,
	filter_fields=None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	"""``frappe.desk.search.search_widget``: the user's permission query conditions (the app's row scopes,
	and any other app's) apply whatever ``ignore_user_permissions`` says — Frappe switches every check off
	with it, where it means only User Permissions; ``filter_fields`` and ``searchfield`` are fields the user
	may read; at most ``MAX_SEARCH_ROWS`` rows."""
	from frappe.desk.search import search_widget as frappe_search_widget

	if cint(ignore_user_permissions) and _has_query_conditions(doctype):
		# the scopes cannot be kept while User Permissions are dropped: both apply (the stricter answer)
		ignore_user_permissions = False
	if filter_fields:
		fields = json.loads(filter_fields) if isinstance(filter_fields, str) else filter_fields
		if not isinstance(fields, list):
			frappe.throw(_("Filter fields must be a list of field names"))
		filter_fields = json.dumps(_readable_fields(doctype, fields, reference_doctype))
	if (
		searchfield
		and searchfield != "name"
		and not _readable_fields(doctype, [searchfield], reference_doctype)
	):
		frappe.throw(
			_("{0} is not a field of {1} you may read").format(searchfield, _(doctype)),
			frappe.PermissionError,
		)
	return frappe_search_widget(
		doctype,
		txt,
		query=query,
		searchfield=searchfield,
		start=max(cint(start), 0),
		page_length=min(max(cint(page_length), 1), MAX_SEARCH_ROWS),
		filters=filters,
		filter_fields=filter_fields,
		as_dict=as_dict,
		reference_doctype=reference_doctype,
		ignore_user_permissions=ignore_user_permissions,
	)


@frappe.whitelist()
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	"""``frappe.desk.search.search_link`` (the desk's link fields) through ``search_widget`` above: Frappe's
	own calls its module's search_widget, which the override does not reach."""
	from frappe.desk.search import build_for_autosuggest

	results = search_widget(
		doctype,
		(txt or "").strip(),
		query,
		searchfield=searchfield,
		page_length=page_length,
		filters=filters,
		reference_doctype=reference_doctype,
		ignore_user_permissions=ignore_user_permissions,
	)
	return build_for_autosuggest(results, doctype=doctype)


def _not_found(doctype: str, name: str | None = None):
	if name:
		message = _("{0} {1} not found").format(_(doctype), frappe.bold(name))
	else:
		message = _("{0} not found").format(_(doctype))
	frappe.throw(message, frappe.DoesNotExistError, title=_("Not Found"))


@frappe.whitelist()
def get(doctype: str, name: str | None = None, filters=None, parent: str | None = None):
	"""``frappe.client.get``: for the app's DocTypes a record the user may not read and one that does not
	exist answer alike (404, "not found", no other name); by filters, the first match of the user's list."""
	from frappe.client import get as frappe_get

	if not app_doctype(doctype) or frappe.get_meta(doctype).issingle or (not name and filters is None):
		return frappe_get(doctype, name=name, filters=filters, parent=parent)
	if frappe.is_table(doctype):
		from frappe.model.db_query import check_parent_permission

		check_parent_permission(parent, doctype)
	if name:
		if not isinstance(name, str) or not readable_names(doctype, [name]):
			_not_found(doctype, name if isinstance(name, str) else None)
		return frappe_get(doctype, name=name, parent=parent)
	filters = frappe.parse_json(filters)
	try:
		names = frappe.get_list(
			doctype, filters=filters, pluck="name", limit_page_length=1, parent_doctype=parent
		)
	except frappe.DataError:
		names = []
	if not names:
		_not_found(doctype)
	return frappe_get(doctype, name=names[0], parent=parent)


@frappe.whitelist()
def validate_link(doctype: str, docname: str, fields=None):
	"""``frappe.client.validate_link`` (a link field's value checked as it is typed): Frappe answers a
	record's name whether or not the user may read it. For the app's DocTypes a hidden one answers as a
	missing one does (no name)."""
	from frappe.client import validate_link as frappe_validate_link

	if app_doctype(doctype) and isinstance(docname, str) and not readable_names(doctype, [docname]):
		return frappe._dict()
	return frappe_validate_link(doctype, docname, fields=fields)


@frappe.whitelist()
def get_link_title(doctype, docname):
	"""``frappe.desk.search.get_link_title``: Frappe reads the title of any record with no permission
	check (a colleague's customer's name); for the app's DocTypes only a readable record's title."""
	from frappe.desk.search import get_link_title as frappe_get_link_title

	if app_doctype(doctype) and not (isinstance(docname, str) and readable_names(doctype, [docname])):
		return docname
	return frappe_get_link_title(doctype, docname)


def _hidden(doctype, name) -> bool:
	"""Whether ``name`` is a record (or child row) of the app's that the user may not read, or none."""
	return app_doctype(doctype) and not (isinstance(name, str) and readable_names(doctype, [name]))


@frappe.whitelist()
def getdoc(doctype, name, user=None):
	"""``frappe.desk.form.load.getdoc`` (the desk's form): Frappe checks a child row given by name against
	its parent DocType's role only, so a colleague's contract row opened as a form. For the app's
	DocTypes a record the user may not read answers as a missing one does (no document)."""
	from frappe.desk.form.load import getdoc as frappe_getdoc

	if _hidden(doctype, name):
		frappe.response.docs = []
		return []
	return frappe_getdoc(doctype, name, user=user)


@frappe.whitelist(methods=["POST", "PUT"])
def set_value(doctype, name, fieldname, value=None):
	"""``frappe.client.set_value``: a child row the user may not read is not found (Frappe's refusal named
	its parent record)."""
	from frappe.client import set_value as frappe_set_value

	if _hidden(doctype, name):
		_not_found(doctype, name if isinstance(name, str) else None)
	return frappe_set_value(doctype, name, fieldname, value=value)


@frappe.whitelist(methods=["DELETE", "POST"])
def delete(doctype, name):
	"""``frappe.client.delete``: as ``set_value``."""
	from frappe.client import delete as frappe_delete

	if _hidden(doctype, name):
		_not_found(doctype, name if isinstance(name, str) else None)
	return frappe_delete(doctype, name)


@frappe.whitelist()
def get_default_address(doctype: str, name: str | None, sort_key: str = "is_primary_address"):
	"""``frappe.contacts.doctype.address.address.get_default_address``: Frappe names the default site of
	any record with no permission check; for the app's DocTypes only of a record the user may read."""
	from frappe.contacts.doctype.address.address import get_default_address as frappe_default_address

	if _hidden(doctype, name):
		return None
	return frappe_default_address(doctype, name, sort_key=sort_key)


@frappe.whitelist()
def get_submitted_linked_docs(doctype: str, name: str, ignore_doctypes_on_cancel_all=None):
	"""``frappe.desk.form.linked_with.get_submitted_linked_docs`` (the cancel-all dialog): Frappe lists the
	submitted documents linked to any record, its permission check unheeded. Here the record must be one
	the user may read, and only the linked documents they may read are listed."""
	from frappe.desk.form.linked_with import get_submitted_linked_docs as frappe_linked

	if _hidden(doctype, name) or not frappe.has_permission(doctype, "read", name):
		_not_found(doctype, name if isinstance(name, str) else None)
	result = frappe_linked(doctype, name, ignore_doctypes_on_cancel_all=ignore_doctypes_on_cancel_all)
	by_doctype: dict[str, set] = {}
	for row in result["docs"]:
		by_doctype.setdefault(row["doctype"], set()).add(row["name"])
	readable = {dt: readable_names(dt, names) for dt, names in by_doctype.items()}
	docs = [row for row in result["docs"] if row["name"] in readable[row["doctype"]]]
	return {"docs": docs, "count": len(docs)}


# the arguments by which requests name one document (or a JSON list of them)
NAME_ARGUMENTS = ("name", "docname", "dn")


def guard_child_rows() -> None:
	"""``before_request``: a request that names rows of a child table of a scoped DocType (``doctype`` and
	``name``, as the ``/printview`` page, ``download_multi_pdf`` and the form endpoints do) is refused
	unless the user may read each row's parent record. Frappe v15 checks a child row given by name against
	its parent DocType's role only, so a colleague's contract row printed. Requests signed with an API key
	are authenticated after this hook; the overridden endpoints check those."""
	if frappe.session.user in ("Guest", "Administrator"):
		return
	form = frappe.local.form_dict
	doctype = form.get("doctype")
	if not isinstance(doctype, str) or not frappe.is_table(doctype) or not scoped_parents(doctype):
		return
	for argument in NAME_ARGUMENTS:
		value = form.get(argument)
		if isinstance(value, str) and value.lstrip().startswith("["):
			try:
				value = json.loads(value)
			except ValueError:
				pass
		names = value if isinstance(value, list) else [value]
		wanted = {name for name in names if isinstance(name, str) and name}
		if wanted and readable_names(doctype, wanted) != wanted:
			frappe.throw(_("No permission for {0}").format(_(doctype)), frappe.PermissionError)


def _stored(doc, name) -> tuple[str, str]:
	"""(DocType, name) of the stored document a print asks for: by ``doc`` (a DocType) and ``name``, or by
	the ``doctype`` and ``name`` of a ``doc`` object — never the object's own values."""
	if isinstance(doc, str) and doc.lstrip().startswith("{"):
		try:
			doc = json.loads(doc)
		except ValueError:
			doc = None
	if isinstance(doc, dict):
		doctype, docname = doc.get("doctype"), doc.get("name")
	else:
		doctype, docname = doc, name
	if (
		not isinstance(doctype, str)
		or not isinstance(docname, str)
		or not frappe.db.exists("DocType", doctype)
		or frappe.get_meta(doctype).issingle
		or not frappe.db.exists(doctype, docname)
	):
		frappe.throw(_("Only a saved document can be printed"), frappe.DoesNotExistError)
	if _hidden(doctype, docname):
		# a child row: Frappe checks it against its parent DocType's role only
		frappe.throw(_("No permission for {0}").format(_(doctype)), frappe.PermissionError)
	return doctype, docname


@frappe.whitelist()
def get_html_and_style(
	doc: str,
	name: str | None = None,
	print_format: str | None = None,
	no_letterhead: bool | None = None,
	letterhead: str | None = None,
	trigger_print: bool = False,
	style: str | None = None,
	settings: str | None = None,
):
	"""``frappe.www.printview.get_html_and_style``: the stored document (the desk's print preview sends the
	form's ``doc``; unsaved edits are not printed), with Frappe's permission check."""
	from frappe.www.printview import get_html_and_style as frappe_html_and_style

	doctype, docname = _stored(doc, name)
	return frappe_html_and_style(
		doctype,
		docname,
		print_format=print_format,
		no_letterhead=no_letterhead,
		letterhead=letterhead,
		trigger_print=trigger_print,
		style=style,
		settings=settings,
	)


@frappe.whitelist()
def get_rendered_raw_commands(doc: str, name: str | None = None, print_format: str | None = None):
	"""``frappe.www.printview.get_rendered_raw_commands``: the stored document, as above."""
	from frappe.www.printview import get_rendered_raw_commands as frappe_raw_commands

	doctype, docname = _stored(doc, name)
	return frappe_raw_commands(doctype, docname, print_format=print_format)


@frappe.whitelist()
def download_pdf(
	doctype: str, name: str, format=None, doc=None, no_letterhead=0, language=None, letterhead=None
):
	"""``frappe.utils.print_format.download_pdf``: a ``doc`` argument is ignored; the stored ``name`` is
	printed, after Frappe's print permission check."""
	from frappe.utils.print_format import download_pdf as frappe_download_pdf

	if _hidden(doctype, name):
		frappe.throw(_("No permission for {0}").format(_(doctype)), frappe.PermissionError)
	return frappe_download_pdf(
		doctype, name, format=format, no_letterhead=no_letterhead, language=language, letterhead=letterhead
	)
