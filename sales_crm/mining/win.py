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
to the stage's probability. Beyond ``MAX_TRAIN`` closed opportunities a fit learns from a fixed random
sample of that many: the few dozen coefficients are as well determined, and a large site's daily run
stays within its time.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import numpy as np

from sales_crm.mining.metrics import auc, brier

MIN_CLOSED = 30
MAX_TRAIN = 50_000  # closed opportunities a fit learns from at most (a random sample beyond)
MISSING = "(missing)"
VERSION = 1


def enough_history(won: list[int]) -> bool:
	"""At least MIN_CLOSED won and MIN_CLOSED lost opportunities."""
	wins = sum(1 for w in won if w)
	return wins >= MIN_CLOSED and len(won) - wins >= MIN_CLOSED


def _numbers(values: list, fill: float) -> np.ndarray:
	"""``_number`` of each value, ``fill`` where there is none, at once."""
	raw = np.array(
		[float(v) if isinstance(v, int | float) and not isinstance(v, bool) else math.nan for v in values],
		dtype=float,
	)
	with np.errstate(invalid="ignore"):
		encoded = np.sign(raw) * np.log1p(np.abs(raw))
	return np.where(np.isfinite(encoded), encoded, fill)


def _label(value) -> str:
	if isinstance(value, float) and value.is_integer():
		value = int(value)
	if isinstance(value, int | float) and not isinstance(value, bool):
		return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
	return str(value)


class Table:
	"""Features as columns (feature name → one value per opportunity). A site scores hundreds of thousands
	of opportunities: a dict per opportunity would cost a kilobyte each. A list of dicts is taken too (a
	missing key is None)."""

	def __init__(self, columns: dict[str, list], length: int):
		self.columns, self.length = columns, length

	@classmethod
	def of(cls, rows) -> Table:
		if isinstance(rows, Table):
			return rows
		rows = list(rows)
		names = sorted({key for row in rows for key in row})
		return cls({name: [row.get(name) for row in rows] for name in names}, len(rows))

	def __len__(self) -> int:
		return self.length

	def column(self, name: str) -> list:
		values = self.columns.get(name)
		return [None] * self.length if values is None else values

	def take(self, indices) -> Table:
		indices = list(indices)
		return Table(
			{name: [values[i] for i in indices] for name, values in self.columns.items()}, len(indices)
		)


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
		"""The encoded columns of ``rows``, built a feature at a time over every row (a site scores hundreds
		of thousands of opportunities: no Python loop over rows × columns)."""
		rows = Table.of(rows)
		columns = self._columns()
		index = {column: i for i, column in enumerate(columns)}
		out = np.zeros((len(rows), len(columns)))
		if not len(rows):
			return out
		for j, name in enumerate(self.numeric):
			out[:, j] = _numbers(rows.column(name), self.numeric_fill.get(name, 0.0))
		for name, categories in self.categorical.items():
			columns_of = np.array([index[(name, c)] for c in categories])
			position = {category: k for k, category in enumerate(categories)}
			found = np.array(
				[
					position.get(MISSING if value is None or value == "" else str(value), -1)
					for value in rows.column(name)
				]
			)
			known = found >= 0
			out[np.flatnonzero(known), columns_of[found[known]]] = 1.0
			# a category the training never saw is taken as an average one: no contribution
			unseen = np.flatnonzero(~known)
			if len(unseen):
				out[np.ix_(unseen, columns_of)] = self.mean[columns_of]
		return out

	def _standardised(self, rows: list[dict]) -> np.ndarray:
		return (self._raw(rows) - self.mean) / self.scale

	def fit(self, rows: list[dict], won: list[int]) -> WinModel:
		from sklearn.linear_model import LogisticRegression
		from sklearn.model_selection import StratifiedKFold, cross_val_predict

		rows = Table.of(rows)
		y = np.asarray([1 if w else 0 for w in won], dtype=int)
		if len(rows) != len(y):
			raise ValueError("rows and won differ in length")
		if not enough_history(list(y)):
			raise ValueError(f"too little history: fewer than {MIN_CLOSED} won or lost opportunities")
		if len(rows) > MAX_TRAIN:
			# a dozen coefficients are learnt as well from a fixed random sample as from every row
			sample = np.sort(np.random.default_rng(0).choice(len(rows), MAX_TRAIN, replace=False))
			rows, y = rows.take(sample.tolist()), y[sample]
		names = sorted(rows.columns)
		categorical = {name for name in names if any(isinstance(value, str) for value in rows.column(name))}
		self.numeric = [name for name in names if name not in categorical]
		self.numeric_fill = {}
		for name in self.numeric:
			values = _numbers(rows.column(name), math.nan)
			values = values[np.isfinite(values)]
			self.numeric_fill[name] = float(values.mean()) if len(values) else 0.0
		self.categorical = {}
		for name in sorted(categorical):
			seen = {MISSING if value in (None, "") else str(value) for value in rows.column(name)}
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

	def log_odds(self, rows) -> np.ndarray:
		return self.intercept + self._standardised(Table.of(rows)) @ self.coef

	def predict(self, rows: list[dict]) -> np.ndarray:
		"""Calibrated win probabilities, 0-1."""
		rows = Table.of(rows)
		if not len(rows):
			return np.zeros(0)
		# the logistic function written so that no exp overflows (a very unlikely deal has log-odds of -1000)
		odds = self.log_odds(rows)
		return np.exp(-np.logaddexp(0.0, -odds))

	def explain(self, row: dict, top: int = 3) -> list[tuple[str, float]]:
		"""The ``top`` features that move this opportunity's log-odds furthest from an average one's, as
		("stage = Negotiation", signed contribution in log-odds), largest |contribution| first."""
		return self.explain_many([row], top)[0]

	def explain_many(self, rows: list[dict], top: int = 3) -> list[list[tuple[str, float]]]:
		"""``explain`` of every row, the contributions computed for all rows at once."""
		rows = Table.of(rows)
		if not len(rows):
			return []
		features = list(dict.fromkeys(name for name, _category in self._columns()))
		feature_of = np.array([features.index(name) for name, _category in self._columns()])
		contributions = self._standardised(rows) * self.coef
		grouped = np.zeros((len(rows), len(features)))
		for j, feature in enumerate(feature_of.tolist()):
			grouped[:, feature] += contributions[:, j]
		# largest |contribution| first; equal ones in feature order, as a stable sort gives them
		ranked = np.argsort(-np.abs(grouped), axis=1, kind="stable")[:, :top]
		explained = []
		for i, (order, values) in enumerate(zip(ranked.tolist(), grouped.tolist(), strict=True)):
			factors = []
			for k in order:
				name = features[k]
				value = rows.column(name)[i]
				label = f"{name} = {MISSING if value is None or value == '' else _label(value)}"
				factors.append((label, float(values[k])))
			explained.append(factors)
		return explained

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
	rows, won, baseline = Table.of(rows), [1 if w else 0 for w in won], list(baseline)
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
		model = WinModel().fit(rows.take(train), [won[i] for i in train])
		result["auc"], result["brier"] = measured(model.predict(rows.take(test)).tolist())
	return result
