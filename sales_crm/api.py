"""The public API (FLOW.md): every conversion of the pipeline, whitelisted for the desk and REST.

POST /api/method/sales_crm.api.<name>. Each function checks permissions and delegates to the domain
modules; the request's transaction rolls back whole on any error.
"""

import json

import frappe

from sales_crm.flows import commissions as commission_flow
from sales_crm.flows import follow_ups as follow_up_flow
from sales_crm.flows import leads as lead_flow
from sales_crm.flows import mapper, orders
from sales_crm.flows import plans as plan_flow
from sales_crm.transactions import retried_on_deadlock


class PostingConflict(frappe.ValidationError):
	"""Two postings at once, one rolled back whole: HTTP 409, to be tried again."""

	http_status_code = 409


def _required(**arguments):
	"""A missing argument is the caller's mistake (HTTP 417 with a message), not a server error."""
	missing = [name for name, value in arguments.items() if value is None or value == ""]
	if missing:
		frappe.throw(
			frappe._("Missing argument: {0}").format(", ".join(missing)), title=frappe._("Invalid Request")
		)


def _json(value, name: str, kind: type | tuple[type, ...]):
	"""An argument sent as JSON text or as the value itself; anything else is a 417 naming it."""
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			frappe.throw(frappe._("{0} must be valid JSON").format(name), title=frappe._("Invalid Request"))
	if not isinstance(value, kind):
		frappe.throw(frappe._("{0} has the wrong type").format(name), title=frappe._("Invalid Request"))
	return value


def _list(value, name: str = "leads") -> list[str]:
	"""A list of names, sent as a JSON list or as one name."""
	if isinstance(value, str) and not value.strip().startswith("["):
		return [value]
	value = _json(value, name, list)
	if not all(isinstance(v, str) for v in value):
		frappe.throw(frappe._("{0} must be a list of names").format(name), title=frappe._("Invalid Request"))
	return value


@frappe.whitelist(methods=["POST"])
def assign_leads(leads: str | list | None = None, sales_person: str | None = None) -> list[str]:
	_required(leads=leads, sales_person=sales_person)
	return lead_flow.assign_leads(_list(leads), sales_person)


@frappe.whitelist(methods=["POST"])
def convert_lead(lead: str | None = None) -> str:
	_required(lead=lead)
	# the request's one unit of work: a deadlock on the customer lookup's index locks is tried again here
	return retried_on_deadlock(lambda: lead_flow.convert_lead(lead))


@frappe.whitelist()
def make_quotation(source_name: str | None = None, target_doc: str | dict | None = None):
	_required(source_name=source_name)
	return mapper.make_quotation(source_name, _json(target_doc, "target_doc", dict) if target_doc else None)


@frappe.whitelist()
def make_contract(source_name: str | None = None, target_doc: str | dict | None = None):
	_required(source_name=source_name)
	return mapper.make_contract(source_name, _json(target_doc, "target_doc", dict) if target_doc else None)


@frappe.whitelist()
def make_order(source_name: str | None = None, target_doc: str | dict | None = None):
	_required(source_name=source_name)
	return mapper.make_order(source_name, _json(target_doc, "target_doc", dict) if target_doc else None)


@frappe.whitelist(methods=["POST"])
def deliver_order(order: str | None = None, items: str | dict | None = None) -> dict:
	_required(order=order)
	if items is not None:
		items = _json(items, "items", dict)
	return orders.deliver_order(order, items)


@frappe.whitelist(methods=["POST"])
def invoice_order(
	order: str | None = None,
	invoice_no: str | None = None,
	invoice_date: str | None = None,
	amount: float | None = None,
	due_date: str | None = None,
	fapiao_type: str | None = None,
	fapiao_no: str | None = None,
	fapiao_date: str | None = None,
	fapiao_tax_rate: float | None = None,
) -> str:
	_required(order=order, invoice_no=invoice_no, invoice_date=invoice_date)
	fapiao = {
		"fapiao_type": fapiao_type,
		"fapiao_no": fapiao_no,
		"fapiao_date": fapiao_date,
		"fapiao_tax_rate": fapiao_tax_rate,
	}
	try:
		# MariaDB may choose this request as a deadlock's victim (two invoices at once take the naming series
		# and the invoice number's index gap in turn) and roll it back whole: it is posted again (the same
		# invoice number then finds its receivable), and only a request refused every time is a conflict
		return retried_on_deadlock(
			lambda: orders.invoice_order(order, invoice_no, invoice_date, amount, due_date, fapiao)
		)
	except frappe.QueryDeadlockError:
		frappe.db.rollback()
		frappe.throw(
			frappe._(
				"Customer Order {0}: another posting ran at the same time; nothing was saved, try again"
			).format(order),
			PostingConflict,
			title=frappe._("Conflict"),
		)


@frappe.whitelist()
def make_receipt(source_name: str | None = None, target_doc: str | dict | None = None):
	_required(source_name=source_name)
	return mapper.make_receipt(source_name, _json(target_doc, "target_doc", dict) if target_doc else None)


@frappe.whitelist(methods=["POST"])
def generate_salesperson_commissions(
	commission_type: str | None = None, from_date: str | None = None, to_date: str | None = None
) -> dict:
	"""Draft the period's commissions; a period of more than 500 contracts becomes a background job: the
	answer is then ``{"job_id", "status", "contracts"}`` and ``commission_status(job_id)`` follows it."""
	_required(commission_type=commission_type, from_date=from_date, to_date=to_date)
	return commission_flow.generate_salesperson_commissions(commission_type, from_date, to_date)


@frappe.whitelist(methods=["GET", "POST"])
def commission_status(job_id: str | None = None) -> dict:
	"""A large commission generation's progress (``done`` of ``total`` salespeople) and, once finished,
	its ``result`` (what ``generate_salesperson_commissions`` answers for a small period)."""
	_required(job_id=job_id)
	return commission_flow.commission_status(job_id)


@frappe.whitelist(methods=["POST"])
def pay_salesperson_commissions(names: str | list | None = None) -> list[dict]:
	_required(names=names)
	return commission_flow.pay_salesperson_commissions(_list(names, "names"))


@frappe.whitelist(methods=["POST"])
def compile_sales_plan(plan: str | None = None, by_product: str | int | bool | None = None):
	"""Fill a draft plan's empty targets from history; ``by_product`` also adds a product target for every
	product each of its salespeople sold in the previous period. A plan of more than 200 target rows is
	compiled by a job on the ``long`` queue: the answer is ``{"job_id", "status": "queued", "total"}``
	and ``compile_status(job_id)`` follows it."""
	_required(plan=plan)
	return plan_flow.compile_or_enqueue(plan, by_product=frappe.utils.cint(by_product) == 1)


@frappe.whitelist(methods=["GET", "POST"])
def compile_status(job_id: str | None = None) -> dict:
	"""A background plan compilation's progress and, once finished, its plan and number of targets."""
	_required(job_id=job_id)
	return plan_flow.compile_status(job_id)


@frappe.whitelist(methods=["POST"])
def import_leads(leads: str | list | None = None) -> list[dict] | dict:
	"""Leads from the marketing subsystem; one answer per row (created / duplicate / error).

	More than 200 leads become a background job: the answer is ``{"job_id", "status", "total"}`` and
	``import_status(job_id)`` gives the progress and, once finished, the per-row answers."""
	_required(leads=leads)
	from sales_crm.flows import lead_import

	rows = _json(leads, "leads", list)
	# the request's one unit of work: a batch refused as a deadlock on the duplicate lookups' index locks
	# is imported again from its first row (a larger batch is a job, which retries row by row)
	return retried_on_deadlock(lambda: lead_import.import_leads(rows))


@frappe.whitelist(methods=["POST"])
def load_demo_data(leads: int | str = 1000, seed: int | str = 42) -> dict:
	"""Queue the demo dataset as a background job with progress (System Managers); the job's id."""
	from frappe.utils import cint

	from sales_crm import demo

	return demo.enqueue_demo(cint(leads), cint(seed))


@frappe.whitelist()
def calendar_events(
	doctype: str | None = None,
	start: str | None = None,
	end: str | None = None,
	field_map: str | dict | None = None,
	filters: str | list | None = None,
	fields: str | list | None = None,
) -> list[dict]:
	"""The desk calendars of follow-ups, delivery, due and expected close dates: Frappe's own calendar
	query (row permissions apply), leaving out the records without that date."""
	_required(doctype=doctype, start=start, end=end, field_map=field_map)
	return follow_up_flow.calendar_events(doctype, start, end, field_map, filters, fields)


@frappe.whitelist(methods=["GET", "POST"])
def import_status(job_id: str | None = None) -> dict:
	"""A large lead import's progress (``done`` of ``total``) and, once finished, its per-row ``results``."""
	_required(job_id=job_id)
	from sales_crm.flows import lead_import

	return lead_import.import_status(job_id)


@frappe.whitelist()
def make_offset(receipt: str | None = None) -> dict:
	"""An unsaved Sales Credit Offset (冲款) of an advance's credit against the customer's open receivables."""
	_required(receipt=receipt)
	from sales_crm.flows import receipts

	return receipts.make_offset(receipt)


@frappe.whitelist()
def make_refund(receipt: str | None = None) -> dict:
	"""An unsaved Refund receipt of what is left of an advance's credit."""
	_required(receipt=receipt)
	from sales_crm.flows import receipts

	return receipts.make_refund(receipt)


@frappe.whitelist(methods=["POST"])
def approve_write_off(receipt: str | None = None) -> dict:
	"""A Sales Director approves a draft receipt's write-offs above the approval limit, as they stand."""
	_required(receipt=receipt)
	from sales_crm.flows import receipts

	return receipts.approve_write_off(receipt)


@frappe.whitelist(methods=["POST"])
def import_history(
	rows: str | list | None = None, file_url: str | None = None, history_import: str | None = None
) -> dict:
	"""Customers, sites and past orders from another system (System Managers and Sales Directors), as a
	job on the ``long`` queue: ``{"job_id", "status": "queued", "total"}``; ``history_import_status``
	follows it and, once finished, gives each order's answer (created / skipped / error)."""
	from sales_crm.flows import history_import as flow

	flow.check_permission()
	if not file_url and not history_import:
		_required(rows=rows)
	return flow.import_history(
		_json(rows, "rows", list) if rows not in (None, "") else None, file_url, history_import
	)


@frappe.whitelist(methods=["GET", "POST"])
def history_import_status(job_id: str | None = None) -> dict:
	"""A history import's progress (``done`` of ``total`` orders) and, once finished, its ``results``
	and the ``created``/``skipped``/``errors`` counts."""
	_required(job_id=job_id)
	from sales_crm.flows import history_import as flow

	return flow.history_import_status(job_id)


@frappe.whitelist(methods=["POST"])
def run_mining(
	calibration_end: str | None = None, holdout_end: str | None = None, holdout_weeks: int | str | None = None
) -> dict:
	"""Queue a customer mining run (System Managers and Sales Directors): ``{"job_id", "status", "run"}``.
	``calibration_end`` (default today) is the day the scores are as of; with ``holdout_end`` the backtest
	compares the forecast with what happened after ``calibration_end``."""
	from sales_crm.flows import mining

	return mining.start_run(calibration_end, holdout_end, holdout_weeks)


@frappe.whitelist(methods=["GET", "POST"])
def mining_status(job_id: str | None = None) -> dict:
	"""A mining run's progress and, in ``record``, its Customer Mining Run."""
	_required(job_id=job_id)
	from sales_crm.flows import mining

	return mining.mining_status(job_id)


@frappe.whitelist()
def payment_plan(
	template: str | None = None,
	grand_total: str | float | None = None,
	signed_on: str | None = None,
) -> list[dict]:
	"""The payment plan lines a Payment Terms Template gives a document of ``grand_total``: amounts to the
	currency's precision adding up exactly, due dates where ``signed_on`` dates them."""
	_required(template=template, grand_total=grand_total)
	from frappe.utils import cint, flt, getdate

	from sales_crm.flows import collections
	from sales_crm.rules.collections import SIGNING

	frappe.has_permission("Payment Terms Template", "read", template, throw=True)
	precision = cint(frappe.get_precision("Sales Contract", "grand_total")) or 2
	bases = {SIGNING: getdate(signed_on) if signed_on else None}
	return collections.generate(template, flt(grand_total), precision, bases)


@frappe.whitelist()
def customer_overview(customer: str | None = None) -> dict:
	"""The customer form's overview: contacts, sites, open opportunities, orders, outstanding receivables
	and follow-ups (up to 10 each, with their count and company-currency total), each as the user's row
	scope shows it; a section whose DocType the user may not read is ``null``."""
	_required(customer=customer)
	from sales_crm.flows import customer_overview as overview

	return overview.customer_overview(customer)
