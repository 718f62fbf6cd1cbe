"""Amounts in Chinese financial capitals (人民币大写), as printed on quotations, contracts and receipts.

	rmb_upper(1200)      -> "壹仟贰佰元整"
	rmb_upper(1234.56)   -> "壹仟贰佰叁拾肆元伍角陆分"
	rmb_upper(0.05)      -> "伍分"
	rmb_upper(100010)    -> "壹拾万零壹拾元整"

Plain Python, no Frappe: the print formats call it through the ``jinja`` hook.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")  # inside a group of four digits
GROUPS = ("", "万", "亿", "万亿")  # 10^0, 10^4, 10^8, 10^12
MAX_AMOUNT = Decimal(10) ** 16  # up to 9999万亿 and change


def rmb_upper(amount) -> str:
	"""The amount in financial capitals, rounded to the fen (half up); negative amounts are refused."""
	value = _to_decimal(amount)
	if value < 0:
		raise ValueError(f"rmb_upper: a negative amount has no capital form: {amount!r}")
	fen_total = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
	if fen_total >= MAX_AMOUNT * 100:
		raise ValueError(f"rmb_upper: amount too large: {amount!r}")
	yuan, cents = divmod(fen_total, 100)
	jiao, fen = divmod(cents, 10)

	if yuan == 0 and cents == 0:
		return "零元整"

	words = _integer_words(yuan) + "元" if yuan else ""
	if cents == 0:
		return words + "整"
	if jiao:
		words += DIGITS[jiao] + "角"
	elif yuan:
		words += "零"  # 1.05 -> 壹元零伍分
	if fen:
		words += DIGITS[fen] + "分"
	return words


def _to_decimal(amount) -> Decimal:
	if isinstance(amount, bool) or amount is None:
		raise TypeError(f"rmb_upper: not an amount: {amount!r}")
	try:
		value = Decimal(str(amount).strip().replace(",", ""))
	except InvalidOperation:
		raise TypeError(f"rmb_upper: not an amount: {amount!r}") from None
	if not value.is_finite():
		raise TypeError(f"rmb_upper: not an amount: {amount!r}")
	return value


def _integer_words(number: int) -> str:
	"""A positive integer in capitals: groups of four digits, a single 零 for each run of zeros."""
	groups = []
	while number:
		number, group = divmod(number, 10000)
		groups.append(group)

	words = ""
	pending_zero = False
	for index in range(len(groups) - 1, -1, -1):
		group = groups[index]
		if group == 0:
			pending_zero = bool(words)
			continue
		if words and (pending_zero or group < 1000):
			words += "零"
		words += _group_words(group) + GROUPS[index]
		pending_zero = False
	return words


def _group_words(group: int) -> str:
	"""1..9999 in capitals, inner zeros collapsed (1001 -> 壹仟零壹, 1010 -> 壹仟零壹拾)."""
	digits = [int(d) for d in f"{group:04d}"]
	words = ""
	zero = False
	for position, digit in enumerate(digits):
		unit = UNITS[3 - position]
		if digit == 0:
			zero = bool(words)
			continue
		if zero:
			words += "零"
			zero = False
		words += DIGITS[digit] + unit
	return words
