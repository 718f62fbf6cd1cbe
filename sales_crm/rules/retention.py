"""Customer retention (客户保持): who bought in one period and not the next, who is new, who came back.
Plain code, no Frappe.

Two consecutive periods, *previous* and *current*. A customer (or a customer's site) is
- **Retained**: bought in both;
- **Lost**: bought in the previous period, not in the current one;
- **Returning**: bought before the previous period, not in it, and again in the current one;
- **New**: bought for the first time in the current period.
"""

from __future__ import annotations

RETAINED, LOST, RETURNING, NEW = "Retained", "Lost", "Returning", "New"
CATEGORIES = (RETAINED, LOST, RETURNING, NEW)


def classify(previous: bool, current: bool, before: bool) -> str | None:
	"""The category of a customer who bought in the ``previous`` / ``current`` period and ``before`` the
	previous one; ``None`` when they bought in neither period."""
	if previous and current:
		return RETAINED
	if previous:
		return LOST
	if current:
		return RETURNING if before else NEW
	return None


def unsited_merged(rows):
	"""Per-site figures ``(customer, site, previous orders, previous amount, current orders, current amount,
	last order before)`` in customer order, with the orders of no site under both an empty and a missing site
	(one customer's two groups, next to each other) added up into one row of site ``""``: the orders with no
	site are one site, as ``COALESCE(site, '')`` groups them, while the query groups by the bare column so that
	it reads an index in its order."""
	pending = None
	for row in rows:
		if row[1]:
			if pending is not None:
				yield pending
				pending = None
			yield row
			continue
		if pending is not None and pending[0] == row[0]:
			before = [day for day in (pending[6], row[6]) if day is not None]
			pending = (
				row[0],
				"",
				*(a + b for a, b in zip(pending[2:6], row[2:6], strict=True)),
				max(before) if before else None,
			)
			continue
		if pending is not None:
			yield pending
		pending = (row[0], "", *row[2:])
	if pending is not None:
		yield pending


def revenue(category: str, previous_amount, current_amount):
	"""What a customer of ``category`` weighs: a lost customer's previous-period amount (the revenue lost),
	anyone else's current-period amount."""
	return previous_amount if category == LOST else current_amount


def rates(counts: dict[str, int]) -> dict[str, float]:
	"""From the customers per category: the retention rate (retained ÷ the previous period's customers),
	the churn rate (lost ÷ the previous period's customers) and the repeat-purchase rate (the current
	period's customers who had bought before — retained and returning — ÷ the current period's customers),
	in %, 0 when there is nobody to divide by."""
	previous = counts.get(RETAINED, 0) + counts.get(LOST, 0)
	current = counts.get(RETAINED, 0) + counts.get(RETURNING, 0) + counts.get(NEW, 0)

	def pct(part, whole):
		return round(part / whole * 100, 2) if whole else 0.0

	return {
		"retention_rate": pct(counts.get(RETAINED, 0), previous),
		"churn_rate": pct(counts.get(LOST, 0), previous),
		"repeat_purchase_rate": pct(counts.get(RETAINED, 0) + counts.get(RETURNING, 0), current),
	}
