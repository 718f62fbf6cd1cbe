"""Payment plans (回款计划): a document's grand total split into dated instalments, and what was collected
set against them.

Plain numbers in, plain numbers out (no Frappe). Amounts are ``Decimal`` rounded to the currency's precision
the way ``rules.pricing`` rounds, so a plan adds up to the grand total to the last cent: the rounding
difference always lands on the last share line.

- A term is either a share (%) or a fixed amount. Fixed amounts are taken first; the share lines split
  what remains, so their shares sum to 100 % (with no fixed amount: of the grand total).
- A line's due date is its base date plus ``days``: the signing date, the delivery date or the invoice date
  (``DUE_RULES``). A base date not known yet leaves the due date empty until that event happens.
- Collections settle the lines oldest due first (undated lines last, in their order).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from sales_crm.rules.pricing import Problem, round_to, to_decimal

SIGNING, DELIVERY, INVOICE = "Days After Signing", "Days After Delivery", "Days After Invoice"
DUE_RULES = (SIGNING, DELIVERY, INVOICE)
PLANNED, PARTLY_RECEIVED, RECEIVED, OVERDUE = "Planned", "Partly Received", "Received", "Overdue"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Term:
	"""A template row or a plan line as typed: ``share`` (%) or ``amount``, and when it falls due."""

	label: str
	share: object = None
	amount: object = None
	due_rule: str = SIGNING
	days: int = 0
	idx: int | None = None

	@property
	def is_share(self) -> bool:
		return to_decimal(self.share) > 0


@dataclass(frozen=True)
class Line:
	label: str
	share: float
	amount: float
	due_rule: str
	days: int
	due_date: date | None


def check_terms(terms: list[Term], total: object | None = None) -> list[Problem]:
	"""What is wrong with a template (``total`` None) or a plan's terms: each row a share or an amount,
	never negative, the days not negative, a known due rule, shares 0–100 summing to 100 %."""
	problems = []
	for term in terms:
		share, amount = to_decimal(term.share), to_decimal(term.amount)
		if share < 0 or share > HUNDRED:
			problems.append(Problem("share", "percent", term.share, term.idx))
		if amount < 0:
			problems.append(Problem("amount", "non_negative", term.amount, term.idx))
		if share > 0 and amount > 0 and total is None:
			problems.append(Problem("share", "share_or_amount", term.share, term.idx))
		if share <= 0 and amount <= 0:
			problems.append(Problem("amount", "positive", term.amount, term.idx))
		if int(term.days or 0) < 0:
			problems.append(Problem("days", "non_negative", term.days, term.idx))
		if term.due_rule not in DUE_RULES:
			problems.append(Problem("due_rule", "due_rule", term.due_rule, term.idx))
	shares = [to_decimal(t.share) for t in terms if t.is_share]
	if shares and sum(shares) != HUNDRED:
		problems.append(Problem("share", "shares_sum", f"{sum(shares).normalize():f}%"))
	return problems


def split(terms: list[Term], total: object, precision: int = 2) -> list[float]:
	"""Each term's amount: fixed amounts as they are, shares of what they leave, the rounding difference on
	the last share line, so that the amounts sum to ``total`` exactly (when the terms are valid). Share lines
	are cut down to the cent, never rounded up, so the last one never goes below zero."""
	total = to_decimal(total)
	quantum = Decimal(1).scaleb(-precision)
	amounts = [
		Decimal(0) if t.is_share else Decimal(str(round_to(to_decimal(t.amount), precision))) for t in terms
	]
	rest = total - sum(amounts, Decimal(0))
	amounts = [
		(rest * to_decimal(t.share) / HUNDRED).quantize(quantum, rounding=ROUND_DOWN) if t.is_share else a
		for t, a in zip(terms, amounts, strict=True)
	]
	share_rows = [i for i, t in enumerate(terms) if t.is_share]
	if share_rows:
		amounts[share_rows[-1]] += total - sum(amounts, Decimal(0))
	return [float(a) for a in amounts]


def due_date(rule: str, days: int, base_dates: dict[str, date | None]) -> date | None:
	"""The base date of ``rule`` plus ``days``; None while the base date is not known."""
	base = base_dates.get(rule)
	return base + timedelta(days=int(days or 0)) if base else None


def generate(
	terms: list[Term], total: object, precision: int, base_dates: dict[str, date | None]
) -> list[Line]:
	"""A plan from a template's terms for a document of ``total``."""
	return [
		Line(
			t.label,
			float(to_decimal(t.share)),
			amount,
			t.due_rule,
			int(t.days or 0),
			due_date(t.due_rule, t.days, base_dates),
		)
		for t, amount in zip(terms, split(terms, total, precision), strict=True)
	]


def sums_to(amounts: Iterable[object], total: object, precision: int = 2) -> bool:
	"""Whether the lines add up to the total at the currency's precision."""
	quantum = Decimal(1).scaleb(-precision)
	got = sum((to_decimal(a) for a in amounts), Decimal(0)).quantize(quantum)
	return got == to_decimal(total).quantize(quantum)


def line_status(amount: object, received: object, due: date | None, today: date) -> str:
	outstanding = to_decimal(amount) - to_decimal(received)
	if outstanding <= 0:
		return RECEIVED
	if due and due < today:
		return OVERDUE
	return PARTLY_RECEIVED if to_decimal(received) > 0 else PLANNED


@dataclass(frozen=True)
class Settled:
	received: float
	outstanding: float
	status: str


def settle(
	lines: list[tuple[object, object, date | None]],
	collected: object,
	today: date,
	named: list[object] | None = None,
) -> list[Settled]:
	"""``lines``: ``(amount, due date, idx)`` in plan order; ``collected`` settles them. What receipts
	named a line for (``named``, per line) goes to that line first, up to its amount; the rest of
	``collected`` settles the lines oldest due first (undated last, by idx). Per line, in plan order:
	received, outstanding (= amount − received) and status."""
	left = max(to_decimal(collected), Decimal(0))
	received = [Decimal(0)] * len(lines)
	for i, claim in enumerate(named or ()):
		amount = to_decimal(lines[i][0])
		take = min(max(to_decimal(claim), Decimal(0)), max(amount, Decimal(0)), left)
		received[i] = take
		left -= take
	order = sorted(range(len(lines)), key=lambda i: (lines[i][1] is None, lines[i][1] or date.min, i))
	for i in order:
		room = to_decimal(lines[i][0]) - received[i]
		take = min(room, left) if room > 0 else Decimal(0)
		received[i] += take
		left -= take
	return [
		Settled(float(r), float(to_decimal(a) - r), line_status(a, r, due, today))
		for (a, due, _idx), r in zip(lines, received, strict=True)
	]


# --- fapiao (发票) on a receivable ----------------------------------------------------------------------

SPECIAL, ORDINARY, ELECTRONIC = "增值税专用发票", "增值税普通发票", "电子发票"
FAPIAO_DIGITS = {SPECIAL: 8, ORDINARY: 8, ELECTRONIC: 20}  # paper numbers 8 digits, 全电 numbers 20
USUAL_TAX_RATES = (0, 1, 3, 6, 9, 13)


def fapiao_problems(
	fapiao_type: str | None, fapiao_no: str | None, tax_rate: object
) -> list[tuple[str, object]]:
	"""``(rule, value)`` per broken rule: a number needs its type; the number has the type's digits; the tax
	rate is 0–100. An unusual rate is ``fapiao_unusual_rate`` (a warning, not an error)."""
	problems = []
	if fapiao_no:
		if not fapiao_type:
			problems.append(("fapiao_type_missing", fapiao_no))
		elif not (
			fapiao_no.isdigit() and fapiao_no.isascii() and len(fapiao_no) == FAPIAO_DIGITS[fapiao_type]
		):
			problems.append(("fapiao_digits", FAPIAO_DIGITS[fapiao_type]))
	if tax_rate not in (None, ""):
		rate = to_decimal(tax_rate)
		if rate < 0 or rate > HUNDRED:
			problems.append(("fapiao_rate_range", tax_rate))
		elif rate not in {Decimal(r) for r in USUAL_TAX_RATES}:
			problems.append(("fapiao_unusual_rate", tax_rate))
	return problems


# --- group robots (WeCom / DingTalk) ---------------------------------------------------------------------

WECOM, DINGTALK = "WeCom", "DingTalk"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
	"""DingTalk's 加签: base64(HMAC-SHA256(key=secret, "timestamp\\nsecret")), url-encoded."""
	import base64
	import hashlib
	import hmac
	from urllib.parse import quote_plus

	digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
	return quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str | None, timestamp_ms: int) -> str:
	"""A DingTalk robot's URL with ``timestamp`` and ``sign`` when it has a secret; the URL as it is else."""
	if not secret:
		return url
	joiner = "&" if "?" in url else "?"
	return f"{url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def robot_payload(kind: str, title: str, text: str) -> dict:
	"""A markdown message in the robot's format."""
	if kind == DINGTALK:
		return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n{text}"}}
	return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{text}"}}
