"""Quotation validity (sales_crm.rules.quotations): valid through the Valid Till day, expired after it."""

from datetime import date, datetime

import pytest

from sales_crm.rules.quotations import EXPIRED, is_expired, should_mark_expired

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
	"valid_till, expired",
	[
		(date(2026, 11, 27), True),  # yesterday
		(date(2026, 11, 28), False),  # valid through the whole day
		(date(2026, 11, 29), False),
		(None, False),  # no validity: never expires
		("", False),
		("2026-11-01", True),  # as the database or REST hands it
		("2026-12-01", False),
		(datetime(2026, 11, 27, 23, 59), True),
	],
)
def test_expired_from_the_day_after_valid_till(valid_till, expired):
	assert is_expired(valid_till, TODAY) is expired
	assert is_expired(valid_till, "2026-11-28") is expired


@pytest.mark.parametrize(
	"status, docstatus, valid_till, marked",
	[
		("Approved", 1, "2026-11-27", True),
		("Approved", 1, "2026-11-28", False),
		("Approved", 1, None, False),
		("Quoting", 0, "2026-11-01", False),  # a draft is refused at approval, not marked
		("Accepted", 1, "2026-11-01", False),  # the customer answered in time: final
		("Rejected", 1, "2026-11-01", False),
		(EXPIRED, 1, "2026-11-01", False),  # idempotent
		("Approved", 2, "2026-11-01", False),  # cancelled
	],
)
def test_what_the_daily_job_marks(status, docstatus, valid_till, marked):
	assert should_mark_expired(status, docstatus, valid_till, TODAY) is marked
