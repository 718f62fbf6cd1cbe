"""Lead intake from the marketing subsystem, and round-robin auto-assignment of department leads.

``import_leads`` answers per row and keeps every row all-or-nothing with a savepoint: a bad row leaves
no trace, the good rows around it are kept. Up to ``SYNC_ROWS`` leads are imported in the request; a
larger batch becomes a job on the ``long`` queue that commits row by row, publishes its progress and
keeps its per-row answers for ``import_status(job_id)``. A lead may carry the marketing subsystem's
``external_id``: a batch sent again (after a timeout, or a worker killed mid-job) skips the leads it
already imported and imports the rest, so nothing is created twice.

The department Assignment Rules ship disabled; a manager enables one (Assignment Rule list, or
``setup_assignment_rule(department, enable=True)``) and new department leads of that department are
shared round-robin among its active members.
"""

import json

import frappe
from frappe import _
from frappe.utils import cstr, now_datetime, strip_html_tags

from sales_crm import jobs
from sales_crm.flows import leads as lead_flow
from sales_crm.org import department_members, department_of
from sales_crm.transactions import retried_on_deadlock

SYNC_ROWS = 200  # a batch up to this size is imported in the request; a larger one by a background job
MAX_ROWS = 50000
JOB_TIMEOUT = 4 * 3600
PROGRESS_EVERY = 50
# What the marketing subsystem's customer file may set; statuses and owners move only through the flow.
IMPORTABLE_FIELDS = frozenset(
	(
		"external_id",
		"company_name",
		"industry",
		"address",
		"website",
		"contact_name",
		"contact_title",
		"phone",
		"mobile",
		"email",
		"lead_source",
		"origin",
		"sales_department",
		"own_products",
	)
)
PRODUCT_FIELDS = frozenset(("product_name", "specification", "annual_volume", "remarks"))
IGNORED_FIELDS = frozenset(("doctype", "row"))
RULE_PREFIX = "Sales Lead Round Robin: "


def import_leads(rows: list) -> list[dict] | dict:
	"""Insert each lead dict; answer ``{"row", "status": created|duplicate|error, …}`` per row.

	A batch larger than ``SYNC_ROWS`` is enqueued instead: the answer is ``{"job_id", "status": "queued",
	"total"}`` and the per-row answers come from ``import_status(job_id)``."""
	if not isinstance(rows, list):
		frappe.throw(_("leads must be a JSON list of lead objects"))
	if len(rows) > MAX_ROWS:
		frappe.throw(_("At most {0} leads per call, not {1}").format(MAX_ROWS, len(rows)))
	if not frappe.has_permission("Sales Lead", "create"):
		frappe.throw(_("Not permitted to create Sales Leads"), frappe.PermissionError)
	if len(rows) > SYNC_ROWS:
		return enqueue_import(rows)
	return [import_row(index, row) for index, row in enumerate(rows)]


def import_row(index: int, row) -> dict:
	savepoint = f"lead_import_{index}"
	frappe.db.savepoint(savepoint)
	messages_before = len(frappe.local.message_log or [])
	lead = None
	try:
		lead = build_lead(row)
		imported = lead.external_id and frappe.db.get_value("Sales Lead", {"external_id": lead.external_id})
		if imported:
			frappe.db.rollback(save_point=savepoint)
			return _already_imported(index, lead.external_id, imported)
		duplicate = lead_flow.find_duplicate(lead, lock=True)
		if duplicate:
			frappe.db.rollback(save_point=savepoint)
			return {"row": index, "status": "duplicate", "doctype": duplicate[0], "of": duplicate[1]}
		lead.flags.duplicate_checked = True
		lead.insert()
	except Exception as error:
		if isinstance(error, frappe.QueryDeadlockError | frappe.QueryTimeoutError):
			# MariaDB refused the transaction (a deadlock rolled it back whole, savepoint included), as
			# ``frappe.db.sql`` raises it (``frappe.db.is_deadlocked`` reads the driver's error, not this):
			# the request or the job's row is tried again (``transactions.retried_on_deadlock``)
			raise
		frappe.db.rollback(save_point=savepoint)
		del frappe.local.message_log[messages_before:]
		if lead is not None and lead.external_id:
			# another intake may have imported the same external id a moment ago (the unique index refused it)
			imported = frappe.db.get_value("Sales Lead", {"external_id": lead.external_id})
			if imported:
				return _already_imported(index, lead.external_id, imported)
		return {"row": index, "status": "error", "message": error_message(error)}
	return {"row": index, "status": "created", "name": lead.name}


def _already_imported(index: int, external_id: str, name: str) -> dict:
	return {
		"row": index,
		"status": "duplicate",
		"doctype": "Sales Lead",
		"of": name,
		"external_id": external_id,
	}


# ---------------------------------------------------------------------------- the background job
def enqueue_import(rows: list) -> dict:
	job_id = jobs.new_id("lead-import")
	state = {"job_id": job_id, "status": "queued", "user": frappe.session.user, "total": len(rows), "done": 0}
	jobs.save(job_id, state)
	frappe.enqueue(
		"sales_crm.flows.lead_import.run_import_job",
		queue=jobs.QUEUE,
		timeout=JOB_TIMEOUT,
		job_id=job_id,
		rows=rows,
		import_job_id=job_id,
	)
	return {"job_id": job_id, "status": "queued", "total": len(rows)}


def run_import_job(rows: list, import_job_id: str) -> None:
	"""The ``long`` queue's side of a large intake: one commit per row, progress, answers in the cache."""
	job_id = import_job_id
	state = jobs.load(job_id) or {"job_id": job_id, "user": frappe.session.user}
	state.update(status="started", total=len(rows), done=0, started_on=str(now_datetime()))
	jobs.save(job_id, state)
	answers = []
	try:
		for index, row in enumerate(rows):
			answers.append(import_committed(index, row))
			done = index + 1
			if done % PROGRESS_EVERY == 0 or done == len(rows):
				state["done"] = done
				jobs.save(job_id, state)
				frappe.publish_progress(
					done * 100 / len(rows),
					title=_("Importing leads"),
					description=_("{0} of {1} leads").format(done, len(rows)),
					task_id=job_id,
				)
	except Exception:
		frappe.db.rollback()
		state.update(status="failed", done=len(answers), results=answers, error=frappe.get_traceback())
		jobs.save(job_id, state)
		raise
	state.update(status="finished", done=len(rows), results=answers, finished_on=str(now_datetime()))
	jobs.save(job_id, state)


def import_committed(index: int, row) -> dict:
	"""``import_row``, committed: each row is kept once it is in, so a killed worker loses at most the row
	it was on. A row whose transaction MariaDB refused as a deadlock's victim (two intakes at once meeting
	on the duplicate lookups' index locks) is tried again: it then finds what the other intake committed."""

	def once() -> dict:
		answer = import_row(index, row)
		frappe.db.commit()
		return answer

	return retried_on_deadlock(once)


def import_status(job_id: str) -> dict:
	"""Where a large intake stands: ``status`` queued/started/finished/failed, ``done`` of ``total``,
	and, once finished, ``results`` (the per-row answers ``import_leads`` gives for a small batch)."""
	state = jobs.state_for_caller(
		job_id, _("Lead import {0} not found"), _("Not permitted to read lead import {0}")
	)
	# the worker's traceback is not the caller's to read; a failed batch can be sent again (external ids)
	state.pop("error", None)
	return state


def build_lead(row):
	if not isinstance(row, dict):
		frappe.throw(_("a lead must be an object with fields, not {0}").format(type(row).__name__))
	unknown = sorted(set(row) - IMPORTABLE_FIELDS - IGNORED_FIELDS)
	if unknown:
		frappe.throw(_("fields that cannot be imported: {0}").format(", ".join(unknown)))
	if not cstr(row.get("company_name")).strip():
		frappe.throw(_("Company Name is required"))
	products = row.get("own_products") or []
	if not isinstance(products, list) or not all(isinstance(p, dict) for p in products):
		frappe.throw(_("own_products must be a list of objects"))
	for product in products:
		extra = sorted(set(product) - PRODUCT_FIELDS - IGNORED_FIELDS)
		if extra:
			frappe.throw(_("own_products: fields that cannot be imported: {0}").format(", ".join(extra)))

	values = {key: value for key, value in row.items() if key in IMPORTABLE_FIELDS and key != "own_products"}
	values.setdefault("origin", "Marketing Subsystem")
	return frappe.get_doc(
		{
			"doctype": "Sales Lead",
			**values,
			"own_products": [{k: v for k, v in p.items() if k in PRODUCT_FIELDS} for p in products],
		}
	)


def error_message(error: Exception) -> str:
	text = strip_html_tags(cstr(error)).strip()
	if not text and frappe.local.message_log:
		text = strip_html_tags(cstr(json.loads(frappe.local.message_log[-1]).get("message")))
	return text or _("{0} while importing the lead").format(type(error).__name__)


# ---------------------------------------------------------------------------- assignment rules
def rule_name(department: str) -> str:
	return f"{RULE_PREFIX}{department}"


def active_members(department: str) -> list[str]:
	return department_members([department])


def setup_assignment_rule(department: str, enable: bool | int = False) -> str | None:
	"""Create or refresh the department's round-robin rule (its users = the active members).

	A new rule is created disabled unless ``enable``; an existing rule keeps its state unless ``enable``.
	"""
	users = active_members(department)
	name = rule_name(department)
	if frappe.db.exists("Assignment Rule", name):
		rule = frappe.get_doc("Assignment Rule", name)
	else:
		if not users:
			return None
		rule = frappe.new_doc("Assignment Rule")
		rule.name = name
		rule.disabled = 1
		rule.assignment_days = []
		for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
			rule.append("assignment_days", {"day": day})
	rule.update(
		{
			"document_type": "Sales Lead",
			"priority": 1,
			"rule": "Round Robin",
			"description": _("New lead {0} for your department").format("{{ company_name }}"),
			"assign_condition": (
				f"sales_department == {json.dumps(department)} and not sales_person "
				'and status == "Unassigned"'
			),
		}
	)
	if enable:
		rule.disabled = 0
	rule.set("users", [{"user": user} for user in users])
	if not users:
		rule.disabled = 1
	rule.flags.ignore_permissions = True
	if rule.is_new():
		rule.insert(set_name=name)
	else:
		rule.save()
	return rule.name


def ensure_assignment_rules() -> None:
	"""Install/migrate step: a (disabled) rule for every department that has active members."""
	for department in frappe.get_all("Sales Department", filters={"disabled": 0}, pluck="name"):
		setup_assignment_rule(department)


def on_todo_insert(todo, method=None) -> None:
	"""ToDo ``after_insert``: a lead given to a user in the desk becomes that user's lead, status Assigned,
	as ``assign_leads`` makes it: by an Assignment Rule, or by Assign To (one lead, or a bulk assignment
	from the list), which also checks, as ``assign_leads`` does, who may assign and to whom."""
	if todo.reference_type != "Sales Lead" or todo.status != "Open" or not todo.allocated_to:
		return
	if todo.assignment_rule:
		assign_by_rule(todo)
		return
	lead = frappe.get_doc("Sales Lead", todo.reference_name, for_update=True)
	if lead.status == "Assigned" and lead.sales_person == todo.allocated_to:
		return  # assign_leads' own ToDo, or a second ToDo for the lead's owner
	if not lead_flow.can_assign():
		frappe.throw(_("Only a Sales Manager or Sales Director may assign leads"), frappe.PermissionError)
	lead_flow.check_assignee(todo.allocated_to)
	lead_flow.assign_lead(lead, todo.allocated_to, add_todo=False)


def assign_by_rule(todo) -> None:
	"""An Assignment Rule gave a department lead to one of its users: it becomes that user's lead."""
	lead = frappe.db.get_value(
		"Sales Lead", todo.reference_name, ["status", "sales_person"], as_dict=True, for_update=True
	)
	if not lead or lead.status != "Unassigned" or lead.sales_person:
		return
	doc = frappe.get_doc("Sales Lead", todo.reference_name)
	doc.db_set(
		{
			"sales_person": todo.allocated_to,
			"sales_department": doc.sales_department or department_of(todo.allocated_to),
			"status": "Assigned",
			"assigned_on": now_datetime(),
		},
		notify=True,
	)
	doc.add_comment("Workflow", _("Assigned"))
	doc.add_comment("Info", _("Assigned to {0} by rule {1}").format(todo.allocated_to, todo.assignment_rule))
