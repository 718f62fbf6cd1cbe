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
from scipy.special import betaln, digamma, gammaln, hyp2f1


@dataclass(frozen=True)
class BGNBD:
	r: float
	alpha: float
	a: float
	b: float


def _arrays(*values):
	return [np.asarray(v, dtype=float) for v in values]


def _log_likelihood(r, alpha, a, b, x, t_x, T):
	"""Each history's log-likelihood (the paper's individual-level likelihood, in logs to stay finite for
	long histories)."""
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


class _Histories:
	"""Distinct histories with their counts, and the distinct values of x, t_x and T they index: the
	special functions and logs are taken over the few distinct values (hundreds, with daily dates) and
	only sums and products over the histories."""

	def __init__(self, x, t_x, T):
		histories, weights = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
		self.weights = weights.astype(float) / weights.sum()
		self.x_values, self.x_index = np.unique(histories[:, 0], return_inverse=True)
		self.t_values, self.t_index = np.unique(histories[:, 1], return_inverse=True)
		self.T_values, self.T_index = np.unique(histories[:, 2], return_inverse=True)
		self.x = histories[:, 0]
		self.repeat = self.x > 0
		self.mean_T = float(np.dot(self.weights, histories[:, 2]))

	def objective(self, log_params):
		"""The mean negative log-likelihood and its gradient in the log-parameters."""
		r, alpha, a, b = np.exp(log_params)
		xv, x, w = self.x_values, self.x, self.weights
		# per distinct x: log Γ(r+x)/Γ(r) + r log α + log B(a, b+x)/B(a, b), and its derivatives
		per_x = gammaln(r + xv) - gammaln(r) + r * np.log(alpha) + betaln(a, b + xv) - betaln(a, b)
		d_r_x = digamma(r + xv) - digamma(r) + np.log(alpha)
		d_a_x = digamma(a + b) - digamma(a + b + xv)
		d_b_x = digamma(b + xv) - digamma(a + b + xv) - digamma(b) + digamma(a + b)
		with np.errstate(divide="ignore"):
			log_drop_x = np.where(xv > 0, np.log(a) - np.log(np.maximum(b + xv - 1, 1e-300)), -np.inf)
		log_T = np.log(alpha + self.T_values)[self.T_index]
		log_t = np.log(alpha + self.t_values)[self.t_index]
		inv_T = 1 / (alpha + self.T_values)[self.T_index]
		inv_t = 1 / (alpha + self.t_values)[self.t_index]
		rx = r + x
		u = -rx * log_T
		v = log_drop_x[self.x_index] - rx * log_t
		s = np.logaddexp(u, v)
		p_u, p_v = np.exp(u - s), np.exp(v - s)
		ll = per_x[self.x_index] + s
		g_r = d_r_x[self.x_index] - p_u * log_T - p_v * log_t
		g_alpha = r / alpha - rx * (p_u * inv_T + p_v * inv_t)
		g_a = d_a_x[self.x_index] + p_v / a
		g_b = d_b_x[self.x_index] - np.divide(p_v, b + x - 1, out=np.zeros_like(x), where=self.repeat)
		value = -np.dot(w, ll)
		gradient = -np.array([np.dot(w, g) for g in (g_r, g_alpha, g_a, g_b)]) * np.array([r, alpha, a, b])
		if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
			return 1e100, np.zeros(4)
		return value, gradient


def fit_bgnbd(frequency, recency, T) -> BGNBD:
	"""Maximum-likelihood parameters. Identical histories are fitted once with their count as a weight,
	so hundreds of thousands of customers cost what their distinct histories cost."""
	x, t_x, T = _arrays(frequency, recency, T)
	if not len(x):
		raise ValueError("no customers to fit")
	histories = _Histories(x, t_x, T)
	start = np.log([1.0, max(histories.mean_T, 1e-3), 1.0, 1.0])
	result = minimize(
		histories.objective,
		start,
		jac=True,
		method="L-BFGS-B",
		options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 1000},
	)
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
	"""E[purchases in the next ``t`` weeks | history] (the paper's conditional expectation)."""
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
