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
