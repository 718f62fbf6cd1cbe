"""rmb_upper: amounts in Chinese financial capitals (人民币大写)."""

from decimal import Decimal

import pytest

from sales_crm.rules.money_words import rmb_upper


@pytest.mark.parametrize(
	("amount", "words"),
	[
		# the brief's examples
		(1200, "壹仟贰佰元整"),
		(1234.56, "壹仟贰佰叁拾肆元伍角陆分"),
		(0.05, "伍分"),
		(100010, "壹拾万零壹拾元整"),
		# small amounts and fractions
		(0, "零元整"),
		(0.5, "伍角"),
		(0.56, "伍角陆分"),
		(1, "壹元整"),
		(10, "壹拾元整"),
		(11, "壹拾壹元整"),
		(1.05, "壹元零伍分"),
		(1.5, "壹元伍角"),
		(20000.07, "贰万元零柒分"),
		# zeros in the middle collapse to one 零
		(101, "壹佰零壹元整"),
		(1001, "壹仟零壹元整"),
		(1010, "壹仟零壹拾元整"),
		(1100, "壹仟壹佰元整"),
		(10500, "壹万零伍佰元整"),
		(100001, "壹拾万零壹元整"),
		(101000, "壹拾万壹仟元整"),
		(1000100, "壹佰万零壹佰元整"),
		(10010001, "壹仟零壹万零壹元整"),
		(1299.5, "壹仟贰佰玖拾玖元伍角"),
		# 万 / 亿 boundaries
		(9999, "玖仟玖佰玖拾玖元整"),
		(10000, "壹万元整"),
		(99999999, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整"),
		(100000000, "壹亿元整"),
		(100000001, "壹亿零壹元整"),
		(100010000, "壹亿零壹万元整"),
		(110000000, "壹亿壹仟万元整"),
		(1000010000, "壹拾亿零壹万元整"),
		(1000000000000, "壹万亿元整"),
		(123456789012.34, "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
	],
)
def test_capitals(amount, words):
	assert rmb_upper(amount) == words


@pytest.mark.parametrize("amount", ["1234.56", Decimal("1234.56"), "1,234.56", " 1234.56 "])
def test_strings_and_decimals(amount):
	assert rmb_upper(amount) == "壹仟贰佰叁拾肆元伍角陆分"


def test_rounds_half_up_to_the_fen():
	assert rmb_upper(0.005) == "壹分"
	assert rmb_upper(Decimal("2.675")) == "贰元陆角捌分"
	assert rmb_upper(0.994) == "玖角玖分"
	assert rmb_upper(0.999) == "壹元整"


@pytest.mark.parametrize("amount", [-1, -0.01, "-5", Decimal("-100")])
def test_negative_refused(amount):
	with pytest.raises(ValueError, match="negative"):
		rmb_upper(amount)


@pytest.mark.parametrize("amount", [None, True, "abc", "", float("nan"), float("inf")])
def test_not_an_amount(amount):
	with pytest.raises(TypeError):
		rmb_upper(amount)


def test_too_large():
	with pytest.raises(ValueError, match="too large"):
		rmb_upper(10**16)
