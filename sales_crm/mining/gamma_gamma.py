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
from scipy.special import digamma, gammaln


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
	w = weights.astype(float) / weights.sum()
	log_m, log_x = np.log(m), np.log(x)
	start = np.log([1.0, 1.0, float(np.dot(w, m))])

	def objective(log_params):
		"""The mean negative log-likelihood and its gradient in the log-parameters."""
		p, q, v = np.exp(log_params)
		px = p * x
		log_vmx = np.log(v + m * x)
		psi_pxq = digamma(px + q)
		ll = (
			gammaln(px + q)
			- gammaln(px)
			- gammaln(q)
			+ q * np.log(v)
			+ (px - 1) * log_m
			+ px * log_x
			- (px + q) * log_vmx
		)
		g_p = x * (psi_pxq - digamma(px) + log_m + log_x - log_vmx)
		g_q = psi_pxq - digamma(q) + np.log(v) - log_vmx
		g_v = q / v - (px + q) / (v + m * x)
		value = -np.dot(w, ll)
		gradient = -np.array([np.dot(w, g_p), np.dot(w, g_q), np.dot(w, g_v)]) * np.array([p, q, v])
		if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
			return 1e100, np.zeros(3)
		return value, gradient

	result = minimize(
		objective, start, jac=True, method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 1000}
	)
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
