"""Win probability of open opportunities: a logistic regression on the closed ones.

Features are a dict per opportunity. A key whose values are strings (source, department, method, stage…)
is categorical and one-hot encoded; any other key is numeric (age_days, amount, product_count…), taken as
sign(v)·log(1 + |v|) because amounts and counts are heavy-tailed. Every column is standardised, so the
model's intercept is the log-odds of an average opportunity and coefficient × standardised value is how far
each feature moves this one away from the average: the explanation, summed over a categorical feature's
columns. Missing numeric keys, and categories the training never saw, take the training mean (a
contribution of 0); a missing categorical key is its own category, "(missing)".

The probabilities are calibrated with Platt scaling on out-of-fold predictions: the regularised fit is
shrunk towards the base rate, and a logistic of its out-of-fold log-odds corrects that without a second
look at the same rows. The calibration's slope also scales the explanations, so intercept plus
contributions is exactly the calibrated log-odds.

With fewer than ``MIN_CLOSED`` won or lost opportunities the model refuses to fit; the caller falls back
to the stage's probability.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from sales_crm.mining.metrics import auc, brier

MIN_CLOSED = 30
MISSING = "(missing)"
VERSION = 1


def enough_history(won: list[int]) -> bool:
	"""At least MIN_CLOSED won and MIN_CLOSED lost opportunities."""
	wins = sum(1 for w in won if w)
	return wins >= MIN_CLOSED and len(won) - wins >= MIN_CLOSED


def _number(value) -> float | None:
	if value is None or isinstance(value, str):
		return None
	try:
		v = float(value)
	except (TypeError, ValueError):
		return None
	return math.copysign(math.log1p(abs(v)), v) if math.isfinite(v) else None


def _label(value) -> str:
	if isinstance(value, float) and value.is_integer():
		value = int(value)
	if isinstance(value, int | float) and not isinstance(value, bool):
		return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
	return str(value)


class WinModel:
	def __init__(self):
		self.categorical: dict[str, list[str]] = {}  # feature -> its categories, in column order
		self.numeric: list[str] = []
		self.mean: np.ndarray = np.zeros(0)  # per column, of the raw (encoded) value
		self.scale: np.ndarray = np.ones(0)
		self.coef: np.ndarray = np.zeros(0)  # per standardised column, calibrated log-odds
		self.intercept: float = 0.0
		self.numeric_fill: dict[str, float] = {}

	# columns: the numeric features in order, then each categorical feature's categories
	def _columns(self) -> list[tuple[str, str | None]]:
		return [(name, None) for name in self.numeric] + [
			(name, category) for name, categories in self.categorical.items() for category in categories
		]

	def _raw(self, rows: list[dict]) -> np.ndarray:
		columns = self._columns()
		index = {column: i for i, column in enumerate(columns)}
		out = np.zeros((len(rows), len(columns)))
		for i, row in enumerate(rows):
			for j, name in enumerate(self.numeric):
				v = _number(row.get(name))
				out[i, j] = self.numeric_fill.get(name, 0.0) if v is None else v
			for name in self.categorical:
				value = row.get(name)
				category = MISSING if value is None or value == "" else str(value)
				j = index.get((name, category))
				if j is not None:
					out[i, j] = 1.0
				else:
					# a category the training never saw is taken as an average one: no contribution
					columns_of = [index[(name, c)] for c in self.categorical[name]]
					out[i, columns_of] = self.mean[columns_of]
		return out

	def _standardised(self, rows: list[dict]) -> np.ndarray:
		return (self._raw(rows) - self.mean) / self.scale

	def fit(self, rows: list[dict], won: list[int]) -> WinModel:
		from sklearn.linear_model import LogisticRegression
		from sklearn.model_selection import StratifiedKFold, cross_val_predict

		y = np.asarray([1 if w else 0 for w in won], dtype=int)
		if len(rows) != len(y):
			raise ValueError("rows and won differ in length")
		if not enough_history(list(y)):
			raise ValueError(f"too little history: fewer than {MIN_CLOSED} won or lost opportunities")
		names = sorted({key for row in rows for key in row})
		categorical = {name for name in names if any(isinstance(row.get(name), str) for row in rows)}
		self.numeric = [name for name in names if name not in categorical]
		self.numeric_fill = {}
		for name in self.numeric:
			values = [v for v in (_number(row.get(name)) for row in rows) if v is not None]
			self.numeric_fill[name] = float(np.mean(values)) if values else 0.0
		self.categorical = {}
		for name in sorted(categorical):
			seen = {MISSING if row.get(name) in (None, "") else str(row.get(name)) for row in rows}
			self.categorical[name] = sorted(seen)
		raw = self._raw(rows)
		self.mean = raw.mean(axis=0)
		scale = raw.std(axis=0)
		self.scale = np.where(scale > 0, scale, 1.0)
		X = (raw - self.mean) / self.scale

		model = LogisticRegression(C=1.0, max_iter=2000)
		folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
		out_of_fold = cross_val_predict(model, X, y, cv=folds, method="decision_function")
		platt = LogisticRegression(C=1e6, max_iter=1000).fit(out_of_fold.reshape(-1, 1), y)
		slope, shift = float(platt.coef_[0, 0]), float(platt.intercept_[0])
		model.fit(X, y)
		# calibrated log-odds = slope × (intercept + coef·x) + shift
		self.coef = slope * model.coef_[0]
		self.intercept = slope * float(model.intercept_[0]) + shift
		return self

	def log_odds(self, rows: list[dict]) -> np.ndarray:
		return self.intercept + self._standardised(list(rows)) @ self.coef

	def predict(self, rows: list[dict]) -> np.ndarray:
		"""Calibrated win probabilities, 0-1."""
		rows = list(rows)
		if not rows:
			return np.zeros(0)
		return 1.0 / (1.0 + np.exp(-self.log_odds(rows)))

	def explain(self, row: dict, top: int = 3) -> list[tuple[str, float]]:
		"""The ``top`` features that move this opportunity's log-odds furthest from an average one's, as
		("stage = Negotiation", signed contribution in log-odds), largest |contribution| first."""
		contributions = self._standardised([row])[0] * self.coef
		grouped: dict[str, float] = {}
		for (name, _category), value in zip(self._columns(), contributions, strict=True):
			grouped[name] = grouped.get(name, 0.0) + float(value)
		labels = {}
		for name in grouped:
			value = row.get(name)
			labels[name] = f"{name} = {MISSING if value is None or value == '' else _label(value)}"
		ranked = sorted(grouped.items(), key=lambda item: -abs(item[1]))
		return [(labels[name], value) for name, value in ranked[:top]]

	def to_dict(self) -> dict:
		return {
			"version": VERSION,
			"numeric": list(self.numeric),
			"numeric_fill": dict(self.numeric_fill),
			"categorical": {name: list(c) for name, c in self.categorical.items()},
			"mean": self.mean.tolist(),
			"scale": self.scale.tolist(),
			"coef": self.coef.tolist(),
			"intercept": self.intercept,
		}

	@classmethod
	def from_dict(cls, d: dict) -> WinModel:
		if d.get("version") != VERSION:
			raise ValueError(f"unknown win model version {d.get('version')!r}")
		model = cls()
		model.numeric = list(d["numeric"])
		model.numeric_fill = {k: float(v) for k, v in d["numeric_fill"].items()}
		model.categorical = {name: list(c) for name, c in d["categorical"].items()}
		model.mean = np.asarray(d["mean"], dtype=float)
		model.scale = np.asarray(d["scale"], dtype=float)
		model.coef = np.asarray(d["coef"], dtype=float)
		model.intercept = float(d["intercept"])
		return model


def backtest(rows, won, days: list[date], cutoff: date, baseline: list[float]) -> dict:
	"""Train on the opportunities closed before ``cutoff``, test on those closed on or after it, against
	``baseline`` (each row's stage probability, 0-1). Measures are None where they cannot be computed:
	too little training history, or a test set without both outcomes."""
	rows, won, baseline = list(rows), [1 if w else 0 for w in won], list(baseline)
	train = [i for i, day in enumerate(days) if day < cutoff]
	test = [i for i, day in enumerate(days) if day >= cutoff]
	result = {"train": len(train), "test": len(test), "auc": None, "brier": None}
	result.update(baseline_auc=None, baseline_brier=None)
	labels = [won[i] for i in test]
	if not test:
		return result
	both = 0 < sum(labels) < len(labels)

	def measured(values):
		a = auc(labels, values) if both else float("nan")
		return (None if math.isnan(a) else a), brier(labels, values)

	result["baseline_auc"], result["baseline_brier"] = measured([float(baseline[i]) for i in test])
	if enough_history([won[i] for i in train]):
		model = WinModel().fit([rows[i] for i in train], [won[i] for i in train])
		result["auc"], result["brier"] = measured(model.predict([rows[i] for i in test]).tolist())
	return result
