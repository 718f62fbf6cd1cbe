"""The arithmetic of the analyses (sales_crm/analysis.py), without Frappe."""

import importlib.util
from datetime import date
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
	"analysis", Path(__file__).resolve().parents[2] / "sales_crm" / "analysis.py"
)
analysis = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(analysis)


def test_rate_and_ratio():
	assert analysis.rate(2, 3) == 66.67
	assert analysis.rate(5, 0) == 0 and analysis.rate(None, 4) == 0
	assert analysis.rate(3, 2) == 150  # a later stage may outnumber an earlier one in a period
	assert analysis.ratio(28000, 600, 1) == 46.7 and analysis.ratio(1, None) == 0


@pytest.mark.parametrize(
	"days, has_due_date, bucket",
	[
		(-5, True, "not_due"),
		(0, True, "range_0_30"),
		(30, True, "range_0_30"),
		(31, True, "range_31_60"),
		(60, True, "range_31_60"),
		(61, True, "range_61_90"),
		(90, True, "range_61_90"),
		(91, True, "range_90_above"),
		(400, True, "range_90_above"),
		(10, False, "range_0_30"),  # aged by its invoice date: never "not yet due", never dropped
		(-3, False, "range_0_30"),
	],
)
def test_ageing_bucket(days, has_due_date, bucket):
	assert analysis.ageing_bucket(days, has_due_date) == bucket


def test_months_and_weighting():
	assert analysis.months_in_range(date(2026, 1, 1), date(2026, 12, 31)) == pytest.approx(365 / 30.4375)
	assert analysis.months_in_range(date(2026, 3, 1), date(2026, 3, 5)) == 1
	assert analysis.weighted_amount(300, 60) == 180 and analysis.weighted_amount(None, 60) == 0
