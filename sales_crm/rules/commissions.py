"""Salesperson and customer commission arithmetic: rates, tiers by plan achievement, accruals, payouts.

Plain numbers and dates in, plain numbers out: nothing here imports Frappe, so the unit tests reach
every rule. The Frappe side (records, hooks, the monthly job) is ``sales_crm.flows.commissions``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sales_crm.rules.pricing import round_to, to_decimal

CONTRACT_AMOUNT = "Contract Amount"
COLLECTED_AMOUNT = "Collected Amount"
PERIODIC_TYPES = ("Monthly", "Quarterly", "Half-Yearly", "Annual")
# How a department's periodic commission relates to its Basic one (Sales Department.periodic_scheme).
TIERED_BONUS = "Tiered Bonus"  # the tier rate on the period's contracts, on top of their Basic commissions
TOP_UP = "Top-up to Tier Rate"  # the tier rate less the Basic rate each contract already earned


def accrual(base_amount: object, rate: object) -> float:
	"""The commission earned on ``base_amount`` at ``rate`` %."""
	return round_to(to_decimal(base_amount) * to_decimal(rate) / 100)


def outstanding(accrued_amount: object, paid_amount: object) -> float:
	return round_to(to_decimal(accrued_amount) - to_decimal(paid_amount))


def basic_rate(contract_rate: object, member_rate: object) -> float:
	"""A contract's own commission rate wins; without one the salesperson's department rate applies."""
	rate = to_decimal(contract_rate)
	return float(rate if rate > 0 else to_decimal(member_rate))


def base_amount(basis: str, contract_amount: object, collected_amount: object) -> float:
	"""What a commission is computed on: the contract amount, or what the customer has paid on it."""
	return round_to(to_decimal(collected_amount if basis == COLLECTED_AMOUNT else contract_amount))


def achievement(actual: object, target: object) -> float | None:
	"""Actual as % of target; ``None`` when there is no target to measure against."""
	target = to_decimal(target)
	if target <= 0:
		return None
	return round_to(to_decimal(actual) / target * 100, 4)


def tier_rate(tiers: Iterable[tuple[object, object]], achievement_percent: float) -> float:
	"""The rate of the tier with the highest minimum the achievement reaches (``≥``); 0 below every tier.

	Tiers ``[(0, 0), (80, 2), (100, 3)]`` pay 0 % under 80 % achievement, 2 % from 80 % and 3 % from 100 %.
	"""
	rate = Decimal(0)
	reached = None
	for minimum, tier in tiers:
		minimum = to_decimal(minimum)
		if to_decimal(achievement_percent) >= minimum and (reached is None or minimum >= reached):
			reached, rate = minimum, to_decimal(tier)
	return float(rate)


def period_rate(
	tiers: list[tuple[object, object]], achievement_percent: float | None, member_rate: object
) -> float:
	"""The rate of a periodic commission: by tier when the department has tiers and the salesperson a
	target for the period, else the salesperson's own department rate."""
	if not tiers or achievement_percent is None:
		return float(to_decimal(member_rate))
	return tier_rate(tiers, achievement_percent)


def target_for_period(
	targets: Iterable[tuple[date, date, object]], from_date: date, to_date: date
) -> float | None:
	"""The order target of a commission period from plan targets ``(start, end, amount)``.

	Targets lying inside the period add up (three monthly targets make a quarter). Without any, a target
	whose period contains the commission period counts pro rata by days (a month of a yearly target).
	``None`` when no target touches the period.
	"""
	targets = list(targets)
	inside = [to_decimal(amount) for start, end, amount in targets if start >= from_date and end <= to_date]
	if inside:
		return round_to(sum(inside, Decimal(0)))
	days = Decimal((to_date - from_date).days + 1)
	covering = [
		to_decimal(amount) * days / Decimal((end - start).days + 1)
		for start, end, amount in targets
		if start <= from_date and end >= to_date
	]
	if covering:
		return round_to(sum(covering, Decimal(0)))
	return None


def previous_month(today: date) -> tuple[date, date]:
	"""The first and last day of the month before ``today``'s."""
	end = today.replace(day=1) - timedelta(days=1)
	return end.replace(day=1), end


@dataclass(frozen=True)
class ContractLine:
	sales_contract: str
	contract_amount: float
	collected_amount: float = 0
	basic_rate: float = 0  # under TOP_UP: the Basic rate the contract already earned, deducted


@dataclass(frozen=True)
class CommissionLine:
	sales_contract: str
	contract_amount: float
	base_amount: float
	commission_amount: float


@dataclass(frozen=True)
class PeriodCommission:
	lines: list[CommissionLine]
	contract_amount: float
	base_amount: float
	accrued_amount: float


def period_commission(contracts: Iterable[ContractLine], basis: str, rate: object) -> PeriodCommission:
	"""One line per contract and the totals: accrued = total base × rate (each line rounded on its own).

	A line with a ``basic_rate`` (the TOP_UP scheme) earns only ``rate − basic_rate`` (never below 0), and
	the accrued amount is then the sum of the lines."""
	lines = []
	topped_up = False
	for contract in contracts:
		base = base_amount(basis, contract.contract_amount, contract.collected_amount)
		line_rate = max(to_decimal(rate) - to_decimal(contract.basic_rate or 0), Decimal(0))
		topped_up = topped_up or bool(contract.basic_rate)
		lines.append(
			CommissionLine(
				contract.sales_contract, round_to(contract.contract_amount), base, accrual(base, line_rate)
			)
		)
	total_contract = round_to(sum((to_decimal(line.contract_amount) for line in lines), Decimal(0)))
	total_base = round_to(sum((to_decimal(line.base_amount) for line in lines), Decimal(0)))
	if topped_up:
		accrued = round_to(sum((to_decimal(line.commission_amount) for line in lines), Decimal(0)))
	else:
		accrued = accrual(total_base, rate)
	return PeriodCommission(lines, total_contract, total_base, accrued)


def periods_overlap(start_a: date, end_a: date, start_b: date, end_b: date) -> bool:
	"""Two closed date ranges share at least one day."""
	return start_a <= end_b and start_b <= end_a


def payment_problem(paid_amount: object, accrued_amount: object) -> str | None:
	"""What is wrong with a payment of ``paid_amount`` on ``accrued_amount``: ``"negative"`` or
	``"exceeds_accrued"``; ``None`` when it is fine."""
	paid = to_decimal(paid_amount)
	if paid < 0:
		return "negative"
	if paid > to_decimal(accrued_amount):
		return "exceeds_accrued"
	return None


def customer_commission_amount(
	basis: str, rate: object, sales_amount: object, customer_paid_amount: object
) -> float:
	"""A customer commission: rate × the contract's sales amount, or × what the customer has paid."""
	base = customer_paid_amount if basis == "Paid Amount" else sales_amount
	return accrual(base, rate)
