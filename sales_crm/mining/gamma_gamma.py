"""The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "The Gamma-Gamma model of
monetary value").

A customer's purchase amounts are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, so the mean amount
m_x of x purchases has a known density. It assumes that spend does not depend on how often one buys; check
that ``frequency`` and ``monetary`` of the repeat customers are nearly uncorrelated before trusting it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln


@dataclass(frozen=True)
class GammaGamma:
	p: float
	q: float
	v: float  # γ in the note


def _log_likelihood(p, q, v, x, m):
	px = p * x
	return (
		gammaln(px + q)
		- gammaln(px)
		- gammaln(q)
		+ q * np.log(v)
		+ (px - 1) * np.log(m)
		+ px * np.log(x)
		- (px + q) * np.log(v + m * x)
	)


def fit_gamma_gamma(frequency, monetary) -> GammaGamma:
	"""Maximum-likelihood parameters on the customers with repeat purchases (``frequency`` > 0) and a
	positive mean repeat amount."""
	x = np.asarray(frequency, dtype=float)
	m = np.asarray(monetary, dtype=float)
	keep = (x > 0) & (m > 0)
	x, m = x[keep], m[keep]
	if not len(x):
		raise ValueError("no repeat customers to fit")
	pairs, weights = np.unique(np.column_stack([x, m]), axis=0, return_counts=True)
	x, m = pairs[:, 0], pairs[:, 1]
	weights = weights.astype(float) / weights.sum()
	start = np.log([1.0, 1.0, float(np.mean(m))])

	def objective(log_params):
		p, q, v = np.exp(log_params)
		value = -np.dot(weights, _log_likelihood(p, q, v, x, m))
		return value if np.isfinite(value) else 1e100

	result = minimize(
		objective, start, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-12, "maxiter": 4000}
	)
	result = minimize(objective, result.x, method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-10})
	p, q, v = np.exp(result.x)
	return GammaGamma(float(p), float(q), float(v))


def population_mean(g: GammaGamma) -> float:
	"""The mean amount per purchase across customers, p·γ / (q - 1) (infinite when q <= 1)."""
	return g.p * g.v / (g.q - 1) if g.q > 1 else float("inf")


def expected_spend(g: GammaGamma, frequency, monetary) -> np.ndarray:
	"""E[amount per purchase | x, m_x]: a weighted mean of the population mean and the customer's own, the
	customer's weighing more the more they bought; the population mean where ``frequency`` == 0."""
	x = np.asarray(frequency, dtype=float)
	m = np.asarray(monetary, dtype=float)
	px = g.p * x
	return (g.v + m * x) * g.p / (px + g.q - 1)
