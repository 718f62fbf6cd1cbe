"""Opportunity dates: how far from today an expected close date may be set."""

from __future__ import annotations

from datetime import date, timedelta

# A close date set more than a year back is a typing slip (2006 for 2026), not a forecast: an opportunity
# that really closed then is Won or Lost, not open with that date. Ten years ahead is the same slip forward.
MAX_DAYS_BACK = 365
MAX_YEARS_AHEAD = 10


def close_date_problem(close: date | None, today: date) -> str | None:
	"""``too_far_back`` / ``too_far_ahead`` for an expected close date set (or changed) on ``today``."""
	if close is None:
		return None
	if close < today - timedelta(days=MAX_DAYS_BACK):
		return "too_far_back"
	try:
		latest = today.replace(year=today.year + MAX_YEARS_AHEAD)
	except ValueError:  # 29 February
		latest = today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)
	if close > latest:
		return "too_far_ahead"
	return None
