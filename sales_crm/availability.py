"""While the database is unreachable (a restart, a failover), an API request is answered ``503 Service
Unavailable`` with ``Retry-After``: an answer a client knows to retry, where Frappe v15 answers 500.

Frappe connects to the database lazily, at a request's first query, and ``frappe.app.application`` rolls
back in its ``finally`` block: on an unreachable server both raise ``pymysql`` connection errors, the
second one out of the request handler, and gunicorn answers with its own bare 500 before any
``after_request`` hook runs. So the ``before_request`` hook below connects first; when that fails it drops
the request's database handle (nothing was written, and the ``finally`` block then skips its rollback) and
raises an error that carries HTTP status 503. ``after_request`` adds the ``Retry-After`` header.

When MariaDB refuses a request's transaction instead (it chose it as a deadlock's victim, or one of its
locks waited longer than ``innodb_lock_wait_timeout``), it has rolled the transaction back whole and Frappe
answers 500 with a traceback. ``answer_conflict`` turns that answer into ``409 Conflict`` with
``Retry-After`` and a message naming the record: another request held the same rows, and trying again
lands. Two contracts of one opportunity cancelled at the same moment are such a pair: each locks its own
row before the app runs (Frappe's ``check_if_latest``), then the opportunity's won amount reads the other.

Work a request leaves to after its commit (a job pushed to the Redis queue: a record's notifications,
Frappe's workflow e-mails; realtime messages) runs inside Frappe's ``frappe.db.commit()`` once MariaDB has
committed, and anything it raises would come out of the request as a bare 500. A client told that its
posting failed sends it again, and an insert lands twice. ``isolate_after_commit`` makes each such callback
fail on its own: logged, the answer still the committed request's.

A connection lost in the middle of a request is not covered: Frappe's ``finally`` rollback raises on it
before any hook can answer, so the client gets gunicorn's 500. The transaction was never committed, so
nothing is partial; a retry posts once (docs/SCALING.md "Faults").
"""

import json

import frappe
from frappe import _
from frappe.utils import CallbackManager, escape_html

RETRY_AFTER_SECONDS = 5
# a deadlock's victim can try again at once; a lock wait that timed out, a moment later
CONFLICT_RETRY_AFTER_SECONDS = 1
# what Frappe raises for MariaDB's 1213 (deadlock) and 1205 (lock wait timeout): the transaction is gone
REFUSED_TRANSACTIONS = {"QueryDeadlockError", "QueryTimeoutError"}
# can't connect through the socket or TCP, server gone away, connection lost (MariaDB client errors)
CONNECTION_ERRORS = {2002, 2003, 2006, 2013}


class DatabaseUnavailable(Exception):
	http_status_code = 503


def is_connection_error(error: Exception) -> bool:
	import pymysql

	return isinstance(error, pymysql.err.OperationalError | pymysql.err.InterfaceError) and (
		not error.args or error.args[0] in CONNECTION_ERRORS or error.args[0] == 0
	)


def connect_or_answer_unavailable():
	"""``before_request`` hook (the first of the app's): connect to the database now, or answer 503."""
	request = getattr(frappe.local, "request", None)
	db = getattr(frappe.local, "db", None)
	if request is None or db is None or getattr(db, "_conn", None):
		return
	if not (request.path.startswith("/api/") or frappe.local.is_ajax):
		return  # a page would be rendered from the database: Frappe's own error page stays
	try:
		db.connect()
	except Exception as error:
		if not is_connection_error(error):
			raise
		message, title = _translated()
		frappe.local.db = None
		frappe.local.flags.database_unavailable = True
		frappe.local.message_log = []
		frappe.throw(message, DatabaseUnavailable, title=title)


class AfterCommit(CallbackManager):
	"""A request's ``frappe.db.after_commit``: a callback that fails is logged, and the others still run."""

	__slots__ = ()

	def run(self):
		while self._functions:
			callback = self._functions.popleft()
			try:
				callback()
			except Exception:
				frappe.logger("sales_crm").exception(
					"%s failed after the commit; the commit stands", _named(callback)
				)


def _named(callback) -> str:
	"""A callback for the log: the job a ``frappe.enqueue(..., enqueue_after_commit=True)`` was to queue."""
	for cell in getattr(callback, "__closure__", None) or ():
		try:
			value = cell.cell_contents
		except ValueError:  # a cell not filled yet
			continue
		if isinstance(value, dict) and value.get("job_name"):
			return f"queuing {value['job_name']}"
	return getattr(callback, "__qualname__", repr(callback))


def isolate_after_commit():
	"""``before_request`` and ``before_job`` hook: what runs after a commit cannot fail the request's answer,
	nor stop a job between two of its commits."""
	db = getattr(frappe.local, "db", None)
	if db is not None and type(db.after_commit) is CallbackManager:
		db.after_commit.__class__ = AfterCommit


def _translated() -> tuple[str, str]:
	"""The answer's message and title in the user's language, when the translations are in the cache
	(reading them on a cache miss needs the database)."""
	english = (
		"The database is not reachable at the moment. Nothing was saved; please try again in a few seconds.",
		"Service Unavailable",
	)
	try:
		return (
			_(
				"The database is not reachable at the moment. Nothing was saved; please try again in a few seconds."
			),
			_("Service Unavailable"),
		)
	except Exception:
		return english


def add_retry_after(response=None, request=None):
	"""``after_request`` hook: a 503 from ``connect_or_answer_unavailable`` says when to retry."""
	if (
		response is not None
		and frappe.local.flags.get("database_unavailable")
		and response.status_code == 503
	):
		response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)


def answer_conflict(response=None, request=None):
	"""``after_request`` hook: a JSON answer of 500 for a transaction MariaDB refused becomes 409 with
	``Retry-After``, the refusal explained and no traceback."""
	if response is None or response.status_code != 500 or response.mimetype != "application/json":
		return
	answer = frappe.local.response
	errors = answer.get("errors") if isinstance(answer.get("errors"), list) else None
	kind = errors[0].get("type") if errors and isinstance(errors[0], dict) else answer.get("exc_type")
	if kind not in REFUSED_TRANSACTIONS:
		return
	title = _("Conflict")
	message = _(
		"Another request changed the same records at the same time, so the database refused this one. "
		"Nothing was saved; please try again."
	)
	record = _named_record(request)
	if record:  # from the request: escaped, since the desk shows the message as HTML
		message = f"{escape_html(_(record[0]))} {escape_html(record[1])}: {message}"
	if errors is not None:  # API v2
		body = {"errors": [{"type": kind, "title": title, "message": message}]}
	else:
		shown = {"message": message, "title": title, "indicator": "orange", "raise_exception": 1}
		body = {"exc_type": kind, "_server_messages": json.dumps([json.dumps(shown)])}
	response.set_data(json.dumps(body))
	response.status_code = 409
	response.headers["Retry-After"] = str(CONFLICT_RETRY_AFTER_SECONDS)


def _named_record(request) -> tuple[str, str] | None:
	"""The document a request names: ``/api/resource/<doctype>/<name>``, or the ``doctype`` and ``name``
	(or a ``doc``) of a method's arguments. The refusal is answered whether or not one is found."""
	from urllib.parse import unquote

	parts = [unquote(p) for p in (getattr(request, "path", "") or "").split("/") if p]
	if parts[:2] == ["api", "resource"] and len(parts) >= 4:
		return parts[2], parts[3]
	if parts[:3] == ["api", "v2", "document"] and len(parts) >= 5:
		return parts[3], parts[4]
	arguments = frappe.local.form_dict or {}
	doc = arguments.get("doc")
	if isinstance(doc, str):
		try:
			doc = json.loads(doc)
		except ValueError:
			doc = None
	if isinstance(doc, dict) and isinstance(doc.get("doctype"), str) and isinstance(doc.get("name"), str):
		return doc["doctype"], doc["name"]
	doctype, name = arguments.get("doctype"), arguments.get("name")
	if isinstance(doctype, str) and isinstance(name, str):
		return doctype, name
	return None
