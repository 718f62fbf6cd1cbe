from datetime import date

import pytest

from sales_crm.rules.follow_ups import follow_up_status, next_date_problem

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
	"next_date, closed, status",
	[
		(None, False, "Closed"),  # nothing planned
		(date(2026, 12, 1), False, "Open"),
		(TODAY, False, "Open"),  # due today is not yet overdue
		(date(2026, 11, 27), False, "Overdue"),
		(date(2026, 11, 27), True, "Closed"),  # done
		(date(2026, 12, 1), True, "Closed"),
	],
)
def test_follow_up_status(next_date, closed, status):
	assert follow_up_status(next_date, TODAY, closed) == status


def test_the_next_follow_up_cannot_come_before_this_one():
	assert next_date_problem(TODAY, date(2026, 11, 27)) == "next_before_date"
	assert next_date_problem(TODAY, TODAY) is None
	assert next_date_problem(TODAY, None) is None
