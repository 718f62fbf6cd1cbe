"""The mining models on small synthetic cases: summaries, measures, BG/NBD, scores and the win model."""

import json
import random
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from sales_crm.mining import bgnbd, gamma_gamma, metrics, purchases, scoring, win
from sales_crm.mining.bgnbd import BGNBD
from sales_crm.mining.gamma_gamma import GammaGamma

D = date(2024, 1, 1)
CDNOW = BGNBD(0.2426, 4.4136, 0.7929, 2.4259)


def day(n):
	return D + timedelta(days=n)


# summaries


def test_summarise_merges_a_day_and_cuts_at_the_end():
	rows = [
		("b", day(0), 10),
		("a", day(0), 5),
		("a", day(0), 7),  # same key and day: one purchase of 12
		("a", day(14), 30),
		("a", datetime(2024, 1, 29, 15, 0), 20),  # day 28, a datetime
		("a", day(35), 1000),  # after the end: ignored
		("c", day(36), 1),  # only after the end: no entry
	]
	s = purchases.summarise(rows, day(35 - 1))
	assert s.keys == ["a", "b"]
	assert s.frequency.tolist() == [2, 0]
	assert s.orders.tolist() == [3, 1]
	assert s.recency.tolist() == [4, 0]
	assert s.T.tolist() == pytest.approx([34 / 7, 34 / 7])
	assert s.total.tolist() == [62, 10]
	assert s.monetary.tolist() == [25, 0]  # (30 + 20) / 2: the first purchase is not a repeat
	assert s.first == [day(0), day(0)] and s.last == [day(28), day(0)]


def test_totals_as_the_database_aggregates_them_give_the_same_summary():
	"""``from_totals`` reads a row per key (what the database aggregated per key and day); ``summarise``
	reads a row per purchase: the same purchases give the same summary, at any cut-off."""
	generator = random.Random(7)
	rows = [
		(f"k{generator.randrange(40)}", day(generator.randrange(400)), generator.choice((0, 5, 12.5, 300)))
		for _ in range(900)
	]
	for end in (day(150), day(399), day(1000)):
		by_day = {}
		for key, when, amount in rows:
			by_day[key, when] = by_day.get((key, when), 0) + amount
		keys = sorted({key for key, _day in by_day}, reverse=True)  # any order: the summary sorts
		figures = {key: [0, None, 0, 0.0, 0.0] for key in keys}  # days, first, last, total, first amount
		for (key, when), amount in sorted(by_day.items(), key=lambda item: item[0][1]):
			row = figures[key]
			if row[1] is None:
				row[1], row[4] = when.toordinal(), amount
			if when <= end:
				row[0] += 1
				row[2] = when.toordinal()
				row[3] += amount
		columns = list(zip(*(figures[key] for key in keys), strict=True))
		got = purchases.from_totals(keys, *columns, end)
		want = purchases.summarise(rows, end)
		assert got.keys == want.keys and got.first == want.first and got.last == want.last
		for field in ("frequency", "recency", "T", "monetary", "orders", "total"):
			assert getattr(got, field) == pytest.approx(getattr(want, field)), field
	assert purchases.from_totals([], [], [], [], [], [], D).keys == []


def test_summarise_of_nothing():
	s = purchases.summarise([], D)
	assert s.keys == [] and len(s.frequency) == 0 and s.first == []


def test_holdout_counts():
	rows = [("a", day(0), 1), ("a", day(10), 1), ("a", day(10), 2), ("a", day(20), 1), ("b", day(30), 1)]
	assert purchases.holdout_counts(rows, day(10), day(20)) == {"a": 2}
	assert purchases.holdout_counts(rows, day(0), day(30)) == {"a": 3, "b": 1}


# measures


def test_auc():
	assert metrics.auc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]) == 1.0
	assert metrics.auc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4]) == 0.0
	assert metrics.auc([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4]) == 0.75
	assert metrics.auc([0, 1], [0.5, 0.5]) == 0.5  # a tie counts half
	assert metrics.auc([0, 1, 1], [0.2, 0.2, 0.9]) == 0.75
	assert np.isnan(metrics.auc([1, 1], [0.1, 0.2]))


def test_brier():
	assert metrics.brier([0, 1], [0, 1]) == 0
	assert metrics.brier([0, 1], [0.5, 0.5]) == 0.25
	assert metrics.brier([1, 0, 1, 0], [0.9, 0.2, 0.6, 0.0]) == pytest.approx((0.01 + 0.04 + 0.16) / 4)


# BG/NBD and Gamma-Gamma


def test_p_alive():
	alive = bgnbd.p_alive(CDNOW, [0, 0, 5, 5, 5], [0, 0, 30, 10, 2], [30, 1, 30, 30, 30])
	assert alive[:2].tolist() == [1, 1]  # no repeat purchase: cannot have dropped out
	assert alive[2] == pytest.approx(1 / (1 + 0.7929 / (2.4259 + 4)))  # last purchase at T
	assert 1 > alive[2] > alive[3] > alive[4] > 0  # longer silence, less alive


def test_expected_purchases():
	x, t_x, T = [0, 2, 10, 10], [0, 20, 29, 5], [30, 30, 30, 30]
	assert bgnbd.expected_purchases(CDNOW, 0, x, t_x, T).tolist() == pytest.approx([0] * 4)
	one = bgnbd.expected_purchases(CDNOW, 10, x, t_x, T)
	two = bgnbd.expected_purchases(CDNOW, 20, x, t_x, T)
	assert np.all(two > one) and np.all(one > 0)
	assert one[2] > one[1] > one[0] and one[2] > one[3]  # frequent and recent buys most
	# the paper's worked example: x = 2, t_x = 30.43, T = 38.86, t = 39
	assert bgnbd.expected_purchases(CDNOW, 39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=0.002)


def test_p_no_purchase():
	quiet = bgnbd.p_no_purchase(CDNOW, [0, 52, 520], [3, 3, 3], [20, 20, 20], [30, 30, 30])
	assert quiet[0] == 1 and 1 > quiet[1] > quiet[2] > 0


def test_fit_recovers_simulated_parameters():
	rng = np.random.default_rng(7)
	n, weeks = 20000, 52.0
	true = BGNBD(0.8, 6.0, 1.5, 4.0)
	lam = rng.gamma(true.r, 1 / true.alpha, n)
	drop = rng.beta(true.a, true.b, n)
	T = rng.uniform(20, weeks, n).round()
	x, t_x = np.zeros(n), np.zeros(n)
	for i in range(n):
		t = 0.0
		while True:
			t += rng.exponential(1 / lam[i])
			if t > T[i]:
				break
			x[i] += 1
			t_x[i] = t
			if rng.random() < drop[i]:
				break
	fitted = bgnbd.fit_bgnbd(x, t_x.round(), T)
	assert fitted.r == pytest.approx(true.r, rel=0.15)
	assert fitted.alpha == pytest.approx(true.alpha, rel=0.2)
	assert fitted.a == pytest.approx(true.a, rel=0.35)
	assert fitted.b == pytest.approx(true.b, rel=0.35)


def test_gamma_gamma():
	g = GammaGamma(6.25, 3.74, 15.44)
	spend = gamma_gamma.expected_spend(g, [0, 1, 100], [0, 50, 50])
	assert spend[0] == pytest.approx(6.25 * 15.44 / 2.74)  # nobody's own: the population mean
	assert spend[0] < spend[1] < spend[2] < 50  # a customer's own mean weighs more the more they bought
	rng = np.random.default_rng(3)
	x = rng.integers(1, 10, 5000).astype(float)
	nu = rng.gamma(4.0, 1 / 20.0, 5000)
	m = np.array([rng.gamma(5.0 * k, 1 / v) / k for k, v in zip(x, nu, strict=True)])
	fitted = gamma_gamma.fit_gamma_gamma(np.append(x, 0), np.append(m, 0))
	assert fitted.p == pytest.approx(5.0, rel=0.15)
	assert fitted.q == pytest.approx(4.0, rel=0.25)


# scores


def test_quintile_scores():
	assert scoring.quintile_scores(list(range(100))).tolist() == [v // 20 + 1 for v in range(100)]
	assert scoring.quintile_scores([1, 2, 3, 4, 5]).tolist() == [1, 2, 3, 4, 5]
	assert scoring.quintile_scores([1, 2, 3, 4, 5], higher_is_better=False).tolist() == [5, 4, 3, 2, 1]
	# a value most keys share scores low; ties share a score
	assert scoring.quintile_scores([1] * 6 + [2, 3, 4, 5]).tolist() == [1] * 6 + [4, 4, 5, 5]
	assert scoring.quintile_scores([]).tolist() == []


def test_segment_table_covers_every_pattern():
	assert len(scoring.SEGMENTS) == 125
	assert {(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)} == set(scoring.SEGMENTS)
	assert set(scoring.SEGMENTS.values()) == set(scoring.SEGMENT_NAMES)
	assert scoring.segment(5, 5, 5) == "Champions"
	assert scoring.segment(5, 1, 1) == "New"
	assert scoring.segment(1, 1, 1) == "Lost"
	assert scoring.segment(1, 5, 5) == "Cannot Lose Them"
	assert scoring.segment(2, 1, 2) == "Hibernating"
	assert scoring.segment(3, 5, 4) == "Loyal"


def test_churn_tiers():
	assert scoring.churn_tier(0.0) == "Low"
	assert scoring.churn_tier(scoring.CHURN_MEDIUM - 1e-9) == "Low"
	assert scoring.churn_tier(scoring.CHURN_MEDIUM) == "Medium"
	assert scoring.churn_tier(scoring.CHURN_HIGH) == "High"
	assert scoring.churn_tier(1.0) == "High"


def test_score():
	rows = [("loyal", day(d), 100) for d in range(0, 300, 10)]
	rows += [("gone", day(d), 100) for d in range(0, 60, 10)]
	rows += [
		("once-old", day(0), 50),
		("once-new", day(290), 50),
		("big", day(100), 900),
		("big", day(280), 900),
	]
	s = purchases.summarise(rows, day(299))
	sc = scoring.score(s, CDNOW, GammaGamma(6.25, 3.74, 15.44), discount_rate=0.1)
	by = {key: i for i, key in enumerate(s.keys)}
	assert sc.p_alive[by["once-old"]] == 1 and sc.p_alive[by["gone"]] < 0.1
	assert np.all((sc.churn_score > 0) & (sc.churn_score < 1))
	assert sc.churn_score[by["once-old"]] > sc.churn_score[by["once-new"]] > sc.churn_score[by["loyal"]]
	assert sc.churn_risk[by["loyal"]] == "Low" and sc.churn_risk[by["gone"]] == "High"
	assert np.all(sc.expected_365 > sc.expected_90)
	assert sc.clv[by["loyal"]] > sc.clv[by["once-old"]] > 0
	for name in ("r_score", "f_score", "m_score"):
		assert set(getattr(sc, name).tolist()) <= {1, 2, 3, 4, 5}
	assert sc.segment[by["loyal"]] == "Champions"
	assert len(sc.segment) == len(s.keys)
	plain = scoring.score(s, CDNOW, None)  # no spend model: the key's own mean amount
	assert plain.spend[by["big"]] == 900


# win model


def opportunities(n, seed=0):
	rng = random.Random(seed)
	rows, won = [], []
	for _ in range(n):
		stage = rng.choice(["Qualification", "Proposal", "Negotiation"])
		follow_ups = rng.randint(0, 8)
		amount = rng.choice([1000, 5000, 20000, 100000])
		logit = {"Qualification": -1.5, "Proposal": 0.0, "Negotiation": 1.5}[stage] + 0.4 * (follow_ups - 4)
		row = {
			"stage": stage,
			"follow_ups": follow_ups,
			"amount": amount,
			"source": rng.choice(["Web", "Fair"]),
		}
		if rng.random() < 0.1:
			del row["source"]
		rows.append(row)
		won.append(int(rng.random() < 1 / (1 + np.exp(-logit))))
	return rows, won


def test_win_model_beats_the_stage_baseline():
	rows, won = opportunities(900)
	stage_probability = {"Qualification": 0.2, "Proposal": 0.5, "Negotiation": 0.8}
	days = [D + timedelta(days=i // 3) for i in range(len(rows))]
	result = win.backtest(rows, won, days, days[600], [stage_probability[r["stage"]] for r in rows])
	assert result["train"] == 600 and result["test"] == 300
	assert result["auc"] > result["baseline_auc"] + 0.03
	assert result["brier"] < result["baseline_brier"]
	model = win.WinModel().fit(rows, won)
	p = model.predict(rows)
	assert np.all((p > 0) & (p < 1))
	assert abs(p.mean() - np.mean(won)) < 0.03  # calibrated on average


def test_win_model_explains():
	rows, won = opportunities(600)
	model = win.WinModel().fit(rows, won)
	explanation = model.explain({"stage": "Negotiation", "follow_ups": 8, "amount": 5000}, top=2)
	assert [label for label, _ in explanation] == ["stage = Negotiation", "follow_ups = 8"]
	assert all(value > 0 for _, value in explanation)
	worst = model.explain({"stage": "Qualification", "follow_ups": 0, "amount": 5000, "source": "Web"})
	assert {label for label, _ in worst[:2]} == {"stage = Qualification", "follow_ups = 0"}
	assert worst[0][1] < 0 and worst[1][1] < 0
	assert len(worst) == 3 and abs(worst[0][1]) >= abs(worst[1][1]) >= abs(worst[2][1])
	unknown = dict(model.explain({"stage": "Closed?", "follow_ups": 8}, top=10))
	# taken as average ones: no contribution
	assert unknown["stage = Closed?"] == 0 and unknown["amount = (missing)"] == pytest.approx(0, abs=1e-9)


def test_win_model_explains_many_rows_as_each_alone(monkeypatch):
	rows, won = opportunities(600, seed=3)
	rows.append({"stage": "Closed?", "follow_ups": None, "amount": "n/a", "source": ""})
	model = win.WinModel().fit(rows[:-1], won)
	assert model.explain_many(rows, top=4) == [model.explain(row, top=4) for row in rows]
	assert model.explain_many([]) == []
	# beyond MAX_TRAIN the fit learns from a fixed sample: the same model every time, close to the full fit
	full = model.predict(rows)
	monkeypatch.setattr(win, "MAX_TRAIN", 400)
	sampled = win.WinModel().fit(rows[:-1], won)
	assert sampled.predict(rows).tolist() == win.WinModel().fit(rows[:-1], won).predict(rows).tolist()
	assert np.corrcoef(sampled.predict(rows), full)[0, 1] > 0.95


def test_win_model_round_trip():
	rows, won = opportunities(300, seed=1)
	model = win.WinModel().fit(rows, won)
	again = win.WinModel.from_dict(json.loads(json.dumps(model.to_dict())))
	assert again.predict(rows).tolist() == model.predict(rows).tolist()
	assert again.explain(rows[0]) == model.explain(rows[0])


def test_too_little_history():
	assert not win.enough_history([1] * 29 + [0] * 100)
	assert not win.enough_history([1] * 100 + [0] * 29)
	assert win.enough_history([1] * 30 + [0] * 30)
	rows, won = opportunities(40)
	with pytest.raises(ValueError):
		win.WinModel().fit(rows, won)
	days = [D] * 20 + [day(10)] * 20
	result = win.backtest(rows, won, days, day(10), [0.5] * 40)
	assert result["train"] == 20 and result["test"] == 20
	assert result["auc"] is None and result["brier"] is None


def test_fast_likelihood_agrees_with_the_paper():
	# the fit's objective works over distinct values; the plain likelihood must give the same figure
	rng = np.random.default_rng(0)
	x = rng.integers(0, 6, 500).astype(float)
	T = rng.integers(10, 40, 500).astype(float)
	t_x = np.where(x > 0, np.minimum(T, rng.integers(0, 40, 500)), 0).astype(float)
	histories = bgnbd._Histories(x, t_x, T)
	for params in ([0.2, 4.0, 0.8, 2.4], [1.3, 0.5, 2.0, 0.7]):
		value, _gradient = histories.objective(np.log(params))
		assert value == pytest.approx(-np.mean(bgnbd._log_likelihood(*params, x, t_x, T)), rel=1e-12)
