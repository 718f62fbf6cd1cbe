"""Quotation validity: a quotation is valid through its ``valid_till`` day. Plain code, no Frappe."""

from __future__ import annotations

from datetime import date, datetime

EXPIRED = "Expired"
# the statuses the daily job moves to Expired: approved and not yet answered by the customer
EXPIRING_STATUSES = ("Approved",)


def to_date(value) -> date | None:
	if value in (None, ""):
		return None
	if isinstance(value, datetime):
		return value.date()
	if isinstance(value, date):
		return value
	return date.fromisoformat(str(value)[:10])


def is_expired(valid_till, today) -> bool:
	"""True from the day after ``valid_till``; a quotation without one never expires."""
	valid_till = to_date(valid_till)
	return valid_till is not None and valid_till < to_date(today)


def should_mark_expired(status: str | None, docstatus: int, valid_till, today) -> bool:
	"""What the daily job marks: a submitted quotation still awaiting the customer, past its validity."""
	return docstatus == 1 and status in EXPIRING_STATUSES and is_expired(valid_till, today)
