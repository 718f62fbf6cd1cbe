"""The arithmetic of the analyses (sales_crm/rules/analysis.py), without Frappe."""

from datetime import date

import pytest

from sales_crm.rules import analysis


def test_rate_and_ratio():
	assert analysis.rate(2, 3) == 66.67
	assert analysis.rate(5, 0) == 0 and analysis.rate(None, 4) == 0
	assert analysis.rate(3, 2) == 150  # a later stage may outnumber an earlier one in a period
	assert analysis.ratio(28000, 600, 1) == 46.7 and analysis.ratio(1, None) == 0


def test_months_in_range():
	assert analysis.months_in_range(date(2026, 1, 1), date(2026, 12, 31)) == pytest.approx(365 / 30.4375)
	assert analysis.months_in_range(date(2026, 3, 1), date(2026, 3, 5)) == 1


def test_ageing_bucket_of_each_day_past_due():
	ageing_bucket = analysis.ageing_bucket
	assert ageing_bucket(None) == ageing_bucket(-1) == "not_due"
	assert [ageing_bucket(d) for d in (0, 30, 31, 60, 61, 90, 91, 5000)] == [
		"range_0_30",
		"range_0_30",
		"range_31_60",
		"range_31_60",
		"range_61_90",
		"range_61_90",
		"range_90_above",
		"range_90_above",
	]
	# every day from 0 on falls in exactly one bucket, the one whose bounds hold it
	for day in range(0, 200):
		holding = [
			f
			for f, _l, first, last in analysis.AGEING_BUCKETS
			if first <= day and (last is None or day <= last)
		]
		assert holding == [ageing_bucket(day)]


def test_days_to_pay_weighs_each_allocation_by_its_amount():
	from sales_crm.rules.analysis import days_to_pay

	paid_on = date(2026, 3, 31)
	allocated, weighted = days_to_pay(
		paid_on,
		[
			(100.10, date(2026, 3, 1)),
			(0, date(2025, 1, 1)),
			(-5, date(2025, 1, 1)),
			(49.9, date(2026, 4, 10)),
		],
	)
	# 100.10 × 30 + 49.90 × (−10); the rows allocating nothing (or less) do not count
	assert (allocated, weighted) == (150.0, 2504.0)
	assert days_to_pay(paid_on, []) == (0.0, 0.0)
	# exact to the cent where floats would drift: 0.1 + 0.2 allocated over one day each
	assert days_to_pay(paid_on, [(0.1, date(2026, 3, 30)), (0.2, date(2026, 3, 30))]) == (0.3, 0.3)


def test_aged_amounts_add_up_by_party_and_column():
	rows = [
		("X1", 0, 1, 100, 100),  # not yet due
		("X1", 2, 2, 500, 300),  # 31-60 days
		("X2", 4, 1, 200, 50),  # 90+
		("X1", 2, 1, 80, 80),
	]
	aged = analysis.aged_by_party(rows)
	assert aged == {
		"X1": [4, 680, 480, 100, 0, 380, 0, 0],
		"X2": [1, 200, 50, 0, 0, 0, 0, 50],
	}
	assert analysis.AGED[3:] == ("not_due", *(b[0] for b in analysis.AGEING_BUCKETS))
	# every outstanding amount sits in exactly one column
	for line in aged.values():
		assert line[2] == sum(line[3:])
	assert analysis.aged_total(aged.values()) == [5, 880, 530, 100, 0, 380, 0, 50]
	assert analysis.aged_total([]) == [0] * len(analysis.AGED)


def test_the_parties_owing_most_come_first_ties_by_name():
	aged = {"b": [1, 0, 50], "a": [1, 0, 50], "c": [1, 0, 70], "d": [1, 0, 10]}
	assert analysis.owing_most(aged, 3) == ["c", "a", "b"]
	assert analysis.owing_most(aged, 10) == ["c", "a", "b", "d"]
	assert analysis.owing_most({}, 5) == []
