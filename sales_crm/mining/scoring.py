"""Scores of every key of a purchase summary: BG/NBD expectations, 12-month CLV, RFM scores and segments,
and a churn score with its risk tier.

**RFM scores** are quintiles, 1 (worst) to 5 (best): a key's score is 1 + ⌊5 × the share of keys strictly
worse than it⌋, so equal values always share a score and a value most keys share (one purchase, say)
scores low instead of being spread across scores by an arbitrary tie-break.
- R: days since the last purchase-day (fewer is better);
- F: purchase-days (``orders``);
- M: mean amount per purchase-day (``total / orders``; ``monetary`` is 0 for one-time buyers).

**Segments** read R against FM = ⌈(F + M) / 2⌉ (how much a key is worth, whether by buying often or by
buying big), on this grid — every one of the 125 (R, F, M) combinations falls in exactly one cell:

=====  =================  =================  =================  ===============  =================
R \\ FM 1                  2                  3                  4                5
=====  =================  =================  =================  ===============  =================
5      New                Potential Loyalist Potential Loyalist Champions        Champions
4      Promising          Potential Loyalist Potential Loyalist Loyal            Champions
3      Need Attention     Need Attention     Need Attention     Loyal            Loyal
2      Hibernating        Hibernating        At Risk            At Risk          Cannot Lose Them
1      Lost               Lost               At Risk            At Risk          Cannot Lose Them
=====  =================  =================  =================  ===============  =================

**Churn score** = exp(-E[purchase-days in the next 365 days | history]): the chance of a silent year if
the customer's expected purchases (BG/NBD's conditional expectation) arrived as a Poisson process.
P(alive) alone cannot rank one-time buyers: under BG/NBD nobody drops out without buying again, so every
one-time buyer has P(alive) = 1, the same as the best customer; the expectation weighs both whether a
customer is still there and, if so, how fast they buy, so a one-time buyer of long ago scores high.
The model's exact P(no purchase) (``bgnbd.p_no_purchase``) was the first candidate, but it ranks and fits
worse out of sample. On CDNOW's 39-week holdout, for "does not buy": exact P(no purchase in 365 days) AUC
0.753 (0.757 over the holdout's own 39 weeks, Brier 0.161), against 0.773 for exp(-E[X]) (Brier 0.160).
The Gamma prior of the purchase rate puts much mass near 0, which the exact probability follows and the
holdout does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sales_crm.mining import bgnbd as bg
from sales_crm.mining.bgnbd import BGNBD
from sales_crm.mining.gamma_gamma import GammaGamma, expected_spend, population_mean
from sales_crm.mining.purchases import Summary

CHAMPIONS = "Champions"
LOYAL = "Loyal"
POTENTIAL_LOYALIST = "Potential Loyalist"
NEW = "New"
PROMISING = "Promising"
NEED_ATTENTION = "Need Attention"
AT_RISK = "At Risk"
CANNOT_LOSE_THEM = "Cannot Lose Them"
HIBERNATING = "Hibernating"
LOST = "Lost"
SEGMENT_NAMES = (
	CHAMPIONS,
	LOYAL,
	POTENTIAL_LOYALIST,
	NEW,
	PROMISING,
	NEED_ATTENTION,
	AT_RISK,
	CANNOT_LOSE_THEM,
	HIBERNATING,
	LOST,
)

# R score -> the segment of FM scores 1..5 (the grid of the module's docstring)
SEGMENT_GRID = {
	5: (NEW, POTENTIAL_LOYALIST, POTENTIAL_LOYALIST, CHAMPIONS, CHAMPIONS),
	4: (PROMISING, POTENTIAL_LOYALIST, POTENTIAL_LOYALIST, LOYAL, CHAMPIONS),
	3: (NEED_ATTENTION, NEED_ATTENTION, NEED_ATTENTION, LOYAL, LOYAL),
	2: (HIBERNATING, HIBERNATING, AT_RISK, AT_RISK, CANNOT_LOSE_THEM),
	1: (LOST, LOST, AT_RISK, AT_RISK, CANNOT_LOSE_THEM),
}


def fm_score(f: int, m: int) -> int:
	return (f + m + 1) // 2


# every (R, F, M) score pattern -> its segment
SEGMENTS: dict[tuple[int, int, int], str] = {
	(r, f, m): SEGMENT_GRID[r][fm_score(f, m) - 1]
	for r in range(1, 6)
	for f in range(1, 6)
	for m in range(1, 6)
}

# churn tiers: P(no purchase in a year) of at least CHURN_HIGH is High, of at least CHURN_MEDIUM Medium.
# A customer more likely silent than not for a whole year is being lost; one with a 40 % chance of a silent
# year is worth a call before that.
CHURN_HIGH = 0.7
CHURN_MEDIUM = 0.4
LOW, MEDIUM, HIGH = "Low", "Medium", "High"

WEEKS_90 = 90 / 7
WEEKS_365 = 365 / 7
CLV_WEEKS = 52
CLV_MONTHS = 12


@dataclass
class Scores:
	"""Arrays aligned with the summary's keys."""

	p_alive: np.ndarray
	expected_90: np.ndarray  # expected purchase-days in the next 90 days
	expected_365: np.ndarray  # … in the next 365 days
	clv: np.ndarray  # expected purchase-days in 52 weeks × expected amount per purchase, discounted
	spend: np.ndarray  # the expected amount per purchase used in ``clv``
	r_score: np.ndarray
	f_score: np.ndarray
	m_score: np.ndarray
	segment: list[str]
	churn_score: np.ndarray  # exp(-expected_365): P(a silent year) if purchases were Poisson
	churn_risk: list[str]


def quintile_scores(values, higher_is_better: bool = True) -> np.ndarray:
	"""1 + ⌊5 × share of values strictly worse⌋, as ints 1-5."""
	v = np.asarray(values, dtype=float)
	n = len(v)
	if not n:
		return np.zeros(0, dtype=int)
	if not higher_is_better:
		v = -v
	worse = np.searchsorted(np.sort(v), v, side="left")
	return np.minimum(5, 1 + (5 * worse) // n).astype(int)


def segment(r: int, f: int, m: int) -> str:
	return SEGMENTS[(int(r), int(f), int(m))]


def churn_tier(score: float) -> str:
	if score >= CHURN_HIGH:
		return HIGH
	if score >= CHURN_MEDIUM:
		return MEDIUM
	return LOW


def _spend(summary: Summary, gg: GammaGamma | None) -> np.ndarray:
	"""Expected amount per purchase: Gamma-Gamma's where it gives a finite positive figure, else the key's
	own mean amount per purchase-day."""
	own = np.divide(summary.total, summary.orders, out=np.zeros(len(summary)), where=summary.orders > 0)
	if gg is None or not np.isfinite(population_mean(gg)):
		return own
	with np.errstate(divide="ignore", invalid="ignore"):
		modelled = expected_spend(gg, summary.frequency, summary.monetary)
	return np.where(np.isfinite(modelled) & (modelled > 0), modelled, own)


def _expected_clv_purchases(bgnbd: BGNBD, summary: Summary, discount_rate: float) -> np.ndarray:
	"""Expected purchases in CLV_WEEKS, month by month discounted at ``discount_rate`` a year (the plain
	52-week expectation when the rate is 0)."""
	x, t_x, T = summary.frequency, summary.recency, summary.T
	if not discount_rate:
		return bg.expected_purchases(bgnbd, CLV_WEEKS, x, t_x, T)
	step = CLV_WEEKS / CLV_MONTHS
	total = np.zeros(len(summary))
	before = np.zeros(len(summary))
	for month in range(1, CLV_MONTHS + 1):
		upto = bg.expected_purchases(bgnbd, month * step, x, t_x, T)
		total += (upto - before) / (1 + discount_rate) ** (month / CLV_MONTHS)
		before = upto
	return total


def score(summary: Summary, bgnbd: BGNBD, gg: GammaGamma | None, discount_rate: float = 0.0) -> Scores:
	x, t_x, T = summary.frequency, summary.recency, summary.T
	alive = bg.p_alive(bgnbd, x, t_x, T)
	spend = _spend(summary, gg)
	expected_365 = bg.expected_purchases(bgnbd, WEEKS_365, x, t_x, T)
	churn = np.exp(-expected_365)
	mean_amount = np.divide(
		summary.total, summary.orders, out=np.zeros(len(summary)), where=summary.orders > 0
	)
	r = quintile_scores(T - t_x, higher_is_better=False)
	f = quintile_scores(summary.orders)
	m = quintile_scores(mean_amount)
	segments = [
		SEGMENT_GRID[ri][fm_score(fi, mi) - 1]
		for ri, fi, mi in zip(r.tolist(), f.tolist(), m.tolist(), strict=True)
	]
	return Scores(
		p_alive=alive,
		expected_90=bg.expected_purchases(bgnbd, WEEKS_90, x, t_x, T),
		expected_365=expected_365,
		clv=_expected_clv_purchases(bgnbd, summary, discount_rate) * spend,
		spend=spend,
		r_score=r,
		f_score=f,
		m_score=m,
		segment=segments,
		churn_score=churn,
		churn_risk=[churn_tier(value) for value in churn.tolist()],
	)
