"""Sales forecast arithmetic (销售预测): the weighted pipeline and the plan's targets month by month.
Plain code, no Frappe."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sales_crm.rules.pricing import round_to, to_decimal


def month_label(day: date) -> str:
	return f"{day.year}-{day.month:02d}"


def months_between(start: date, end: date) -> list[str]:
	"""The months ``start`` to ``end`` touch, as ``YYYY-MM`` labels, in order."""
	months = []
	year, month = start.year, start.month
	while (year, month) <= (end.year, end.month):
		months.append(f"{year}-{month:02d}")
		year, month = (year + 1, 1) if month == 12 else (year, month + 1)
	return months


def month_sums(rows) -> dict[tuple, list]:
	"""Daily figures added up by month: ``rows`` holds ``(key, day, *amounts)``; the answer maps ``(key,
	"YYYY-MM")`` to the sums of the amounts, in their order. Amounts add exactly, so a month reads what one
	grouped query per month would have read: Decimals as they come, and floats (Frappe hands MariaDB's
	decimal sums over as floats) through their repr as Decimals, the month's sum given back as the float
	nearest it. A missing amount adds nothing."""
	months: dict[tuple, list] = {}
	floats: set[tuple] = set()
	for key, day, *amounts in rows:
		label = (key, month_label(day))
		sums = months.setdefault(label, [0] * len(amounts))
		for i, amount in enumerate(amounts):
			if isinstance(amount, float):
				floats.add((label, i))
				amount = Decimal(repr(amount))
			sums[i] += amount or 0
	for label, i in floats:
		months[label][i] = float(months[label][i])
	return months


def effective_probability(probability, stage_probability) -> float:
	"""The opportunity's own probability; the stage's (its sales method's) when it has none (0 or empty)."""
	own = to_decimal(probability or 0)
	return float(own if own > 0 else to_decimal(stage_probability or 0))


def weighted(amount, probability) -> float:
	"""Expected revenue × probability %."""
	return round_to(to_decimal(amount or 0) * to_decimal(probability or 0) / 100)


def monthly_targets(targets) -> dict[tuple, float]:
	"""Targets spread evenly over the months of their period: ``targets`` holds ``(key, period_start,
	period_end, amount)``; the answer maps ``(key, "YYYY-MM")`` to the month's share (a quarter's target
	is a third per month; the last month takes the rounding rest, so the shares add up exactly)."""
	spread: dict[tuple, object] = defaultdict(lambda: to_decimal(0))
	for key, start, end, amount in targets:
		months = months_between(start, end)
		if not months:
			continue
		amount = to_decimal(amount or 0)
		share = to_decimal(round_to(amount / len(months)))
		for month in months[:-1]:
			spread[(key, month)] += share
		spread[(key, months[-1])] += amount - share * (len(months) - 1)
	return {key: round_to(value) for key, value in spread.items()}
