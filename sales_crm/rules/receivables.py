"""Receivable and receipt arithmetic: what an allocation does to a receivable, and what may be invoiced.

On the site the receivables' sums are recomputed from their allocations (sales_crm/chain.py); here are the
checks and the arithmetic the demo loader uses.

Invariant of every receivable: ``total = received + write_off + outstanding`` and ``outstanding ≥ 0``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sales_crm.rules.pricing import Problem, round_to, to_decimal


@dataclass(frozen=True)
class Balance:
	total: float
	received: float
	write_off: float

	@property
	def outstanding(self) -> float:
		return round_to(to_decimal(self.total) - to_decimal(self.received) - to_decimal(self.write_off))


def check_allocation(idx: int, allocated: object, write_off: object, outstanding: object) -> list[Problem]:
	"""An allocation row: both parts ≥ 0, something settled, and never more than the outstanding amount."""
	problems = []
	for fieldname, value in (("allocated_amount", allocated), ("write_off_amount", write_off)):
		try:
			number = to_decimal(value)
		except ValueError:
			problems.append(Problem(fieldname, "finite", value, idx))
			continue
		if not number.is_finite():
			problems.append(Problem(fieldname, "finite", value, idx))
		elif number < 0:
			problems.append(Problem(fieldname, "non_negative", value, idx))
	if problems:
		return problems
	settled = to_decimal(allocated) + to_decimal(write_off)
	if settled <= 0:
		return [Problem("allocated_amount", "positive", allocated, idx)]
	if settled > to_decimal(outstanding):
		return [Problem("allocated_amount", "exceeds_outstanding", float(settled), idx)]
	return []


def apply(balance: Balance, allocated: object, write_off: object) -> Balance:
	"""The receivable after a receipt settles ``allocated`` and writes off ``write_off`` (already checked)."""
	return Balance(
		total=balance.total,
		received=round_to(to_decimal(balance.received) + to_decimal(allocated)),
		write_off=round_to(to_decimal(balance.write_off) + to_decimal(write_off)),
	)


def remaining_to_invoice(grand_total: object, invoiced: object) -> float:
	return round_to(max(to_decimal(grand_total) - to_decimal(invoiced), Decimal(0)))


def check_invoice_amount(amount: object, grand_total: object, invoiced: object) -> Problem | None:
	"""An invoice of ``amount`` on an order already invoiced for ``invoiced``: > 0 and within the grand total."""
	try:
		number = to_decimal(amount)
	except ValueError:
		return Problem("total_amount", "finite", amount)
	if not number.is_finite():
		return Problem("total_amount", "finite", amount)
	if number <= 0:
		return Problem("total_amount", "positive", amount)
	if number > to_decimal(remaining_to_invoice(grand_total, invoiced)):
		return Problem("total_amount", "exceeds_order", amount)
	return None


def invoiced_qty(qty: object, invoiced_amount: object, grand_total: object) -> float:
	"""Quantity of a row counted as invoiced when ``invoiced_amount`` of the order's grand total is."""
	total = to_decimal(grand_total)
	if total <= 0:
		return 0.0
	share = min(to_decimal(invoiced_amount) / total, Decimal(1))
	return float(round(to_decimal(qty) * share, 6))
