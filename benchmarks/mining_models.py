"""Time and memory of the customer-mining models on synthetic customers (a script, not a test; no Frappe).

	python benchmarks/mining_models.py [--customers 450000] [--seed 1]

Simulates purchases under BG/NBD (r 0.25, α 5, a 0.8, b 2.5, the order of CDNOW's figures) with Gamma
amounts, over two years from 2023-01-01 (first purchases in the first year), then times each step the
Frappe side runs: ``summarise`` of the order rows, the BG/NBD and Gamma-Gamma fits and ``score``. Each
step runs twice: timed, then under tracemalloc for its peak of allocated memory (numpy reports its arrays
to tracemalloc). Prints the figures and the process's peak resident size.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sales_crm.mining import bgnbd, gamma_gamma, purchases, scoring

START = date(2023, 1, 1)
END = date(2024, 12, 31)


def simulate(customers: int, seed: int) -> list[tuple[str, date, float]]:
	rng = np.random.default_rng(seed)
	rate = rng.gamma(0.25, 1 / 5.0, customers) / 7  # purchases a day while alive
	drop = rng.beta(0.8, 2.5, customers)
	spend_scale = rng.gamma(4.0, 1 / 40.0, customers)
	horizon = (END - START).days
	first = rng.integers(0, 365, customers)
	who, when = [np.arange(customers)], [first]
	now = first.astype(float)
	active = np.arange(customers)
	while len(active):
		now[active] += rng.exponential(1 / rate[active])
		active = active[now[active] <= horizon]
		who.append(active)
		when.append(now[active].astype(int))
		active = active[rng.random(len(active)) >= drop[active]]
	who_all, when_all = np.concatenate(who), np.concatenate(when)
	amounts = rng.gamma(5.0, 1 / spend_scale[who_all]).round(2)
	keys = [f"CUST-{i:07d}" for i in range(customers)]
	days = [date.fromordinal(START.toordinal() + d) for d in range(horizon + 1)]
	return [
		(keys[c], days[d], a)
		for c, d, a in zip(who_all.tolist(), when_all.tolist(), amounts.tolist(), strict=True)
	]


def measured(label, step):
	started = time.perf_counter()
	result = step()
	seconds = time.perf_counter() - started
	tracemalloc.start()
	step()
	_, peak = tracemalloc.get_traced_memory()
	tracemalloc.stop()
	print(f"{label:<22} {seconds:7.2f} s   peak {peak / 2**20:8.1f} MiB allocated")
	return result, seconds


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--customers", type=int, default=450_000)
	parser.add_argument("--seed", type=int, default=1)
	args = parser.parse_args()
	started = time.perf_counter()
	rows = simulate(args.customers, args.seed)
	print(
		f"simulated {args.customers:,} customers, {len(rows):,} order rows in {time.perf_counter() - started:.1f} s"
	)
	summary, _ = measured("summarise", lambda: purchases.summarise(rows, END))
	x, t_x, T = summary.frequency, summary.recency, summary.T
	distinct = len(np.unique(np.column_stack([x, t_x, T]), axis=0))
	print(
		f"{len(summary.keys):,} customers, {int((x > 0).sum()):,} with repeat purchases, {distinct:,} distinct histories"
	)
	bg, fit_bg = measured("fit BG/NBD", lambda: bgnbd.fit_bgnbd(x, t_x, T))
	gg, fit_gg = measured("fit Gamma-Gamma", lambda: gamma_gamma.fit_gamma_gamma(x, summary.monetary))
	scores, scored = measured("score", lambda: scoring.score(summary, bg, gg, discount_rate=0.1))
	print(f"fit + score            {fit_bg + fit_gg + scored:7.2f} s")
	print(f"BG/NBD {bg}\nGamma-Gamma {gg}")
	print(f"high churn risk: {scores.churn_risk.count('High'):,}; 12-month CLV {scores.clv.sum():,.0f}")
	print(f"process peak resident size {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
	main()
