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
