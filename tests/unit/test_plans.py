"""Sales plan periods, target checks, compilation and completion (sales_crm.rules.plans), without Frappe."""

from datetime import date

import pytest

from sales_crm.rules.plans import (
	Period,
	TargetRow,
	check_fiscal_year,
	check_targets,
	compiled_target,
	completion,
	parse_period,
)


@pytest.mark.parametrize(
	"period_type, text, start, end",
	[
		("Monthly", "2026-03", date(2026, 3, 1), date(2026, 3, 31)),
		("Monthly", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
		("Monthly", "2026-12", date(2026, 12, 1), date(2026, 12, 31)),
		("Quarterly", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
		("Quarterly", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
		("Half-Yearly", "2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
		("Half-Yearly", "2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
		("Annual", "2026", date(2026, 1, 1), date(2026, 12, 31)),
	],
)
def test_period_bounds(period_type, text, start, end):
	period = parse_period(period_type, text)
	assert (period.start, period.end, period.label) == (start, end, text)


@pytest.mark.parametrize(
	"period_type, text",
	[
		("Monthly", "2026-3"),
		("Monthly", "2026-13"),
		("Monthly", "2026-00"),
		("Monthly", "2026-Q1"),
		("Quarterly", "2026-Q5"),
		("Quarterly", "2026-03"),
		("Half-Yearly", "2026-H3"),
		("Annual", "26"),
		("Annual", "2026-01"),
		("Monthly", ""),
		("Monthly", None),
		("Weekly", "2026-W01"),
	],
)
def test_period_format_must_match_the_type(period_type, text):
	assert parse_period(period_type, text) is None


@pytest.mark.parametrize(
	"period_type, text, previous",
	[
		("Monthly", "2026-03", "2026-02"),
		("Monthly", "2026-01", "2025-12"),
		("Quarterly", "2026-Q1", "2025-Q4"),
		("Quarterly", "2026-Q3", "2026-Q2"),
		("Half-Yearly", "2026-H1", "2025-H2"),
		("Half-Yearly", "2026-H2", "2026-H1"),
		("Annual", "2026", "2025"),
	],
)
def test_previous_comparable_period(period_type, text, previous):
	assert parse_period(period_type, text).previous().label == previous


def test_fiscal_year():
	assert check_fiscal_year("2026") and check_fiscal_year(2026)
	assert not check_fiscal_year("26") and not check_fiscal_year("") and not check_fiscal_year(None)


def rules_of(problems):
	return [(p.idx, p.fieldname, p.rule) for p in problems]


def test_targets_valid():
	rows = [
		TargetRow(1, "a@x", "2026-01", 100, 0, 0),
		TargetRow(2, "a@x", "2026-02", 0, 50, 0),
		TargetRow(3, "b@x", "2026-01", 0, 0, 2),
	]
	assert check_targets("Monthly", "2026", rows, require_positive=True) == []


def test_targets_problems():
	rows = [
		TargetRow(1, "a@x", "2026-Q1", 100),  # a quarter in a monthly plan
		TargetRow(2, "a@x", "2025-12", 100),  # outside the fiscal year
		TargetRow(3, "a@x", "2026-01", 100),
		TargetRow(4, "a@x", "2026-01", 100),  # the same salesperson and month again
		TargetRow(5, "b@x", "2026-01", -1, 0, 0),
		TargetRow(6, "b@x", "2026-02", 0, 0, 0),
	]
	assert rules_of(check_targets("Monthly", "2026", rows)) == [
		(1, "period", "period_format"),
		(2, "period", "outside_year"),
		(4, "period", "duplicate"),
		(5, "target_order_amount", "negative"),
	]
	# after compilation, an all-zero row is refused too
	assert rules_of(check_targets("Monthly", "2026", rows, require_positive=True))[-1] == (
		6,
		"target_order_amount",
		"empty",
	)


def test_duplicate_points_at_the_first_row():
	rows = [TargetRow(1, "a@x", "2026", 1), TargetRow(2, "a@x", "2026", 2)]
	(problem,) = check_targets("Annual", "2026", rows)
	assert (problem.idx, problem.rule, problem.value) == (2, "duplicate", 1)


def test_compiled_target_and_completion():
	assert compiled_target(3000, 1.1) == 3300
	assert compiled_target(1234.56, 1) == 1234.56
	assert compiled_target(1000, 0) == 1000  # an unset growth factor means "same as last time"
	assert compiled_target(0, 1.5) == 0
	assert completion(1200, 1000) == 120  # over-achievement is not capped
	assert completion(1, 3) == 33.33
	assert completion(100, 0) == 0


def test_period_is_a_value():
	assert Period("Quarterly", 2026, 2).start == date(2026, 4, 1)
