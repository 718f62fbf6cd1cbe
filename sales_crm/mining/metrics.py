"""Ranking and calibration measures, without scikit-learn."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def auc(labels, scores) -> float:
	"""The area under the ROC curve: the probability that a random positive outscores a random negative,
	ties counting half (Mann-Whitney U over average ranks). NaN when either class is empty."""
	y = np.asarray(labels, dtype=bool)
	s = np.asarray(scores, dtype=float)
	positives = int(y.sum())
	negatives = len(y) - positives
	if not positives or not negatives:
		return float("nan")
	ranks = rankdata(s)
	u = ranks[y].sum() - positives * (positives + 1) / 2
	return float(u / (positives * negatives))


def brier(labels, probabilities) -> float:
	"""The mean squared difference between the probabilities and what happened (0 or 1); NaN when empty."""
	y = np.asarray(labels, dtype=float)
	p = np.asarray(probabilities, dtype=float)
	if not len(y):
		return float("nan")
	return float(np.mean((p - y) ** 2))
