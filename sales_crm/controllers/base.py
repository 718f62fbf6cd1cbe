"""The base of every Sales CRM controller."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

from sales_crm import chain, notify, owned


class SalesDocument(Document):
	"""Every save, submit and update after submit refuses a client's change to a server-owned field
	(``sales_crm.owned``): noted before the controller's own methods run, checked after them. Its
	Notifications are evaluated once it has committed (``sales_crm.notify``)."""

	def run_method(self, method, *args, **kwargs):
		if method == "before_insert":
			# a new record's own before_insert may set owned fields (a possible duplicate): note first
			owned.capture(self)
		return super().run_method(method, *args, **kwargs)

	def run_notifications(self, method):
		notify.after_commit(self, method)

	def run_before_save_methods(self):
		owned.capture(self)
		if self._action == "submit":
			refuse_self_approval(self)
		super().run_before_save_methods()
		chain.carry_to_rows(self)
		chain.carry_attribution(self)
		owned.check(self)


def refuse_self_approval(doc) -> None:
	"""A submit by any path (a workflow action, REST ``docstatus: 1``, ``frappe.client.submit``, savedocs)
	keeps the workflow's own rule: where every transition the user could submit the record by forbids self
	approval, its owner does not submit it. (Frappe checks it for workflow actions only.)"""
	workflow_name = doc.meta.get_workflow()
	user = frappe.session.user
	if not workflow_name or user == "Administrator" or doc.owner != user:
		return
	workflow = frappe.get_cached_doc("Workflow", workflow_name)
	submitted = {row.state for row in workflow.states if cint(row.doc_status) == 1}
	before = doc.get_doc_before_save()
	state = (before or doc).get(workflow.workflow_state_field)
	held = set(frappe.get_roles(user))
	ways = [
		t
		for t in workflow.transitions
		if t.state == state and t.next_state in submitted and t.allowed in held
	]
	if ways and not any(cint(t.allow_self_approval) for t in ways):
		frappe.throw(
			_("{0} {1}: self approval is not allowed (the workflow's {2} is someone else's)").format(
				_(doc.doctype), doc.name, _(ways[0].action)
			),
			frappe.PermissionError,
			title=_("Not Allowed"),
		)


class KeptFigures(SalesDocument):
	"""Figures ``sales_crm.kept`` writes as documents are submitted and cancelled (set-based, past the
	controller): one saved or deleted as a document would no longer be the sum of the documents."""

	def validate(self):
		frappe.throw(
			_("{0} {1}: the figures are kept by the server from submitted documents").format(
				_(self.doctype), self.name or ""
			),
			frappe.PermissionError,
		)

	def on_trash(self):
		self.validate()
