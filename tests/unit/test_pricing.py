import math

import pytest

from sales_crm.rules.pricing import (
	ItemInput,
	Problem,
	check_document,
	check_item,
	document_totals,
	item_rate,
	item_values,
	price_document,
	round_to,
)


def test_rate_is_list_price_less_discount():
	assert item_rate(200, 15, None) == 170.0
	assert item_rate("99.99", "12.5", 0) == 87.49  # 87.49125 rounds half-up to two places


def test_rate_as_typed_without_list_price():
	assert item_rate(0, 30, 55.555) == 55.56
	assert item_rate(None, None, 10) == 10.0


def test_client_rate_is_ignored_when_list_price_given():
	assert item_rate(100, 10, 1) == 90.0


def test_item_amount_and_base_amounts():
	values = item_values(qty=3, price_list_rate=100, discount_percentage=10, rate=None, exchange_rate=7.1)
	assert values.rate == 90.0
	assert values.amount == 270.0
	assert values.base_rate == 639.0
	assert values.base_amount == 1917.0


def test_half_up_rounding_of_amount_without_a_site():
	assert item_values(qty=1, price_list_rate=0, discount_percentage=0, rate=0.125).amount == 0.13
	# the rate is stored at the currency's precision first, and the amount is computed from what is stored
	assert item_values(qty=3, price_list_rate=0, discount_percentage=0, rate=0.335).amount == 1.02
	assert round_to(2.675) == 2.68  # float 2.675 is 2.67499…; its repr is what we round


def test_document_totals_with_tax_and_exchange_rate():
	totals = document_totals([(2, 300), (1.5, 150.5)], tax_rate=13, exchange_rate=7)
	assert totals.total_qty == 3.5
	assert totals.net_total == 450.5
	assert totals.tax_amount == 58.57  # 58.565 half-up
	assert totals.grand_total == 509.07
	assert totals.base_net_total == 3153.5
	assert totals.base_tax_amount == 409.99
	assert totals.base_grand_total == 3563.49


def test_empty_document_is_zero():
	totals = document_totals([], tax_rate=13)
	assert (totals.net_total, totals.tax_amount, totals.grand_total) == (0, 0, 0)


def test_totals_never_drift_by_float_addition():
	# a thousand rows of 0.1: float addition gives 99.9999…, the total must be 100
	totals = document_totals([(1, 0.1)] * 1000, tax_rate=0)
	assert totals.net_total == 100.0
	assert totals.grand_total == 100.0


@pytest.mark.parametrize(
	"qty, plr, disc, rate, field, rule",
	[
		(0, 10, 0, 10, "qty", "positive"),
		(-1, 10, 0, 10, "qty", "positive"),
		(1, -5, 0, 0, "price_list_rate", "non_negative"),
		(1, 10, -1, 0, "discount_percentage", "percent"),
		(1, 10, 100.01, 0, "discount_percentage", "percent"),
		(1, 0, 0, -0.01, "rate", "non_negative"),
		(float("nan"), 10, 0, 0, "qty", "finite"),
		(1, float("inf"), 0, 0, "price_list_rate", "finite"),
		("abc", 10, 0, 0, "qty", "finite"),
		(1, 10**13, 0, 0, "price_list_rate", "too_large"),
	],
)
def test_item_rules(qty, plr, disc, rate, field, rule):
	problems = check_item(4, qty, plr, disc, rate)
	assert [(p.fieldname, p.rule, p.idx) for p in problems] == [(field, rule, 4)]


def test_valid_item_has_no_problem():
	assert check_item(1, 0.5, 0, 0, 0) == []
	assert check_item(1, 1, 10, 100, None) == []


@pytest.mark.parametrize(
	"tax, fx, expected",
	[
		(13, 1, []),
		(0, 0.0001, []),
		(100, 1, []),
		(-1, 1, [("tax_rate", "percent")]),
		(101, 1, [("tax_rate", "percent")]),
		(13, 0, [("exchange_rate", "positive")]),
		(13, -7, [("exchange_rate", "positive")]),
		(float("inf"), float("nan"), [("tax_rate", "finite"), ("exchange_rate", "finite")]),
	],
)
def test_document_rules(tax, fx, expected):
	assert [(p.fieldname, p.rule) for p in check_document(tax, fx)] == expected


def test_price_document_prices_every_row():
	priced = price_document(
		[ItemInput(1, 10, 50, 20, None), ItemInput(2, 1, 0, 0, 99.9)], tax_rate=6, exchange_rate=1
	)
	assert priced.problems == []
	assert [v.amount for v in priced.items] == [400.0, 99.9]
	assert priced.totals.net_total == 499.9
	assert priced.totals.tax_amount == 29.99
	assert priced.totals.grand_total == 529.89


def test_price_document_reports_all_problems_and_prices_nothing():
	priced = price_document(
		[ItemInput(1, 0, 10, 0, 0), ItemInput(2, 1, 10, 120, 0)], tax_rate=200, exchange_rate=1
	)
	assert priced.items == [] and priced.totals is None
	assert priced.problems == [
		Problem("tax_rate", "percent", 200),
		Problem("qty", "positive", 0, 1),
		Problem("discount_percentage", "percent", 120, 2),
	]


def test_price_document_refuses_amounts_that_cannot_be_stored():
	priced = price_document([ItemInput(3, 10**6, 0, 0, 10**7)], tax_rate=0, exchange_rate=1)
	assert [(p.fieldname, p.rule, p.idx) for p in priced.problems] == [("amount", "too_large", 3)]
	priced = price_document([ItemInput(1, 1, 0, 0, 9 * 10**11)], tax_rate=50, exchange_rate=1)
	assert [(p.fieldname, p.rule) for p in priced.problems] == [
		("grand_total", "too_large"),
		("base_grand_total", "too_large"),
	]


def test_booleans_are_not_numbers():
	assert [p.rule for p in check_item(1, True, 0, 0, 0)] == ["finite"]
	assert not math.isnan(item_rate(0, 0, 1))


def test_rounding_follows_the_method_named():
	assert round_to(0.125, 2, "Commercial Rounding") == 0.13
	assert round_to(0.125, 2, "Banker's Rounding") == 0.12
	assert round_to(0.135, 2, "Banker's Rounding") == 0.14
	assert round_to(-0.125, 2, "Commercial Rounding") == -0.13  # away from zero, as Frappe's
	# Frappe's legacy method: ties to even for whole numbers only; with decimals they go up (towards +∞)
	assert round_to(2.5, 0, "Banker's Rounding (legacy)") == 2
	assert round_to(0.125, 2, "Banker's Rounding (legacy)") == 0.13
	assert round_to(-0.125, 2, "Banker's Rounding (legacy)") == -0.12
	with pytest.raises(ValueError, match="unknown rounding method"):
		round_to(1, 2, "Upwards")


def test_rounding_follows_the_site_once_told_how_to_read_it():
	from sales_crm.rules import pricing

	assert item_values(qty=1, price_list_rate=0, discount_percentage=0, rate=0.125).amount == 0.13
	pricing.follow_rounding_method(lambda: "Banker's Rounding")
	try:
		assert item_values(qty=1, price_list_rate=0, discount_percentage=0, rate=0.125).amount == 0.12
		assert document_totals([(1, 100)], tax_rate=0.125).tax_amount == 0.12
		assert round_to(0.125, 2, "Commercial Rounding") == 0.13  # a named method wins
	finally:
		pricing.follow_rounding_method(None)
	assert round_to(0.125) == 0.13
