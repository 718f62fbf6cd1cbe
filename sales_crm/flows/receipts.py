"""Money in and out of the customer's account: allocations, write-offs, advances, offsets (冲款), refunds.

- A **Payment** settles receivables: paid = Σ allocated.
- An **Advance** is money received before (or beyond) an invoice: ``paid_amount`` is typed, allocations are
  optional, and what is not allocated is the customer's credit (``unallocated_amount``, per customer and
  currency).
- A **Sales Credit Offset** settles receivables with an advance's credit; a **Refund** pays credit back.
  Both draw on the advance under its row lock (``chain.LOCK_ORDER``: receivables, then the receipt).
- A **write-off** above ``write_off_tolerance_percent`` of the receivable needs a reason; a receipt whose
  write-offs together exceed ``write_off_approval_limit`` (company currency) needs a Sales Director's
  approval, which covers exactly the write-off rows approved (``write_off_fingerprint``).
"""

from datetime import date

import frappe
from frappe import _
from frappe.utils import flt, getdate, now_datetime

from sales_crm import owned, reads
from sales_crm.flows import collections
from sales_crm.org import has_role
from sales_crm.rules.analysis import days_to_pay, ratio
from sales_crm.rules.receivables import (
	check_allocation,
	check_draw,
	write_off_fingerprint,
	write_off_needs_approval,
	write_off_needs_reason,
)
from sales_crm.utils import get_settings
from sales_crm.validation import throw, throw_problems

WRITE_OFF_APPROVERS = frozenset({"Sales Director"})
APPROVAL_FIELDS = ("write_off_approved_by", "write_off_approved_on", "write_off_approval_hash")


# What a receipt or an offset reads of each receivable its rows name (its checks, its totals and owner)
RECEIVABLE_FIELDS = (
	"name",
	"docstatus",
	"customer",
	"currency",
	"exchange_rate",
	"total_amount",
	"received_amount",
	"outstanding_amount",
	"sales_contract",
	"customer_order",
	"sales_person",
	"sales_department",
	"invoice_date",
	"posting_date",
)


def receivables_of(doc, for_update: bool = False) -> dict:
	"""The receivables ``doc``'s allocation rows name, by name: one read of them all, in name order (the
	order of the locks). Frappe's link check has already spelt each name as the record's."""
	names = sorted({row.sales_receivable for row in doc.allocations if row.sales_receivable})
	found = {
		row.name: row
		for row in reads.rows(
			"Sales Receivable", {"name": names}, RECEIVABLE_FIELDS, order_by="name", for_update=for_update
		)
	}
	for name in names:
		if name not in found:
			throw(doc, _("Sales Receivable {0} not found").format(name), "allocations")
	return found


def set_days_to_pay(doc, receivables: dict) -> None:
	"""The receipt's allocated total and how long it took to be paid (``rules.analysis.days_to_pay``), from
	each receivable's invoice date (its posting date where it has none): kept on the receipt so that Customer
	Value Analysis sums them per customer instead of joining every allocation to its receivable."""
	if not doc.receipt_date:
		doc.total_allocated_amount = doc.allocated_days = doc.days_to_pay = 0
		return
	doc.total_allocated_amount, doc.allocated_days = days_to_pay(
		getdate(doc.receipt_date),
		[
			(row.allocated_amount, invoiced_on(receivables[row.sales_receivable]))
			for row in doc.get("allocations") or ()
		],
	)
	doc.days_to_pay = ratio(doc.allocated_days, doc.total_allocated_amount, 1)


def invoiced_on(receivable) -> date:
	return getdate(receivable.invoice_date or receivable.posting_date)


def check_allocations(doc, for_update: bool = False, write_offs: bool = True) -> dict:
	"""Each row: a submitted receivable of the document's customer and currency, named once, settled
	within its outstanding amount; a write-off above the tolerance names an enabled reason."""
	receivables = receivables_of(doc, for_update)
	tolerance = flt(get_settings().write_off_tolerance_percent)
	seen = set()
	problems = []
	for row in doc.allocations:
		receivable = receivables[row.sales_receivable]
		if row.sales_receivable in seen:
			throw(
				doc,
				_("row {0}: receivable {1} is allocated twice").format(row.idx, row.sales_receivable),
				"allocations",
			)
		seen.add(row.sales_receivable)
		if receivable.docstatus != 1:
			throw(
				doc,
				_("row {0}: receivable {1} is not submitted").format(row.idx, receivable.name),
				"allocations",
			)
		if receivable.customer != doc.customer:
			throw(
				doc,
				_("row {0}: receivable {1} belongs to customer {2}").format(
					row.idx, receivable.name, receivable.customer
				),
				"customer",
			)
		if doc.currency and receivable.currency != doc.currency:
			throw(
				doc,
				_("row {0}: receivable {1} is in {2}").format(row.idx, receivable.name, receivable.currency),
				"currency",
			)
		if not write_offs and flt(row.write_off_amount):
			throw(
				doc,
				_("row {0}: an offset writes nothing off; record the write-off on a receipt").format(row.idx),
				"allocations",
			)
		doc.currency = receivable.currency
		doc.exchange_rate = receivable.exchange_rate
		row.outstanding_amount = receivable.outstanding_amount
		problems += check_allocation(
			row.idx, row.allocated_amount, row.write_off_amount, receivable.outstanding_amount
		)
	throw_problems(doc, problems, table="allocations")
	collections.check_named_lines(doc, receivables, for_update)
	if write_offs:  # the amounts are sound: now the reasons of what they write off
		for row in doc.allocations:
			check_write_off_reason(doc, row, receivables[row.sales_receivable], tolerance)
	return receivables


def check_write_off_reason(doc, row, receivable, tolerance: float) -> None:
	if not flt(row.write_off_amount):
		row.write_off_reason = row.write_off_reason or None
		return
	if not row.write_off_reason:
		if write_off_needs_reason(row.write_off_amount, receivable.total_amount, tolerance):
			throw(
				doc,
				_(
					"row {0}: a write-off of {1} is more than {2}% of receivable {3}; choose a Write-off Reason"
				).format(row.idx, frappe.bold(flt(row.write_off_amount, 2)), tolerance, receivable.name),
				"allocations",
			)
		return
	disabled = frappe.db.get_value("Sales Write Off Reason", row.write_off_reason, "disabled")
	if disabled is None or disabled:
		throw(
			doc,
			_("row {0}: {1} is not an enabled Sales Write Off Reason").format(
				row.idx, frappe.bold(row.write_off_reason)
			),
			"allocations",
		)


# --- write-off approval ---------------------------------------------------------------------------------


def fingerprint(doc) -> str:
	return write_off_fingerprint(
		[(row.sales_receivable, row.write_off_amount, row.write_off_reason) for row in doc.allocations]
	)


def set_write_off_approval(doc) -> None:
	"""``needs_write_off_approval`` from the limit; the approval stamps are the server's alone (kept from
	the saved record, never taken from a request), and void once the write-off rows differ from what the
	director approved."""
	base = flt(flt(doc.write_off_amount) * flt(doc.exchange_rate or 1), 2)
	doc.needs_write_off_approval = int(
		write_off_needs_approval(base, get_settings().write_off_approval_limit)
	)
	if not doc.flags.approving_write_off:
		saved = doc.get_doc_before_save() if not doc.is_new() else None
		for field in APPROVAL_FIELDS:
			doc.set(field, saved.get(field) if saved else None)
	if doc.write_off_approval_hash and doc.write_off_approval_hash != fingerprint(doc):
		for field in APPROVAL_FIELDS:
			doc.set(field, None)


def check_write_off_approved(doc) -> None:
	if doc.needs_write_off_approval and not (
		doc.write_off_approved_by and doc.write_off_approval_hash == fingerprint(doc)
	):
		throw(
			doc,
			_(
				"the write-offs ({0}) exceed the approval limit of Sales CRM Settings: a Sales Director must approve them first"
			).format(frappe.bold(flt(doc.write_off_amount, 2))),
			"write_off_amount",
			exc=frappe.PermissionError,
		)


def approve_write_off(receipt: str) -> dict:
	"""A Sales Director approves a draft receipt's write-offs as they stand."""
	if not frappe.db.exists("Sales Receipt", receipt):
		frappe.throw(_("Sales Receipt {0} not found").format(receipt), frappe.DoesNotExistError)
	doc = frappe.get_doc("Sales Receipt", receipt, for_update=True)
	doc.check_permission("read")
	if not has_role(WRITE_OFF_APPROVERS):
		throw(doc, _("only a Sales Director approves write-offs"), exc=frappe.PermissionError)
	if doc.docstatus != 0:
		throw(doc, _("only a draft receipt's write-offs can be approved"))
	if not flt(doc.write_off_amount):
		throw(doc, _("writes nothing off"), "write_off_amount")
	doc.flags.approving_write_off = True
	doc.write_off_approved_by = frappe.session.user
	doc.write_off_approved_on = now_datetime()
	doc.write_off_approval_hash = fingerprint(doc)
	doc.flags.ignore_permissions = True
	with owned.by_server():
		doc.save()
	return {
		"receipt": doc.name,
		"approved_by": doc.write_off_approved_by,
		"hash": doc.write_off_approval_hash,
	}


# --- the credit of an advance -----------------------------------------------------------------------------


def credit_receipt(doc, name: str, fieldname: str, for_update: bool = False) -> frappe._dict:
	"""The advance ``name`` that ``doc`` draws on: submitted, of the same customer; read under its row lock
	when ``for_update`` (a locking read sees what concurrent requests committed)."""
	credit = reads.row(
		"Sales Receipt",
		name,
		[
			"name",
			"docstatus",
			"receipt_type",
			"customer",
			"currency",
			"exchange_rate",
			"unallocated_amount",
			"sales_person",
			"sales_department",
		],
		for_update=for_update,
	)
	if not credit:
		throw(doc, _("Sales Receipt {0} not found").format(name), fieldname)
	if credit.docstatus != 1 or credit.receipt_type != "Advance":
		throw(doc, _("{0} is not a submitted advance").format(frappe.bold(name)), fieldname)
	if doc.customer and credit.customer != doc.customer:
		throw(doc, _("{0} is an advance of customer {1}").format(name, credit.customer), fieldname)
	return credit


def check_draw_on(doc, credit, amount, fieldname: str) -> None:
	problem = check_draw(amount, credit.unallocated_amount, fieldname)
	throw_problems(doc, [problem] if problem else [])


def drawing_on(receipt: str) -> list[str]:
	"""The submitted offsets and refunds drawing on an advance's credit: locking reads by the (link,
	docstatus) indexes, so that one committed while this request waited for the advance's lock counts."""
	from sales_crm.chain import source_index

	found = []
	for doctype, link in (("Sales Credit Offset", "credit_receipt"), ("Sales Receipt", "against_receipt")):
		table = frappe.qb.DocType(doctype)
		found += (
			frappe.qb.from_(table)
			.force_index(source_index(link))
			.select(table.name)
			.where((table[link] == receipt) & (table.docstatus == 1))
			.orderby(table.name)
			.for_update()
			.run(pluck=True)
		)
	return found


def open_receivables(customer: str, currency: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Sales Receivable",
		filters={"customer": customer, "currency": currency, "docstatus": 1, "outstanding_amount": [">", 0]},
		fields=["name", "outstanding_amount", "invoice_no", "customer_order"],
		order_by="due_date asc, name asc",
	)


def make_offset(receipt: str) -> dict:
	"""An unsaved offset of the advance's credit against the customer's open receivables (oldest due
	first, until the credit is used up)."""
	doc = frappe.get_doc("Sales Receipt", receipt)
	doc.check_permission("read")
	offset = frappe.new_doc("Sales Credit Offset")
	credit = credit_receipt(offset, receipt, "credit_receipt")
	left = flt(credit.unallocated_amount)
	if left <= 0:
		throw(doc, _("has no credit left"), "unallocated_amount")
	offset.update(
		{
			"customer": credit.customer,
			"credit_receipt": receipt,
			"currency": credit.currency,
			"exchange_rate": credit.exchange_rate,
			"credit_available": left,
			"sales_person": credit.sales_person,
			"sales_department": credit.sales_department,
		}
	)
	for row in open_receivables(credit.customer, credit.currency):
		if left <= 0:
			break
		amount = min(left, flt(row.outstanding_amount))
		offset.append(
			"allocations",
			{
				"sales_receivable": row.name,
				"invoice_no": row.invoice_no,
				"customer_order": row.customer_order,
				"outstanding_amount": row.outstanding_amount,
				"allocated_amount": amount,
			},
		)
		left = flt(left - amount, 2)
	return offset.as_dict()


def make_refund(receipt: str) -> dict:
	"""An unsaved Refund of what is left of the advance's credit."""
	doc = frappe.get_doc("Sales Receipt", receipt)
	doc.check_permission("read")
	refund = frappe.new_doc("Sales Receipt")
	credit = credit_receipt(refund, receipt, "against_receipt")
	if flt(credit.unallocated_amount) <= 0:
		throw(doc, _("has no credit left"), "unallocated_amount")
	refund.update(
		{
			"receipt_type": "Refund",
			"customer": credit.customer,
			"against_receipt": receipt,
			"currency": credit.currency,
			"exchange_rate": credit.exchange_rate,
			"paid_amount": credit.unallocated_amount,
			"sales_person": credit.sales_person,
			"sales_department": credit.sales_department,
		}
	)
	return refund.as_dict()


def customer_credit(customer: str) -> list[dict]:
	"""The customer's credit per currency: advances (unallocated at receipt), offsets, refunds, balance."""
	return frappe.db.sql(
		"""select r.currency,
			sum(r.paid_amount - coalesce((select sum(a.allocated_amount) from `tabSales Receipt Allocation` a
				where a.parent = r.name and a.parenttype = 'Sales Receipt'), 0)) as advances,
			sum(r.offset_amount) as offsets, sum(r.refunded_amount) as refunds,
			sum(r.unallocated_amount) as balance
		from `tabSales Receipt` r
		where r.customer = %s and r.docstatus = 1 and r.receipt_type = 'Advance'
		group by r.currency order by r.currency""",
		customer,
		as_dict=True,
	)
