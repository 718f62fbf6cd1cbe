"""The mining models on real data: the CDNOW sample of Fader, Hardie & Lee (2005), whose published
parameters come from exactly these purchases summarised as one purchase per customer-day, in weeks.

Calibration: 1997-01-01 to 1997-09-30 (39 weeks); holdout: 1997-10-01 to 1998-06-30.
"""

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cdnow import cdnow_rows

from sales_crm.mining import bgnbd, gamma_gamma, metrics, purchases, scoring

END = date(1997, 9, 30)
HOLDOUT = (date(1997, 10, 1), date(1998, 6, 30))
HOLDOUT_WEEKS = (HOLDOUT[1] - END).days / 7

PUBLISHED_BGNBD = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def cdnow():
	rows = cdnow_rows()
	summary = purchases.summarise(rows, END)
	holdout = purchases.holdout_counts(rows, *HOLDOUT)
	actual = np.array([holdout.get(key, 0) for key in summary.keys])
	return rows, summary, actual


@pytest.fixture(scope="module")
def fitted(cdnow):
	_rows, summary, _actual = cdnow
	bg = bgnbd.fit_bgnbd(summary.frequency, summary.recency, summary.T)
	gg = gamma_gamma.fit_gamma_gamma(summary.frequency, summary.monetary)
	return bg, gg


def test_data(cdnow):
	rows, summary, _actual = cdnow
	assert len(rows) == 6919
	assert len(summary.keys) == 2357
	# everyone's first purchase is in the first quarter of 1997
	assert max(summary.first) <= date(1997, 3, 31) and summary.T.max() == pytest.approx(272 / 7)
	assert int((summary.frequency > 0).sum()) == 946


def test_bgnbd_parameters(fitted):
	bg, _gg = fitted
	got = {name: getattr(bg, name) for name in PUBLISHED_BGNBD}
	print(f"\nCDNOW BG/NBD: {got} (published {PUBLISHED_BGNBD})")
	for name, published in PUBLISHED_BGNBD.items():
		assert got[name] == pytest.approx(published, rel=0.005), (name, got, PUBLISHED_BGNBD)


def test_gamma_gamma_parameters(fitted):
	_bg, gg = fitted
	got = {name: getattr(gg, name) for name in PUBLISHED_GG}
	print(f"\nCDNOW Gamma-Gamma: {got} (published {PUBLISHED_GG}, v = gamma)")
	for name, published in PUBLISHED_GG.items():
		assert got[name] == pytest.approx(published, rel=0.01), (name, got, PUBLISHED_GG)


def test_holdout_purchases(cdnow, fitted):
	_rows, summary, actual = cdnow
	bg, _gg = fitted
	expected = bgnbd.expected_purchases(bg, HOLDOUT_WEEKS, summary.frequency, summary.recency, summary.T)
	figures = f"expected {expected.sum():.1f} purchase-days in the holdout, actual {actual.sum()}"
	print(f"\nCDNOW holdout ({HOLDOUT_WEEKS:.1f} weeks): {figures}")
	assert expected.sum() == pytest.approx(actual.sum(), rel=0.15), figures


def test_holdout_rankings(cdnow, fitted):
	_rows, summary, actual = cdnow
	bg, gg = fitted
	scores = scoring.score(summary, bg, gg)
	expected = bgnbd.expected_purchases(bg, HOLDOUT_WEEKS, summary.frequency, summary.recency, summary.T)
	churn_auc = metrics.auc(actual == 0, scores.churn_score)
	buy_auc = metrics.auc(actual > 0, expected)
	exact = bgnbd.p_no_purchase(bg, HOLDOUT_WEEKS, summary.frequency, summary.recency, summary.T)
	figures = (
		f"AUC of 'does not buy' by churn_score {churn_auc:.4f}; of 'buys again' by expected purchases "
		f"{buy_auc:.4f}; (exact P(no purchase) AUC {metrics.auc(actual == 0, exact):.4f}, Brier "
		f"{metrics.brier(actual == 0, exact):.4f}; exp(-E) Brier {metrics.brier(actual == 0, np.exp(-expected)):.4f})"
	)
	print(f"\nCDNOW rankings: {figures}")
	assert churn_auc >= 0.76, figures
	assert buy_auc >= 0.76, figures
	# one-time buyers must not all look safe (P(alive) = 1 for each of them)
	one_time = summary.frequency == 0
	assert scores.churn_score[one_time].mean() > scores.churn_score[~one_time].mean(), figures
	assert set(scores.segment) <= set(scoring.SEGMENT_NAMES)


def test_clv(cdnow, fitted):
	_rows, summary, _actual = cdnow
	bg, gg = fitted
	plain = scoring.score(summary, bg, gg)
	discounted = scoring.score(summary, bg, gg, discount_rate=0.1)
	assert np.all(plain.clv >= 0) and np.all(discounted.clv <= plain.clv + 1e-9)
	assert discounted.clv.sum() > 0.9 * plain.clv.sum()
	print(f"\nCDNOW 12-month CLV: total {plain.clv.sum():,.0f}, at 10 % a year {discounted.clv.sum():,.0f}")
