"""The arithmetic of the analyses (FLOW.md "Analyses"), in plain functions the reports and tests share.

The reports aggregate in SQL; what is left for Python is turning sums into ratios and labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from math import fsum

# Receivable Ageing: (fieldname, label, first day past due, last day past due or None)
AGEING_BUCKETS = (
	("range_0_30", "0-30", 0, 30),
	("range_31_60", "31-60", 31, 60),
	("range_61_90", "61-90", 61, 90),
	("range_90_above", "90+", 91, None),
)


def ageing_bucket(days_past_due: int | None) -> str:
	"""The Receivable Ageing column of an amount ``days_past_due`` days past its due date: ``not_due``
	before (or on no due date), else the ``AGEING_BUCKETS`` fieldname whose days hold it."""
	if days_past_due is None or days_past_due < 0:
		return "not_due"
	for fieldname, _label, first, last in AGEING_BUCKETS:
		if days_past_due >= first and (last is None or days_past_due <= last):
			return fieldname
	raise ValueError(days_past_due)  # the buckets cover every day from 0: unreachable


# Receivable Ageing's amounts of a party, in this order: its open receivables (or plan lines), what they
# were invoiced (planned) for, what they still owe, and that outstanding amount by column: not yet due,
# then each of ``AGEING_BUCKETS``
AGED = ("receivables", "total_amount", "outstanding_amount", "not_due", *(b[0] for b in AGEING_BUCKETS))


def aged_by_party(rows: Iterable[tuple]) -> dict:
	"""``{party: [the AGED amounts]}`` of ``rows`` of ``(party, column, count, total, outstanding)``, ``column``
	the index of the ageing column the rows owe in (0: not yet due, then each of ``AGEING_BUCKETS``)."""
	found: dict = {}
	for party, bucket, count, total, outstanding in rows:
		line = found.get(party)
		if line is None:
			line = found[party] = [0] * len(AGED)
		line[0] += count or 0
		line[1] += total or 0
		line[2] += outstanding or 0
		line[3 + bucket] += outstanding or 0
	return found


def aged_total(lines: Iterable[list]) -> list:
	"""The AGED amounts of several parties added up: the count, and each amount as the float nearest its exact
	sum (``math.fsum``), so that the order the parties come in never moves a cent."""
	lines = list(lines)
	return [sum(line[0] or 0 for line in lines)] + [
		fsum(line[k] or 0 for line in lines) for k in range(1, len(AGED))
	]


def owing_most(aged: dict, top: int) -> list:
	"""The ``top`` parties of ``aged`` owing the most, the most first (ties by party)."""
	return sorted(aged, key=lambda party: (-aged[party][2], party))[:top]


def rate(part: float | None, whole: float | None, precision: int = 2) -> float:
	"""``part`` of ``whole`` in %, 0 when there is no whole (a stage with nothing to convert)."""
	if not whole:
		return 0.0
	return round((part or 0) / whole * 100, precision)


def ratio(numerator: float | None, denominator: float | None, precision: int = 2) -> float:
	if not denominator:
		return 0.0
	return round((numerator or 0) / denominator, precision)


def months_in_range(from_date: date, to_date: date) -> float:
	"""The length of a period in months (days / average month), never below one month."""
	days = (to_date - from_date).days + 1
	return max(days / 30.4375, 1.0)


def days_to_pay(paid_on: date, allocations: Iterable[tuple[object, date]]) -> tuple[float, float]:
	"""A receipt's part of the Customer Value Analysis's days to pay: over its ``(allocated amount, invoice
	date)`` pairs that allocate something, ``(Σ allocated, Σ allocated × days from the invoice date to
	paid_on)``, each exact to the cent (a receipt dated before its invoice counts days below 0). A customer's
	days to pay is the second summed over their receipts, divided by the first."""
	allocated = weighted = Decimal(0)
	for amount, invoiced_on in allocations:
		value = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount or 0)
		if value <= 0:
			continue
		allocated += value
		weighted += value * (paid_on - invoiced_on).days
	return float(allocated), float(weighted)
