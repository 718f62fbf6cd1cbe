"""A Sales CRM record's Notifications are sent for what was committed, after the commit.

Frappe evaluates a record's Notifications inside its save: it loads each matching Notification, evaluates
its condition, resolves the recipients and queues their notification log at once, before the transaction
has committed. So a save that fails afterwards (a later check, a conflict, a second record of the same
request refused) has already told the approvers about a record that does not exist, and every posting
pays for the evaluation while it holds its rows locked.

Here a save only notes which Notifications its event matches, with the record as it was then (and as it
was before the save, for a Value Change). The note becomes a background job when the transaction commits,
and is dropped with it when it rolls back. The job skips a record that is no longer there (rolled back to
a savepoint, or deleted) and otherwise hands each Notification to Frappe's own ``evaluate_alert``, which
decides as it would have in the save: condition, value change, recipients, channels.
"""

import frappe
from frappe.email.doctype.notification.notification import evaluate_alert
from frappe.model.document import Document
from frappe.utils import get_datetime

# Frappe's events (Document.run_notifications): the document method each Notification event is raised by.
EVENTS = {"after_insert": "New", "on_update": "Save", "on_submit": "Submit", "on_cancel": "Cancel"}


def _enabled(doctype: str) -> list:
	"""The doctype's enabled Notifications, from the cache Frappe keeps of them (cleared when one changes)."""

	def load():
		return frappe.get_all(
			"Notification",
			fields=["name", "event", "method"],
			filters={"enabled": 1, "document_type": doctype},
		)

	return frappe.cache.hget("notifications", doctype, load) or []


def _event(doc, method: str) -> str | None:
	if method == "on_change" and not doc.flags.in_insert and not doc.flags.in_delete:
		return "Value Change"  # a new record's first save changes no value
	return EVENTS.get(method)


def after_commit(doc, method: str) -> None:
	"""Note the Notifications ``method`` raises on ``doc``; they are evaluated once the transaction commits.

	A Notification is raised at most once per document object, as in Frappe (an insert and its submit are
	one object)."""
	if (
		(frappe.flags.in_import and frappe.flags.mute_emails)
		or frappe.flags.in_patch
		or frappe.flags.in_install
	):
		return
	if not (doc.name and doc.creation):
		# not stored yet (a Method Notification on an early hook of an insert): nothing to wait for
		Document.run_notifications(doc, method)
		return
	if doc.flags.notifications is None:
		doc.flags.notifications = _enabled(doc.doctype)
	if not doc.flags.notifications:
		return
	if doc.flags.notifications_executed is None:
		doc.flags.notifications_executed = []
	event = _event(doc, method)
	raised = [
		(alert.name, alert.event)
		for alert in doc.flags.notifications
		if alert.name not in doc.flags.notifications_executed
		and ((event and alert.event == event) or (alert.event == "Method" and alert.method == method))
	]
	if not raised:
		return
	doc.flags.notifications_executed.extend(name for name, _event in raised)
	before = doc.get_doc_before_save() if event == "Value Change" else None
	_queue(
		doctype=doc.doctype,
		name=doc.name,
		creation=str(doc.creation),
		raised=raised,
		record=doc.as_dict(),
		before=before.as_dict() if before else None,
		lang=frappe.local.lang,
	)


def _queue(**job) -> None:
	"""The job, pushed once the transaction has committed, dropped if it rolls back. Pushed from the commit's
	callback, not with ``enqueue_after_commit``: that reaches the Redis queue already at the save (a worker's
	first connection is opened and pinged there), and a queue down for a moment would fail the save."""
	if frappe.flags.in_test:
		evaluate(**job)  # as Frappe runs a job under its test runner: at once
		return

	def push():
		frappe.enqueue("sales_crm.notify.evaluate", queue="default", **job)

	push.__qualname__ = "queuing sales_crm.notify.evaluate"  # for the log, should the push fail
	frappe.db.after_commit.add(push)


def evaluate(
	doctype: str,
	name: str,
	creation: str,
	raised: list,
	record: dict,
	before: dict | None,
	lang: str | None = None,
):
	"""The job: each raised Notification, evaluated by Frappe on the record as its save left it, in the
	language of the request that saved it (as the save would have rendered it; a job starts in the site's)."""
	stored = frappe.db.get_value(doctype, name, "creation")
	if not stored or get_datetime(stored) != get_datetime(creation):
		return  # not committed after all (a savepoint rolled back), deleted since, or its name reused
	if lang:
		frappe.local.lang = lang
	doc = frappe.get_doc(record)
	if before:
		doc._doc_before_save = frappe.get_doc(before)
	for alert, event in raised:
		evaluate_alert(doc, alert, event)
