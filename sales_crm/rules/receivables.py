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


# --- invoicing after delivery -----------------------------------------------------------------------


def delivered_value(
	rows: list[tuple[object, object, object]], net_total: object, grand_total: object
) -> float:
	"""The value delivered on an order, tax included: Σ amount × delivered / qty over ``(qty, delivered,
	amount)`` rows, as its share of the net total applied to the grand total (a fully delivered order's
	delivered value is its grand total exactly)."""
	net = to_decimal(net_total)
	delivered = Decimal(0)
	for qty, done, amount in rows:
		qty = to_decimal(qty)
		if qty > 0:
			delivered += to_decimal(amount) * min(to_decimal(done), qty) / qty
	if net <= 0:
		return 0.0
	return round_to(min(delivered / net, Decimal(1)) * to_decimal(grand_total))


def check_invoice_delivered(amount: object, delivered: object, invoiced: object) -> Problem | None:
	"""An invoice of ``amount`` when only ``delivered`` (tax included) was delivered and ``invoiced`` is
	invoiced already: a receivable is formed after the sale is realised (销售实现, 开出发票)."""
	if to_decimal(amount) > max(to_decimal(delivered) - to_decimal(invoiced), Decimal(0)):
		return Problem("total_amount", "exceeds_delivered", amount)
	return None


# --- write-offs ---------------------------------------------------------------------------------------


def write_off_needs_reason(write_off: object, receivable_total: object, tolerance_percent: object) -> bool:
	"""A write-off above ``tolerance_percent`` of the receivable's total needs a reason; a small
	difference (rounding, bank charges) within it does not."""
	amount = to_decimal(write_off)
	if amount <= 0:
		return False
	return amount > to_decimal(receivable_total) * to_decimal(tolerance_percent or 0) / 100


def write_off_needs_approval(base_write_off_total: object, approval_limit: object) -> bool:
	"""A receipt whose write-offs together exceed ``approval_limit`` (company currency; 0 = no limit)
	needs a Sales Director's approval."""
	limit = to_decimal(approval_limit or 0)
	return limit > 0 and to_decimal(base_write_off_total) > limit


def write_off_fingerprint(rows: list[tuple[object, object, object]]) -> str:
	"""What a director approved: the ``(receivable, write-off amount, reason)`` rows, order-free."""
	import hashlib

	canon = sorted(
		f"{receivable or ''}|{to_decimal(amount or 0).normalize():f}|{reason or ''}"
		for receivable, amount, reason in rows
		if to_decimal(amount or 0) > 0
	)
	return hashlib.sha256("\n".join(canon).encode()).hexdigest()


# --- customer credit (advances, offsets, refunds) -----------------------------------------------------


def unallocated(paid: object, allocated: object, offset: object, refunded: object) -> float:
	"""What remains of an advance as the customer's credit: paid − allocated − offset − refunded."""
	return round_to(to_decimal(paid) - to_decimal(allocated) - to_decimal(offset) - to_decimal(refunded))


def check_draw(amount: object, credit: object, fieldname: str = "paid_amount") -> Problem | None:
	"""An offset or refund of ``amount`` (> 0) drawing on a credit of ``credit``."""
	try:
		number = to_decimal(amount)
	except ValueError:
		return Problem(fieldname, "finite", amount)
	if not number.is_finite():
		return Problem(fieldname, "finite", amount)
	if number <= 0:
		return Problem(fieldname, "positive", amount)
	if number > to_decimal(credit):
		return Problem(fieldname, "exceeds_credit", amount)
	return None
