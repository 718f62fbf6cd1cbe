"""Money arithmetic of quotations, contracts and orders.

Plain numbers in, plain numbers out: nothing here imports Frappe, so the unit tests reach every rule.
Amounts are computed in ``Decimal`` and rounded to the currency's precision by the site's rounding method:
one regime with Frappe's ``flt``/``rounded``. The Frappe side (``sales_crm.rounding``) tells this module how
to read System Settings' "Rounding Method"; with no site behind it (the unit tests) it rounds half-up
(Commercial Rounding), the way an invoice is checked by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

# decimal(21,9) columns hold twelve integer digits; anything larger cannot be stored.
MAX_VALUE = Decimal("999999999999")


@dataclass(frozen=True)
class Problem:
	"""One invalid number: where it is (row ``idx`` or ``None`` for the document) and which rule it breaks."""

	fieldname: str
	rule: str  # "finite", "positive", "non_negative", "percent", "too_large"
	value: object
	idx: int | None = None


@dataclass(frozen=True)
class ItemValues:
	rate: float
	amount: float
	base_rate: float
	base_amount: float


@dataclass(frozen=True)
class Totals:
	total_qty: float
	net_total: float
	tax_amount: float
	grand_total: float
	base_net_total: float
	base_tax_amount: float
	base_grand_total: float


def to_decimal(value: object) -> Decimal:
	"""``None`` and ``""`` are zero; anything else must be a number (floats go through their repr)."""
	if value is None or value == "":
		return Decimal(0)
	if isinstance(value, bool):
		raise ValueError(f"not a number: {value!r}")
	if isinstance(value, Decimal):
		return value
	try:
		return Decimal(str(value).strip())
	except (InvalidOperation, ValueError) as e:
		raise ValueError(f"not a number: {value!r}") from e


# System Settings' "Rounding Method" options and the Decimal rounding each one is. Frappe's float code rounds
# the number's shortest repr (its epsilons exist for that), which is the Decimal this module rounds.
LEGACY_ROUNDING = "Banker's Rounding (legacy)"
ROUNDING_MODES = {
	LEGACY_ROUNDING: ROUND_HALF_EVEN,  # to whole numbers; with decimals, see decimal_rounding
	"Banker's Rounding": ROUND_HALF_EVEN,
	"Commercial Rounding": ROUND_HALF_UP,  # ties away from zero
}
DEFAULT_ROUNDING_METHOD = "Commercial Rounding"
_site_rounding_method: Callable[[], str | None] | None = None


def follow_rounding_method(source: Callable[[], str | None] | None) -> None:
	"""Round as ``source()`` names (a System Settings method); ``None``: the default, half-up."""
	global _site_rounding_method
	_site_rounding_method = source


def rounding_mode(method: str | None = None) -> str:
	"""The Decimal rounding of ``method``, else of the site's method, else half-up."""
	method = _method_name(method)
	if method not in ROUNDING_MODES:
		raise ValueError(f"unknown rounding method: {method!r}")
	return ROUNDING_MODES[method]


def decimal_rounding(mode: str, method: str | None, precision: int, value: Decimal) -> str:
	"""Frappe's legacy method breaks ties to even only for whole numbers; with decimals it sends them up
	(towards +∞: -0.125 → -0.12), which is half-up for positives and half-down for negatives."""
	if mode == ROUND_HALF_EVEN and precision > 0 and _method_name(method) == LEGACY_ROUNDING:
		return ROUND_HALF_UP if value >= 0 else ROUND_HALF_DOWN
	return mode


def _method_name(method: str | None) -> str:
	if not method and _site_rounding_method:
		method = _site_rounding_method()
	return method or DEFAULT_ROUNDING_METHOD


def round_to(value: Decimal | float | int, precision: int = 2, method: str | None = None) -> float:
	quantum = Decimal(1).scaleb(-precision)
	number = to_decimal(value)
	rounding = decimal_rounding(rounding_mode(method), method, precision, number)
	return float(number.quantize(quantum, rounding=rounding))


def _number_problem(fieldname: str, value: object, idx: int | None) -> tuple[Decimal | None, Problem | None]:
	try:
		number = to_decimal(value)
	except ValueError:
		return None, Problem(fieldname, "finite", value, idx)
	if not number.is_finite():
		return None, Problem(fieldname, "finite", value, idx)
	if abs(number) > MAX_VALUE:
		return None, Problem(fieldname, "too_large", value, idx)
	return number, None


def check_positive(fieldname: str, value: object, idx: int | None = None) -> Problem | None:
	number, problem = _number_problem(fieldname, value, idx)
	if problem:
		return problem
	return None if number > 0 else Problem(fieldname, "positive", value, idx)


def check_non_negative(fieldname: str, value: object, idx: int | None = None) -> Problem | None:
	number, problem = _number_problem(fieldname, value, idx)
	if problem:
		return problem
	return None if number >= 0 else Problem(fieldname, "non_negative", value, idx)


def check_percent(fieldname: str, value: object, idx: int | None = None) -> Problem | None:
	number, problem = _number_problem(fieldname, value, idx)
	if problem:
		return problem
	return None if 0 <= number <= 100 else Problem(fieldname, "percent", value, idx)


def check_item(
	idx: int, qty: object, price_list_rate: object, discount_percentage: object, rate: object
) -> list[Problem]:
	"""The rules of one item row: quantity > 0, rates ≥ 0, discount 0–100 %."""
	checks = (
		check_positive("qty", qty, idx),
		check_non_negative("price_list_rate", price_list_rate, idx),
		check_percent("discount_percentage", discount_percentage, idx),
		check_non_negative("rate", rate, idx),
	)
	return [problem for problem in checks if problem]


def check_document(tax_rate: object, exchange_rate: object) -> list[Problem]:
	"""The rules of the document's own numbers: tax 0–100 %, exchange rate > 0."""
	checks = (check_percent("tax_rate", tax_rate), check_positive("exchange_rate", exchange_rate))
	return [problem for problem in checks if problem]


def item_rate(
	price_list_rate: object, discount_percentage: object, rate: object, precision: int = 2
) -> float:
	"""The selling rate: the list price less the discount when a list price is given, else the rate as typed."""
	list_price = to_decimal(price_list_rate)
	if list_price > 0:
		return round_to(list_price * (1 - to_decimal(discount_percentage) / 100), precision)
	return round_to(to_decimal(rate), precision)


def item_values(
	qty: object,
	price_list_rate: object,
	discount_percentage: object,
	rate: object,
	exchange_rate: object = 1,
	precision: int = 2,
) -> ItemValues:
	"""Rate, amount and their company-currency twins of one row."""
	selling_rate = item_rate(price_list_rate, discount_percentage, rate, precision)
	amount = round_to(to_decimal(qty) * to_decimal(selling_rate), precision)
	fx = to_decimal(exchange_rate)
	return ItemValues(
		rate=selling_rate,
		amount=amount,
		base_rate=round_to(to_decimal(selling_rate) * fx, precision),
		base_amount=round_to(to_decimal(amount) * fx, precision),
	)


def document_totals(
	rows: Iterable[tuple[object, object]], tax_rate: object, exchange_rate: object = 1, precision: int = 2
) -> Totals:
	"""Totals from ``(qty, amount)`` rows: net total, tax on the net total, grand total, and base amounts.

	Base amounts are each converted from their document-currency figure, so that
	``base_grand_total == round(grand_total × exchange_rate)`` holds for every document.
	"""
	total_qty = Decimal(0)
	net_total = Decimal(0)
	for qty, amount in rows:
		total_qty += to_decimal(qty)
		net_total += to_decimal(amount)
	net = to_decimal(round_to(net_total, precision))
	tax = to_decimal(round_to(net * to_decimal(tax_rate) / 100, precision))
	grand = net + tax
	fx = to_decimal(exchange_rate)
	return Totals(
		total_qty=float(total_qty),
		net_total=float(net),
		tax_amount=float(tax),
		grand_total=float(grand),
		base_net_total=round_to(net * fx, precision),
		base_tax_amount=round_to(tax * fx, precision),
		base_grand_total=round_to(grand * fx, precision),
	)


def check_totals(totals: Totals) -> list[Problem]:
	"""Totals that could not be stored (a sum past twelve digits) are refused rather than truncated."""
	problems = []
	for fieldname in ("net_total", "grand_total", "base_grand_total"):
		if abs(to_decimal(getattr(totals, fieldname))) > MAX_VALUE:
			problems.append(Problem(fieldname, "too_large", getattr(totals, fieldname)))
	return problems


@dataclass(frozen=True)
class ItemInput:
	idx: int
	qty: object
	price_list_rate: object
	discount_percentage: object
	rate: object


@dataclass(frozen=True)
class PricedDocument:
	items: list[ItemValues]
	totals: Totals | None
	problems: list[Problem]


def price_document(
	items: Iterable[ItemInput], tax_rate: object, exchange_rate: object, precision: int = 2
) -> PricedDocument:
	"""Check every number of a document, then price its rows and total it.

	Either ``problems`` is empty and ``items``/``totals`` hold the figures to store, or nothing is priced.
	"""
	items = list(items)
	problems = check_document(tax_rate, exchange_rate)
	for item in items:
		problems.extend(
			check_item(item.idx, item.qty, item.price_list_rate, item.discount_percentage, item.rate)
		)
	if problems:
		return PricedDocument([], None, problems)

	values = [
		item_values(
			item.qty, item.price_list_rate, item.discount_percentage, item.rate, exchange_rate, precision
		)
		for item in items
	]
	for item, value in zip(items, values, strict=True):
		if abs(to_decimal(value.amount)) > MAX_VALUE:
			problems.append(Problem("amount", "too_large", value.amount, item.idx))
	if problems:
		return PricedDocument([], None, problems)

	totals = document_totals(
		((item.qty, value.amount) for item, value in zip(items, values, strict=True)),
		tax_rate,
		exchange_rate,
		precision,
	)
	problems = check_totals(totals)
	if problems:
		return PricedDocument([], None, problems)
	return PricedDocument(values, totals, [])
