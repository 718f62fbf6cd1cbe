"""The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While alive, a customer buys at a Poisson rate λ (Gamma(r, α) across customers); after each purchase they
drop out for good with probability p (Beta(a, b) across customers). A customer's history is
``frequency`` x (repeat purchases), ``recency`` t_x (weeks from the first to the last purchase) and ``T``
(weeks from the first purchase to the end of calibration). Rate and dropout are independent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1


@dataclass(frozen=True)
class BGNBD:
	r: float
	alpha: float
	a: float
	b: float


def _arrays(*values):
	return [np.asarray(v, dtype=float) for v in values]


def _log_likelihood(r, alpha, a, b, x, t_x, T):
	"""Each history's log-likelihood (paper, equation 6, in logs to stay finite for long histories)."""
	common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
	alive = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
	# B(a+1, b+x-1) / B(a, b) = B(a, b+x) / B(a, b) * a / (b+x-1); only for x > 0
	repeat = x > 0
	dropped = np.full_like(x, -np.inf)
	dropped[repeat] = (
		betaln(a, b + x[repeat])
		- betaln(a, b)
		+ np.log(a)
		- np.log(b + x[repeat] - 1)
		- (r + x[repeat]) * np.log(alpha + t_x[repeat])
	)
	return common + np.logaddexp(alive, dropped)


def fit_bgnbd(frequency, recency, T) -> BGNBD:
	"""Maximum-likelihood parameters. Identical histories are fitted once with their count as a weight,
	so hundreds of thousands of customers cost what their distinct histories cost."""
	x, t_x, T = _arrays(frequency, recency, T)
	if not len(x):
		raise ValueError("no customers to fit")
	histories, weights = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
	x, t_x, T = histories[:, 0], histories[:, 1], histories[:, 2]
	weights = weights.astype(float)
	# scale the objective so that tolerances mean the same at 2,000 and at 2,000,000 customers
	total = weights.sum()
	scale = max(float(np.mean(T)), 1e-9)

	def objective(log_params):
		r, alpha, a, b = np.exp(log_params)
		value = -np.dot(weights, _log_likelihood(r, alpha, a, b, x, t_x, T)) / total
		return value if np.isfinite(value) else 1e100

	start = np.log([1.0, scale, 1.0, 1.0])
	result = minimize(
		objective, start, method="Nelder-Mead", options={"xatol": 1e-5, "fatol": 1e-10, "maxiter": 4000}
	)
	result = minimize(objective, result.x, method="L-BFGS-B", options={"ftol": 1e-14, "gtol": 1e-9})
	r, alpha, a, b = np.exp(result.x)
	return BGNBD(float(r), float(alpha), float(a), float(b))


def p_alive(p: BGNBD, frequency, recency, T) -> np.ndarray:
	"""P(still alive at T | history); 1 for a customer with no repeat purchase (they cannot have dropped
	out: dropping out only happens right after a purchase)."""
	x, t_x, T = _arrays(frequency, recency, T)
	x, t_x, T = np.broadcast_arrays(x, t_x, T)
	log_odds = np.full(x.shape, -np.inf)
	repeat = x > 0
	log_odds[repeat] = (
		np.log(p.a)
		- np.log(p.b + x[repeat] - 1)
		+ (p.r + x[repeat]) * (np.log(p.alpha + T[repeat]) - np.log(p.alpha + t_x[repeat]))
	)
	return 1.0 / (1.0 + np.exp(log_odds))


def expected_purchases(p: BGNBD, t, frequency, recency, T) -> np.ndarray:
	"""E[purchases in the next ``t`` weeks | history] (paper, equation 10)."""
	x, t_x, T = _arrays(frequency, recency, T)
	t = np.asarray(t, dtype=float)
	r, alpha, a, b = p.r, p.alpha, p.a, p.b
	z = t / (alpha + T + t)
	decay = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))
	hyper = hyp2f1(r + x, b + x, a + b + x - 1, z)
	numerator = (a + b + x - 1) / (a - 1) * (1 - decay * hyper)
	return numerator * p_alive(p, x, t_x, T)


def p_no_purchase(p: BGNBD, t, frequency, recency, T) -> np.ndarray:
	"""P(no purchase in the next ``t`` weeks | history).

	Dead customers buy nothing; an alive one cannot drop out before buying again, so they buy nothing in t
	weeks with probability E[exp(-λt)] under λ's posterior given that they are alive, Gamma(r + x, α + T):
	((α + T) / (α + T + t)) ** (r + x)."""
	x, t_x, T = _arrays(frequency, recency, T)
	alive = p_alive(p, x, t_x, T)
	silent = np.exp((p.r + x) * (np.log(p.alpha + T) - np.log(p.alpha + T + np.asarray(t, dtype=float))))
	return (1 - alive) + alive * silent
