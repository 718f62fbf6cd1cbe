"""The forecast and retention arithmetic (sales_crm.rules.forecast / .retention) and the plan rules of
issue 13 (product targets, new customers), in plain Python."""

import random
from datetime import date
from decimal import Decimal

import pytest

from sales_crm.rules.forecast import (
	effective_probability,
	month_sums,
	monthly_targets,
	months_between,
	weighted,
)
from sales_crm.rules.plans import TargetRow, check_targets, comes_first, first_orders, new_customers
from sales_crm.rules.retention import (
	LOST,
	NEW,
	RETAINED,
	RETURNING,
	classify,
	rates,
	revenue,
	unsited_merged,
)


def test_months_between():
	assert months_between(date(2026, 11, 15), date(2027, 2, 1)) == [
		"2026-11",
		"2026-12",
		"2027-01",
		"2027-02",
	]
	assert months_between(date(2026, 3, 1), date(2026, 3, 31)) == ["2026-03"]
	assert months_between(date(2026, 4, 1), date(2026, 3, 31)) == []


def test_daily_figures_add_up_by_month_and_key_exactly():
	rows = [
		("a", date(2026, 1, 31), Decimal("0.10"), 1),
		("a", date(2026, 1, 1), Decimal("0.20"), 2),
		("a", date(2026, 2, 1), Decimal("5.00"), None),
		("b", date(2026, 1, 15), None, 4),
		(None, date(2025, 12, 31), Decimal("1.005"), 1),
	]
	assert month_sums(rows) == {
		("a", "2026-01"): [Decimal("0.30"), 3],
		("a", "2026-02"): [Decimal("5.00"), 0],
		("b", "2026-01"): [0, 4],
		(None, "2025-12"): [Decimal("1.005"), 1],
	}
	# exact: ten days of 0.10 are 1.00, not the float sum 0.9999999999999999
	assert month_sums([("a", date(2026, 3, d), Decimal("0.10")) for d in range(1, 11)]) == {
		("a", "2026-03"): [Decimal("1.00")]
	}
	assert month_sums([]) == {}


def test_float_daily_figures_add_up_as_the_month_s_own_sum():
	# Frappe hands MariaDB's decimal sums over as floats: a month of them adds up to the float of the exact
	# sum, as one SQL sum of the month would read, not to the float sum's drift
	days = [("a", date(2026, 3, d), 0.1, 2.0) for d in range(1, 11)]
	assert month_sums(days) == {("a", "2026-03"): [1.0, 20.0]}
	assert sum(0.1 for _ in range(10)) != 1.0  # what a plain float sum gives
	rng = random.Random(7)
	big = [(None, date(2026, 11, d), round(rng.uniform(1e8, 3e9), 2)) for d in range(1, 31)]
	exact = float(sum(Decimal(repr(amount)) for _key, _day, amount in big))
	drift = 0.0
	for _key, _day, amount in big:
		drift += amount
	assert drift != exact  # these thirty days drift as floats
	((sums),) = month_sums(big).values()
	assert type(sums[0]) is float and sums[0] == exact


def test_a_period_target_is_spread_over_its_months_and_adds_up():
	spread = monthly_targets(
		[
			("a", date(2026, 1, 1), date(2026, 3, 31), 1000),  # 333.33, 333.33, 333.34
			("a", date(2026, 3, 1), date(2026, 3, 31), 50),  # a monthly one on top
			("b", date(2026, 1, 1), date(2026, 12, 31), 1200),
		]
	)
	assert spread[("a", "2026-01")] == 333.33 and spread[("a", "2026-02")] == 333.33
	assert spread[("a", "2026-03")] == 383.34
	assert sum(v for (k, _m), v in spread.items() if k == "a") == pytest.approx(1050)
	assert {spread[("b", f"2026-{m:02d}")] for m in range(1, 13)} == {100}


@pytest.mark.parametrize(
	"own, stage, expected", [(40, 60, 40), (0, 60, 60), (None, 60, 60), (None, None, 0), (100, 0, 100)]
)
def test_the_stage_probability_applies_when_the_opportunity_has_none(own, stage, expected):
	assert effective_probability(own, stage) == expected


def test_weighted_amount():
	assert weighted(1000, 40) == 400
	assert weighted(333.33, 33) == 110.0  # 109.9989 rounded
	assert weighted(None, 50) == 0


@pytest.mark.parametrize(
	"previous, current, before, category",
	[
		(True, True, False, RETAINED),
		(True, True, True, RETAINED),
		(True, False, True, LOST),
		(False, True, True, RETURNING),
		(False, True, False, NEW),
		(False, False, True, None),
	],
)
def test_retention_categories(previous, current, before, category):
	assert classify(previous, current, before) == category


def test_retention_rates():
	assert rates({RETAINED: 3, LOST: 1, RETURNING: 1, NEW: 4}) == {
		"retention_rate": 75.0,  # 3 of the previous period's 4
		"churn_rate": 25.0,
		"repeat_purchase_rate": 50.0,  # retained + returning, 4 of the current 8
	}
	assert rates({}) == {"retention_rate": 0.0, "churn_rate": 0.0, "repeat_purchase_rate": 0.0}


def test_a_new_customer_is_counted_once_in_the_period_of_their_first_order_for_its_salesperson():
	orders = [
		("c1", "ann", date(2026, 3, 2), "SO-0005"),
		("c1", "bob", date(2026, 3, 20), "SO-0001"),  # c1 again: not new for bob (a later day, a lower name)
		("c2", "ann", date(2026, 2, 27), "SO-0002"),  # new in February
		("c2", "ann", date(2026, 3, 5), "SO-0003"),
		("c3", "bob", date(2026, 3, 31), "SO-0004"),
		("c4", "bob", date(2026, 3, 9), "SO-0007"),  # the same first day, two salespeople: the lower name's
		("c4", "ann", date(2026, 3, 9), "SO-0006"),
	]
	march = new_customers(orders, date(2026, 3, 1), date(2026, 3, 31))
	assert march == {"ann": {"c1", "c4"}, "bob": {"c3"}}
	assert new_customers(orders, date(2026, 2, 1), date(2026, 2, 28)) == {"ann": {"c2"}}
	assert sum(len(found) for found in march.values()) == 3  # each new customer once
	assert first_orders(orders)["c4"] == (date(2026, 3, 9), "SO-0006", "ann")
	assert first_orders(orders)["c1"] == (date(2026, 3, 2), "SO-0005", "ann")
	assert new_customers([], date(2026, 3, 1), date(2026, 3, 31)) == {}


def test_a_document_comes_first_by_its_day_then_by_its_name():
	kept = (date(2026, 3, 9), "SO-0006")
	assert comes_first(date(2026, 3, 9), "SO-0005", None)  # nothing kept yet
	assert comes_first(date(2026, 3, 8), "SO-0099", kept)  # an earlier day, whatever its name
	assert comes_first(date(2026, 3, 9), "SO-0005", kept)  # the same day, a lower name
	assert not comes_first(date(2026, 3, 9), "SO-0006", kept)  # itself
	assert not comes_first(date(2026, 3, 9), "SO-0007", kept)
	assert not comes_first(date(2026, 3, 10), "SO-0001", kept)  # a later day, even with a lower name


def test_product_targets():
	rows = [
		TargetRow(1, "a@x", "2026-01", 100),
		TargetRow(2, "a@x", "2026-01", 60, product="P1"),  # with a product: no clash with row 1
		TargetRow(3, "a@x", "2026-01", 40, product="P2"),
		TargetRow(4, "a@x", "2026-01", 10, product="P1"),  # the same product again
		TargetRow(5, "a@x", "2026-02", 10, 5, 0, "P1"),  # a collection target on a product row
		TargetRow(6, "a@x", "2026-02", 0, 0, 2, "P2"),  # a new-customer target on a product row
	]
	problems = [(p.idx, p.fieldname, p.rule) for p in check_targets("Monthly", "2026", rows)]
	assert problems == [
		(4, "period", "duplicate"),
		(5, "target_collection_amount", "product_orders_only"),
		(6, "target_new_customers", "product_orders_only"),
	]


def test_a_lost_customer_weighs_what_it_bought_before_anyone_else_what_it_buys_now():
	assert revenue(LOST, 300, 0) == 300
	for category in (RETAINED, RETURNING, NEW):
		assert revenue(category, 100, 250) == 250


def test_a_customer_s_orders_of_no_site_are_one_site():
	"""The empty and the missing site of one customer (adjacent in customer order) add up into one row; sited
	rows and other customers' pass as they are."""
	rows = [
		("C1", None, 1, 10, 0, 0, "2024-03-01"),
		("C1", "", 0, 0, 2, 30, "2024-05-01"),
		("C1", "Site A", 1, 5, 1, 5, None),
		("C2", "", 0, 0, 1, 7, None),
		("C3", None, 0, 0, 0, 0, None),
		("C4", "Site B", 2, 8, 0, 0, None),
		("C5", None, 3, 9, 0, 0, None),
	]
	assert list(unsited_merged(rows)) == [
		("C1", "", 1, 10, 2, 30, "2024-05-01"),
		("C1", "Site A", 1, 5, 1, 5, None),
		("C2", "", 0, 0, 1, 7, None),
		("C3", "", 0, 0, 0, 0, None),
		("C4", "Site B", 2, 8, 0, 0, None),
		("C5", "", 3, 9, 0, 0, None),
	]
	assert list(unsited_merged([])) == []
