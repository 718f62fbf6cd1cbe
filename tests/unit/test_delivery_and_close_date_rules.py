from datetime import date

import pytest

from sales_crm.rules.fulfilment import check_delivery, is_whole_unit
from sales_crm.rules.opportunities import close_date_problem

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
	"close, problem",
	[
		(None, None),
		(TODAY, None),
		(date(2026, 3, 10), None),  # a late deal of this year
		(date(2025, 12, 5), None),  # exactly a year back
		(date(2025, 12, 4), "too_far_back"),
		(date(2006, 3, 31), "too_far_back"),  # 2006 typed for 2026
		(date(2036, 12, 5), None),
		(date(2036, 12, 6), "too_far_ahead"),
		(date(2206, 1, 1), "too_far_ahead"),
	],
)
def test_close_date_range(close, problem):
	assert close_date_problem(close, TODAY) == problem


def test_close_date_range_from_a_leap_day():
	assert close_date_problem(date(2038, 2, 28), date(2028, 2, 29)) is None
	assert close_date_problem(date(2038, 3, 1), date(2028, 2, 29)) == "too_far_ahead"


@pytest.mark.parametrize(
	"uom, whole",
	[
		("Nos", True),
		("pcs", True),
		(" Set ", True),
		("台", True),
		("Box", True),
		("m", False),
		("kg", False),
		("", False),
		(None, False),
	],
)
def test_whole_units(uom, whole):
	assert is_whole_unit(uom) is whole


@pytest.mark.parametrize(
	"wanted, available, whole, rule",
	[
		(3, 10, True, None),
		(0, 10, True, None),  # nothing of this row
		("0", 10, True, None),
		(10, 10, True, None),
		(1.5, 10, True, "whole"),
		(1.5, 10, False, None),
		(2.5, 2.5, False, None),
		(2.6, 2.5, False, "exceeds_remaining"),
		(11, 10, True, "exceeds_remaining"),
		(-1, 10, True, "positive"),
		(-1.5, 10, True, "positive"),
		("two", 10, True, "finite"),
		(float("nan"), 10, False, "finite"),
		(True, 10, True, "finite"),
	],
)
def test_check_delivery(wanted, available, whole, rule):
	problem = check_delivery(4, wanted, available, whole)
	assert (problem.rule if problem else None) == rule
	if problem:
		assert (problem.fieldname, problem.idx) == ("delivered_qty", 4)
