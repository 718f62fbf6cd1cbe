"""While the database is unreachable (a restart, a failover), an API request is answered ``503 Service
Unavailable`` with ``Retry-After``: an answer a client knows to retry, where Frappe v15 answers 500.

Frappe connects to the database lazily, at a request's first query, and ``frappe.app.application`` rolls
back in its ``finally`` block: on an unreachable server both raise ``pymysql`` connection errors, the
second one out of the request handler, and gunicorn answers with its own bare 500 before any
``after_request`` hook runs. So the ``before_request`` hook below connects first; when that fails it drops
the request's database handle (nothing was written, and the ``finally`` block then skips its rollback) and
raises an error that carries HTTP status 503. ``after_request`` adds the ``Retry-After`` header.

A connection lost in the middle of a request is not covered: Frappe's ``finally`` rollback raises on it
before any hook can answer, so the client gets gunicorn's 500. The transaction was never committed, so
nothing is partial; a retry posts once (docs/SCALING.md "Faults").
"""

import frappe
from frappe import _

RETRY_AFTER_SECONDS = 5
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
