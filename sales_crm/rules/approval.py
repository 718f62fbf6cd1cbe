"""When a contract or an order needs a Sales Director's approval, and what exactly was approved.

Pure functions: the Frappe side (``sales_crm.controllers.selling``) passes the drift it found between
the document and its source (``sales_crm.chain.drift``), the rates, and the terms to fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from sales_crm.rules.pricing import to_decimal

NO_SOURCE = "no_source"
DRIFT = "drift"
COMMISSION_RATE = "commission_rate"


def approval_reasons(
	has_source: bool, drift: list[tuple], commission_rate: object = None, policy_rate: object = None
) -> list[tuple]:
	"""Why a document needs a director: ``(NO_SOURCE,)`` when nothing approved stands behind it,
	``(DRIFT, row idx or None, fieldname, value, source value)`` per departure from its approved source,
	``(COMMISSION_RATE, rate, policy rate)`` when the commission rate is not the policy's. Empty: none."""
	reasons: list[tuple] = []
	if not has_source:
		reasons.append((NO_SOURCE,))
	reasons += [(DRIFT, *item) for item in drift]
	if commission_rate is not None and not same_rate(commission_rate, policy_rate):
		reasons.append((COMMISSION_RATE, commission_rate, policy_rate))
	return reasons


def same_rate(rate: object, other: object) -> bool:
	return abs(to_decimal(rate or 0) - to_decimal(other or 0)) < Decimal("0.0000005")


def terms_fingerprint(header: dict, rows: list[dict]) -> str:
	"""A digest of the terms a director approved: any later change to them gives another digest."""

	def norm(value):
		if isinstance(value, bool) or value is None:
			return value
		if isinstance(value, int | float | Decimal):
			return format(to_decimal(value).normalize(), "f")
		return str(value)

	payload = {
		"header": {k: norm(v) for k, v in sorted(header.items())},
		"rows": [{k: norm(v) for k, v in sorted(row.items())} for row in rows],
	}
	return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]
