"""Duplicate-matching keys: what makes two leads or customers the same company, as plain strings.

The keys are stored on write in indexed columns of Sales Lead and Sales Customer, so that matching is a
handful of index lookups instead of a scan of both tables (``sales_crm.flows.leads``).

- ``company_key``: the name folded for width (NFKC: full-width letters, digits and brackets become
  their ASCII forms), case (casefold), spacing and punctuation (only letters, digits and marks are
  kept), with trailing legal-form words dropped: 股份有限公司, 有限责任公司, 有限公司, 公司 and the
  English tokens Co, Ltd, Limited, Inc, Corp, Corporation, Company, LLC, PLC. So
  "北京华为科技有限公司", "北京华为科技 有限责任公司" and "ＢＥＩＪＩＮＧ　华为科技公司" share a key with
  "北京华为科技" once the letters match; "Wuxi Valve Co., Ltd." and "WUXI VALVE" share "wuxivalve".
  A name that is nothing but a legal form keeps it ("有限公司" → "有限公司"); nothing but punctuation
  has no key.
- ``phone_key``: the digits of a number (full-width digits count), cut at an extension ("ext", "x",
  "转", "#"). A Chinese number written internationally (+86, 0086, or 86 before an 11-digit mobile)
  takes its domestic form: "+86 138-0013-8000" → "13800138000", "+86 10 8888 6666" → "01088886666",
  the same as "010-88886666". Other international numbers keep their country code behind "+".
  Fewer than 5 digits is no number ("n/a", "-", "0").
- ``email_key``: the address folded for width, trimmed and lower-cased.
"""

import re
import unicodedata

CHINESE_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "公司")
ENGLISH_LEGAL_FORMS = frozenset(
	("co", "ltd", "limited", "inc", "corp", "corporation", "company", "llc", "plc")
)
MIN_PHONE_DIGITS = 5
_EXTENSION = re.compile(r"(ext\.?|x|转|#)", re.IGNORECASE)


def fold_width(value):
	"""Full-width letters, digits and signs as their ASCII forms (NFKC); other values as they are."""
	return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def _fold(value) -> str:
	if value is None:
		return ""
	return unicodedata.normalize("NFKC", str(value)).casefold().strip()


def _tokens(text: str) -> list[str]:
	"""Runs of letters, digits and combining marks; everything else separates."""
	tokens, current = [], []
	for char in text:
		if unicodedata.category(char)[0] in "LNM":
			current.append(char)
		elif current:
			tokens.append("".join(current))
			current = []
	if current:
		tokens.append("".join(current))
	return tokens


def _strip_legal_forms(tokens: list[str]) -> str:
	tokens = list(tokens)
	changed = True
	while changed and tokens:
		changed = False
		while tokens and tokens[-1] in ENGLISH_LEGAL_FORMS:
			tokens.pop()
			changed = True
		if not tokens:
			break
		last = tokens[-1]
		for form in CHINESE_LEGAL_FORMS:  # longest first: the first that ends the name is the one
			if last.endswith(form):
				if len(last) > len(form):
					tokens[-1] = last[: -len(form)]
					changed = True
				else:
					tokens.pop()
					changed = True
				break
	return "".join(tokens)


def company_key(name) -> str | None:
	tokens = _tokens(_fold(name))
	if not tokens:
		return None
	return _strip_legal_forms(tokens) or "".join(tokens)  # a name that is only a legal form keeps it


def phone_key(number) -> str | None:
	text = _fold(number)
	if not text:
		return None
	text = _EXTENSION.split(text, maxsplit=1)[0]
	digits = "".join(char for char in text if char.isdigit() and char.isascii())
	international = text.lstrip().startswith("+")
	if digits.startswith("00"):
		digits, international = digits[2:], True
	if len(digits) < MIN_PHONE_DIGITS:
		return None
	if not international and len(digits) == 13 and digits.startswith("861"):
		international = True  # 86 written before a mobile number, without the +
	if international:
		if not digits.startswith("86"):
			return "+" + digits
		national = digits[2:]
		if national.startswith("0"):
			national = national[1:]  # "+86 (0)10 …"
		digits = national if national.startswith("1") and len(national) == 11 else "0" + national
	return digits if len(digits) >= MIN_PHONE_DIGITS else None


def email_key(address) -> str | None:
	text = _fold(address)
	return text or None


def lead_keys(company_name=None, phone=None, mobile=None, email=None) -> dict:
	"""The keys of a lead or customer: ``company_key``, ``phone_keys`` (distinct, in order), ``email_key``."""
	phones = []
	for number in (phone, mobile):
		key = phone_key(number)
		if key and key not in phones:
			phones.append(key)
	return {"company_key": company_key(company_name), "phone_keys": phones, "email_key": email_key(email)}
