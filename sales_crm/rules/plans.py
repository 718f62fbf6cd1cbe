"""Sales plan periods and achievement arithmetic.

A plan target covers one period of its plan's ``period_type``, written the way people say it:
month ``2026-03``, quarter ``2026-Q1``, half ``2026-H1``, year ``2026``. Plain code, no Frappe.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from sales_crm.rules.pricing import round_to, to_decimal

PERIOD_TYPES = ("Monthly", "Quarterly", "Half-Yearly", "Annual")

# period type -> (pattern, months per period, example)
_FORMATS = {
	"Monthly": (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), 1, "2026-03"),
	"Quarterly": (re.compile(r"^(\d{4})-Q([1-4])$"), 3, "2026-Q1"),
	"Half-Yearly": (re.compile(r"^(\d{4})-H([12])$"), 6, "2026-H1"),
	"Annual": (re.compile(r"^(\d{4})$"), 12, "2026"),
}


@dataclass(frozen=True)
class Period:
	period_type: str
	year: int
	index: int  # month 1–12, quarter 1–4, half 1–2, or 1 for the year

	@property
	def months(self) -> int:
		return _FORMATS[self.period_type][1]

	@property
	def start(self) -> date:
		return date(self.year, (self.index - 1) * self.months + 1, 1)

	@property
	def end(self) -> date:
		month = self.index * self.months
		return date(self.year, month, calendar.monthrange(self.year, month)[1])

	@property
	def label(self) -> str:
		if self.period_type == "Monthly":
			return f"{self.year}-{self.index:02d}"
		if self.period_type == "Quarterly":
			return f"{self.year}-Q{self.index}"
		if self.period_type == "Half-Yearly":
			return f"{self.year}-H{self.index}"
		return str(self.year)

	def previous(self) -> Period:
		"""The previous comparable period: the month, quarter, half or year before."""
		if self.index > 1:
			return Period(self.period_type, self.year, self.index - 1)
		return Period(self.period_type, self.year - 1, 12 // self.months)


def example(period_type: str) -> str:
	return _FORMATS[period_type][2]


def parse_period(period_type: str, text: str | None) -> Period | None:
	"""The period ``text`` names, or ``None`` when it is not written the way ``period_type`` expects."""
	if period_type not in _FORMATS or not text:
		return None
	match = _FORMATS[period_type][0].match(text.strip())
	if not match:
		return None
	year = int(match.group(1))
	index = int(match.group(2)) if period_type != "Annual" else 1
	if year < 1900:
		return None
	return Period(period_type, year, index)


def check_fiscal_year(fiscal_year: str | None) -> bool:
	return bool(fiscal_year) and re.fullmatch(r"\d{4}", str(fiscal_year).strip()) is not None


@dataclass(frozen=True)
class TargetRow:
	idx: int
	sales_person: str | None
	period: str | None
	target_order_amount: object = 0
	target_collection_amount: object = 0
	target_new_customers: object = 0
	product: str | None = None  # a product target: the order amount of that product's rows


@dataclass(frozen=True)
class TargetProblem:
	"""A target row that breaks a rule: ``rule`` is one of the keys of the controller's message table."""

	idx: int
	fieldname: str
	rule: str  # "period_format", "outside_year", "duplicate", "negative", "empty", "product_orders_only"
	value: object


TARGET_FIELDS = ("target_order_amount", "target_collection_amount", "target_new_customers")


def check_targets(
	period_type: str, fiscal_year: str, rows: list[TargetRow], require_positive: bool = False
) -> list[TargetProblem]:
	"""Every row: a period of the plan's type inside its fiscal year, once per salesperson (and product),
	targets ≥ 0, a product row with an order target only (collections and new customers are counted per
	salesperson), and (``require_positive``, once the plan is compiled) at least one target above zero."""
	problems = []
	seen = {}
	for row in rows:
		period = parse_period(period_type, row.period)
		if not period:
			problems.append(TargetProblem(row.idx, "period", "period_format", row.period))
		elif str(period.year) != str(fiscal_year).strip():
			problems.append(TargetProblem(row.idx, "period", "outside_year", row.period))
		else:
			key = (row.sales_person, row.product or None, period.label)
			if key in seen:
				problems.append(TargetProblem(row.idx, "period", "duplicate", seen[key]))
			else:
				seen[key] = row.idx
		values = {fieldname: getattr(row, fieldname) for fieldname in TARGET_FIELDS}
		negative = [f for f, v in values.items() if to_decimal(v) < 0]
		problems.extend(TargetProblem(row.idx, f, "negative", values[f]) for f in negative)
		if row.product:
			problems.extend(
				TargetProblem(row.idx, f, "product_orders_only", values[f])
				for f in ("target_collection_amount", "target_new_customers")
				if to_decimal(values[f]) > 0
			)
		if require_positive and not negative and all(to_decimal(v) == 0 for v in values.values()):
			problems.append(TargetProblem(row.idx, "target_order_amount", "empty", 0))
	return problems


def compiled_target(previous_actual: object, growth_factor: object) -> float:
	"""An empty target compiled from history: last comparable period's actual × the growth factor."""
	factor = to_decimal(growth_factor) if to_decimal(growth_factor) > 0 else 1
	return round_to(to_decimal(previous_actual) * factor)


def completion(actual: object, target: object) -> float:
	"""Actual as % of target, uncapped (120 % is an over-achievement); 0 when there is no target."""
	target = to_decimal(target)
	if target <= 0:
		return 0.0
	return round_to(to_decimal(actual) / target * 100)


def first_orders(orders) -> dict[str, tuple]:
	"""Each customer's first submitted order: ``orders`` holds ``(customer, sales_person, order_date, name)``
	per submitted order, in any order; the first is the earliest order date, then the lowest name (two orders
	of one day). The answer maps a customer to that order's ``(order_date, name, sales_person)``: what the
	customer keeps (``sales_crm.kept.FIRSTS``)."""
	found: dict[str, tuple] = {}
	for customer, person, day, name in orders:
		if comes_first(day, name, found[customer][:2] if customer in found else None):
			found[customer] = (day, name, person)
	return found


def comes_first(day, name: str, kept: tuple | None) -> bool:
	"""Whether a document of ``day`` named ``name`` comes before ``kept`` (the ``(day, name)`` of the first
	kept so far; None: none yet): the earlier day, then, on one day, the lower name. What a record keeps
	(``sales_crm.kept.FIRSTS``) is compared by this; ``kept.refresh_firsts`` finds the same in SQL."""
	return kept is None or (day, name) < tuple(kept)


def new_customers(orders, start, end) -> dict[str, set]:
	"""The new customers per salesperson in [start, end]: a customer is new in the period in which their
	first submitted order (``first_orders``) falls, and counts once, for that order's salesperson (two
	salespeople with orders on the customer's first day do not both count them: the new customers of a team
	add up to the customers it won). The report reads the same from what customers keep."""
	found: dict[str, set] = {}
	for customer, (day, _name, person) in first_orders(orders).items():
		if start <= day <= end:
			found.setdefault(person, set()).add(customer)
	return found
