"""Quotation validity on the site: the checks that refuse an expired quotation, and the daily job that
marks approved quotations past their ``valid_till`` as Expired (renewal is an amendment: a new version
with a new ``valid_till``)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import formatdate, nowdate

from sales_crm.rules import quotations
from sales_crm.validation import throw


def check_not_expired(quotation, action: str, doc=None, today=None) -> None:
	"""Refuse ``action`` on a quotation past its ``valid_till`` (a translated error naming the quotation,
	its Valid Till and the day), raised against ``doc`` (the contract being made) or the quotation."""
	today = today or nowdate()
	if not quotations.is_expired(quotation.valid_till, today):
		return
	message = refusal(action).format(quotation.name, formatdate(quotation.valid_till), formatdate(today))
	if doc is None:
		throw(quotation, message, "valid_till")
	throw(doc, message, "quotation")


def refusal(action: str) -> str:
	"""The translated refusal; {0} is the quotation, {1} its Valid Till, {2} today."""
	return {
		"approve": _(
			"quotation {0} expired on {1} (Valid Till; today is {2}) and cannot be approved; "
			"change its Valid Till first"
		),
		"accept": _(
			"quotation {0} expired on {1} (Valid Till; today is {2}) and cannot be accepted; "
			"cancel and amend it to a new version with a new Valid Till"
		),
		"contract": _(
			"quotation {0} expired on {1} (Valid Till; today is {2}) and cannot become a contract; "
			"cancel and amend it to a new version with a new Valid Till"
		),
		"order": _(
			"quotation {0} expired on {1} (Valid Till; today is {2}) and cannot become an order; "
			"cancel and amend it to a new version with a new Valid Till"
		),
	}[action]


def mark_expired_quotations(today=None) -> int:
	"""Daily job: every submitted quotation still Approved whose ``valid_till`` is before ``today``
	becomes Expired, in one set-based UPDATE (idempotent: an Expired one is not touched again).
	Returns how many were marked."""
	today = today or nowdate()
	quotation = frappe.qb.DocType("Sales Quotation")
	expiring = (
		(quotation.docstatus == 1)
		& quotation.status.isin(quotations.EXPIRING_STATUSES)
		& quotation.valid_till.isnotnull()
		& (quotation.valid_till < today)
	)
	marked = frappe.qb.from_(quotation).select(Count("*")).where(expiring).run()[0][0]
	if marked:
		frappe.qb.update(quotation).set(quotation.status, quotations.EXPIRED).set(
			quotation.modified, frappe.utils.now()
		).where(expiring).run()
	return marked
