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
