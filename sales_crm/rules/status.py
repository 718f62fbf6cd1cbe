"""Statuses computed from quantities and amounts, never typed by hand.

Each function is an ordered list of rules, first match wins (ERPNext's status_updater, in plain code).
"""

from __future__ import annotations

DRAFT, SUBMITTED, CANCELLED = 0, 1, 2


def _complete(percent: float | None) -> bool:
	return (percent or 0) >= 100 - 1e-9


def contract_status(docstatus: int, per_ordered: float | None = 0, per_collected: float | None = 0) -> str:
	if docstatus == DRAFT:
		return "Draft"
	if docstatus == CANCELLED:
		return "Cancelled"
	if _complete(per_ordered) and _complete(per_collected):
		return "Completed"
	return "Signed"


def order_status(docstatus: int, per_delivered: float | None = 0, per_invoiced: float | None = 0) -> str:
	if docstatus == DRAFT:
		return "Draft"
	if docstatus == CANCELLED:
		return "Cancelled"
	delivered, invoiced = _complete(per_delivered), _complete(per_invoiced)
	if delivered and invoiced:
		return "Completed"
	if delivered:
		return "To Invoice"
	if invoiced:
		return "To Deliver"
	return "To Deliver and Invoice"


def receivable_status(outstanding_amount: float | None) -> str:
	return "Paid" if (outstanding_amount or 0) <= 0 else "Unpaid"


def commission_status(docstatus: int, accrued_amount: float | None, paid_amount: float | None) -> str:
	if docstatus == DRAFT:
		return "Draft"
	if docstatus == CANCELLED:
		return "Cancelled"
	accrued, paid = accrued_amount or 0, paid_amount or 0
	if paid <= 0:
		return "Accrued"
	if paid < accrued:
		return "Partly Paid"
	return "Paid"


def percent(part: float | None, whole: float | None) -> float:
	"""``part`` of ``whole`` in %, capped to 0–100, 0 when there is no whole."""
	if not whole:
		return 0.0
	return round(min(max((part or 0) / whole * 100, 0.0), 100.0), 6)
