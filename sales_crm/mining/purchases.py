"""Purchase histories summarised the way BG/NBD and Gamma-Gamma read them.

A *purchase* is one key (customer or site) on one day: the order lines and orders of a key on the same day
are one purchase of their summed amount. Several orders on one day are one buying decision far more often
than several, and the models count decisions (the published CDNOW figures are fitted this way). Times are
in weeks (days / 7).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np


@dataclass
class Summary:
	"""One entry per key, arrays aligned with ``keys`` (sorted)."""

	keys: list[str]
	frequency: np.ndarray  # repeat purchase-days in calibration (purchase-days - 1)
	recency: np.ndarray  # weeks between the first and the last purchase-day
	T: np.ndarray  # weeks between the first purchase-day and the end of calibration
	monetary: np.ndarray  # mean amount of the repeat purchase-days (0 when frequency == 0)
	first: list[date]
	last: list[date]
	orders: np.ndarray  # purchase-days in calibration (frequency + 1)
	total: np.ndarray  # total amount in calibration

	def __len__(self) -> int:
		return len(self.keys)


def as_date(day) -> date:
	"""A date from a date, a datetime or an ISO string (what database drivers and JSON hand over)."""
	if isinstance(day, datetime):
		return day.date()
	if isinstance(day, date):
		return day
	return date.fromisoformat(str(day)[:10])


def _purchase_days(rows: Iterable, start: date | None, end: date):
	"""Key codes, day ordinals and summed amounts of the distinct (key, day) pairs in [start, end], sorted by
	key then day, and the sorted keys."""
	last = end.toordinal()
	first = start.toordinal() if start else None
	keys: list[str] = []
	days: list[int] = []
	amounts: list[float] = []
	for key, day, amount in rows:
		ordinal = as_date(day).toordinal()
		if ordinal > last or (first is not None and ordinal < first):
			continue
		keys.append(str(key))
		days.append(ordinal)
		amounts.append(float(amount or 0))
	if not keys:
		return [], np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
	names, codes = np.unique(np.array(keys, dtype=object).astype(str), return_inverse=True)
	del keys
	day_array = np.asarray(days, dtype=np.int64)
	# one integer per (key, day): unique sorts by key, then by day
	span = int(day_array.max()) + 1
	pair, inverse = np.unique(codes.astype(np.int64) * span + day_array, return_inverse=True)
	summed = np.bincount(inverse, weights=np.asarray(amounts, dtype=float), minlength=len(pair))
	return names.tolist(), pair // span, pair % span, summed


def summarise(rows: Iterable, end: date) -> Summary:
	"""The calibration summary of ``rows`` — ``(key, day, amount)``, one per order line or order — up to and
	including ``end``; rows after ``end`` are ignored."""
	end = as_date(end)
	names, code, day, amount = _purchase_days(rows, None, end)
	n = len(names)
	orders = np.bincount(code, minlength=n).astype(float)
	total = np.bincount(code, weights=amount, minlength=n)
	# the pairs are sorted by key then day: each key's first and last pair bound its block
	starts = np.searchsorted(code, np.arange(n), side="left")
	ends = np.searchsorted(code, np.arange(n), side="right") - 1
	first_day = day[starts] if n else np.zeros(0, np.int64)
	last_day = day[ends] if n else np.zeros(0, np.int64)
	frequency = orders - 1
	repeat_amount = total - (amount[starts] if n else np.zeros(0))
	monetary = np.divide(repeat_amount, frequency, out=np.zeros(n), where=frequency > 0)
	return Summary(
		keys=names,
		frequency=frequency,
		recency=(last_day - first_day) / 7.0,
		T=(end.toordinal() - first_day) / 7.0,
		monetary=monetary,
		first=[date.fromordinal(int(d)) for d in first_day],
		last=[date.fromordinal(int(d)) for d in last_day],
		orders=orders,
		total=total,
	)


def holdout_counts(rows: Iterable, start: date, end: date) -> dict[str, int]:
	"""Purchase-days per key with ``start <= day <= end`` (keys with none are absent)."""
	names, code, _day, _amount = _purchase_days(rows, as_date(start), as_date(end))
	counts = np.bincount(code, minlength=len(names))
	return {name: int(count) for name, count in zip(names, counts, strict=True)}


def from_totals(keys: list[str], days, first, last, total, first_amount, end: date) -> Summary:
	"""The calibration summary up to ``end`` from per-key figures the database aggregated: purchase-days up
	to ``end``, the ordinals of the first and of the last of them, their summed amount, and the amount of the
	first purchase-day. Keys with no purchase-day up to ``end`` are left out. Equal to ``summarise`` of the
	same purchases (a unit test holds them together); it reads a row per key instead of a row per purchase."""
	days = np.asarray(days, dtype=float)
	keep = days > 0
	orders = days[keep]
	first_day = np.asarray(first, dtype=np.int64)[keep]
	last_day = np.asarray(last, dtype=np.int64)[keep]
	total = np.asarray(total, dtype=float)[keep]
	frequency = orders - 1
	repeat_amount = total - np.asarray(first_amount, dtype=float)[keep]
	monetary = np.divide(repeat_amount, frequency, out=np.zeros(len(orders)), where=frequency > 0)
	names = [key for key, kept in zip(keys, keep.tolist(), strict=True) if kept]
	order = (
		np.argsort(np.array(names, dtype=object).astype(str), kind="stable") if names else np.zeros(0, int)
	)
	names = [names[i] for i in order.tolist()]
	first_day, last_day = first_day[order], last_day[order]
	return Summary(
		keys=names,
		frequency=frequency[order],
		recency=(last_day - first_day) / 7.0,
		T=(as_date(end).toordinal() - first_day) / 7.0,
		monetary=monetary[order],
		first=[date.fromordinal(int(d)) for d in first_day.tolist()],
		last=[date.fromordinal(int(d)) for d in last_day.tolist()],
		orders=orders[order],
		total=total[order],
	)
