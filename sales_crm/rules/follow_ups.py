"""Follow-up arithmetic: when the next follow-up is due, and what that makes of the follow-up's status."""

from __future__ import annotations

from datetime import date

FOLLOW_UP_TYPES = ("Call", "Visit", "Email", "Meeting", "Demo")


def follow_up_status(next_date: date | None, today: date, closed: bool = False) -> str:
	"""``Closed`` once done (a later follow-up was logged or its ToDo closed) or when nothing is planned;
	``Overdue`` when the planned day has passed; ``Open`` until then."""
	if closed or not next_date:
		return "Closed"
	return "Overdue" if next_date < today else "Open"


def next_date_problem(follow_up_date: date | None, next_date: date | None) -> str | None:
	"""The next follow-up cannot come before the follow-up it follows."""
	if follow_up_date and next_date and next_date < follow_up_date:
		return "next_before_date"
	return None
