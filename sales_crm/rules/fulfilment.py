"""Quantities flowing from contract to order to delivery: what remains, and what a request may take."""

from __future__ import annotations

from sales_crm.rules.pricing import Problem, to_decimal


def remaining(qty: object, done: object) -> float:
	left = to_decimal(qty) - to_decimal(done)
	return float(left) if left > 0 else 0.0


def check_take(idx: int, fieldname: str, wanted: object, available: object) -> Problem | None:
	"""``wanted`` (> 0) of a row where ``available`` remains."""
	try:
		number = to_decimal(wanted)
	except ValueError:
		return Problem(fieldname, "finite", wanted, idx)
	if not number.is_finite():
		return Problem(fieldname, "finite", wanted, idx)
	if number <= 0:
		return Problem(fieldname, "positive", wanted, idx)
	if number > to_decimal(available) + to_decimal("0.000001"):
		return Problem(fieldname, "exceeds_remaining", wanted, idx)
	return None


def check_takes(rows, left: dict) -> list[Problem]:
	"""``rows`` of ``(idx, source row, qty)`` taking from the source rows, each of which has ``left[source]``
	remaining: the quantities are added up per source row (a source row named twice takes twice), and the row
	that takes past what remains is the problem. A row of no known source is left to the caller."""
	problems, taken = [], {}
	for idx, source, qty in rows:
		if source not in left:
			continue
		problem = check_take(idx, "qty", qty, remaining(left[source], taken.get(source, 0)))
		if problem:
			problems.append(problem)
			continue
		taken[source] = to_decimal(taken.get(source, 0)) + to_decimal(qty)
	return problems


def percent_done(rows: list[tuple[object, object]]) -> float:
	"""Σ done / Σ qty over ``(qty, done)`` rows, in %, capped at 100."""
	total = sum((to_decimal(q) for q, _ in rows), to_decimal(0))
	done = sum((min(to_decimal(d), to_decimal(q)) for q, d in rows), to_decimal(0))
	if total <= 0:
		return 0.0
	return float(round(done / total * 100, 6))


def check_delivery(idx: int, wanted: object, available: object, whole: bool) -> Problem | None:
	"""One row's quantity to deliver from a delivery dialog: 0 takes nothing from the row; otherwise a
	positive number, at most what remains, and a whole number where the row's unit is counted in whole
	units (``whole``: ``is_whole_unit`` of the row's UOM)."""
	try:
		number = to_decimal(wanted)
	except ValueError:
		return Problem("delivered_qty", "finite", wanted, idx)
	if not number.is_finite():
		return Problem("delivered_qty", "finite", wanted, idx)
	if number == 0:
		return None
	if number < 0:
		return Problem("delivered_qty", "positive", wanted, idx)
	if whole and number != number.to_integral_value():
		return Problem("delivered_qty", "whole", wanted, idx)
	return check_take(idx, "delivered_qty", number, available)


# Units counted in whole pieces (UOM is free text on products and rows): half a pump cannot be delivered,
# 2.5 m of tube or 1.5 days of service can.
WHOLE_UNITS = frozenset(
	"nos no pcs pc piece pieces unit units set sets box boxes pair pairs each ea "
	"个 件 台 套 只 支 箱 把 块 张 根 辆 组".split()
)


def is_whole_unit(uom: object) -> bool:
	return str(uom or "").strip().lower().rstrip(".") in WHOLE_UNITS
