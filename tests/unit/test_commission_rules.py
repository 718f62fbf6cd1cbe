"""Commission rates, tiers, accruals and payouts (sales_crm.rules.commissions), without Frappe."""

from datetime import date

import pytest

from sales_crm.rules.commissions import (
	COLLECTED_AMOUNT,
	CONTRACT_AMOUNT,
	ContractLine,
	accrual,
	achievement,
	base_amount,
	basic_rate,
	customer_commission_amount,
	outstanding,
	payment_problem,
	period_commission,
	period_rate,
	previous_month,
	target_for_period,
	tier_rate,
)

TIERS = [(0, 0), (80, 2), (100, 3)]


def test_accrual_and_outstanding():
	assert accrual(1243, 3) == 37.29
	assert accrual(1000, 2.5) == 25
	assert accrual(0.5, 1) == 0.01  # half-up
	assert outstanding(37.29, 20) == 17.29


def test_contract_rate_wins_over_the_department_rate():
	assert basic_rate(3, 2) == 3
	assert basic_rate(0, 2) == 2
	assert basic_rate(None, 1.5) == 1.5


def test_base_amount_by_basis():
	assert base_amount(CONTRACT_AMOUNT, 1000, 400) == 1000
	assert base_amount(COLLECTED_AMOUNT, 1000, 400) == 400


@pytest.mark.parametrize(
	"percent, rate",
	[(0, 0), (79.99, 0), (80, 2), (99.99, 2), (100, 3), (150, 3)],
)
def test_tier_by_achievement(percent, rate):
	assert tier_rate(TIERS, percent) == rate


def test_tiers_in_any_order_and_below_every_tier():
	assert tier_rate([(100, 3), (80, 2)], 90) == 2
	assert tier_rate([(100, 3), (80, 2)], 50) == 0


def test_period_rate_falls_back_to_the_member_rate():
	assert period_rate([], 120, 1.5) == 1.5  # no tiers
	assert period_rate(TIERS, None, 1.5) == 1.5  # no target to measure against
	assert period_rate(TIERS, 85, 1.5) == 2


def test_achievement():
	assert achievement(900, 1000) == 90
	assert achievement(900, 0) is None


def test_target_for_period():
	jan, feb, mar = (
		(date(2026, 1, 1), date(2026, 1, 31), 100),
		(date(2026, 2, 1), date(2026, 2, 28), 200),
		(date(2026, 3, 1), date(2026, 3, 31), 300),
	)
	q1 = (date(2026, 1, 1), date(2026, 3, 31))
	assert target_for_period([jan, feb, mar], *q1) == 600  # months inside a quarter add up
	assert target_for_period([jan, feb, mar], date(2026, 2, 1), date(2026, 2, 28)) == 200
	year = (date(2026, 1, 1), date(2026, 12, 31), 3650)
	assert target_for_period([year], date(2026, 1, 1), date(2026, 1, 31)) == 310  # 31 of 365 days
	assert target_for_period([jan], date(2026, 4, 1), date(2026, 4, 30)) is None
	assert target_for_period([], *q1) is None


def test_previous_month():
	assert previous_month(date(2026, 3, 1)) == (date(2026, 2, 1), date(2026, 2, 28))
	assert previous_month(date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
	assert previous_month(date(2024, 3, 10)) == (date(2024, 2, 1), date(2024, 2, 29))


def test_period_commission_contract_basis():
	figures = period_commission(
		[ContractLine("CON-1", 1000, 200), ContractLine("CON-2", 2500, 0)], CONTRACT_AMOUNT, 2
	)
	assert [(l.sales_contract, l.base_amount, l.commission_amount) for l in figures.lines] == [
		("CON-1", 1000, 20),
		("CON-2", 2500, 50),
	]
	assert (figures.contract_amount, figures.base_amount, figures.accrued_amount) == (3500, 3500, 70)


def test_period_commission_collected_basis():
	figures = period_commission(
		[ContractLine("CON-1", 1000, 200), ContractLine("CON-2", 2500, 0)], COLLECTED_AMOUNT, 2
	)
	assert [l.base_amount for l in figures.lines] == [200, 0]
	assert (figures.contract_amount, figures.base_amount, figures.accrued_amount) == (3500, 200, 4)


def test_payment_rules():
	assert payment_problem(0, 100) is None
	assert payment_problem(100, 100) is None
	assert payment_problem(100.01, 100) == "exceeds_accrued"
	assert payment_problem(-1, 100) == "negative"


def test_customer_commission_amount():
	assert customer_commission_amount("Sales Amount", 5, 10000, 4000) == 500
	assert customer_commission_amount("Paid Amount", 5, 10000, 4000) == 200


def test_top_up_deducts_each_contracts_basic_rate():
	from sales_crm.rules.commissions import ContractLine, period_commission

	figures = period_commission(
		[
			ContractLine("C1", 1000, basic_rate=3),
			ContractLine("C2", 500, basic_rate=0),
			ContractLine("C3", 100, basic_rate=9),
		],
		"Contract Amount",
		5,
	)
	assert [line.commission_amount for line in figures.lines] == [20.0, 25.0, 0.0]
	assert figures.accrued_amount == 45.0 and figures.base_amount == 1600.0


def test_tiered_bonus_keeps_one_rounding_on_the_total():
	from sales_crm.rules.commissions import ContractLine, period_commission

	figures = period_commission([ContractLine("C1", 0.33), ContractLine("C2", 0.33)], "Contract Amount", 50)
	assert figures.accrued_amount == 0.33  # 0.66 × 50 %, not 0.17 + 0.17


def test_periods_overlap():
	from datetime import date

	from sales_crm.rules.commissions import periods_overlap

	jan = (date(2026, 1, 1), date(2026, 1, 31))
	assert periods_overlap(*jan, date(2026, 1, 31), date(2026, 3, 31))
	assert not periods_overlap(*jan, date(2026, 2, 1), date(2026, 2, 28))
	assert periods_overlap(*jan, *jan)
