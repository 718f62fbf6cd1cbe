"""The forms' live totals (sales_crm/public/js/pricing.js, run here under node) agree with the server's
arithmetic (sales_crm.rules.pricing.price_document) figure for figure, under every rounding method: the
two implementations cannot drift apart unnoticed."""

import json
import random
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from sales_crm.rules import pricing

MODULE = Path(__file__).resolve().parents[2] / "sales_crm" / "public" / "js" / "pricing.js"
NODE = shutil.which("node") or shutil.which("nodejs")
METHODS = ("Commercial Rounding", "Banker's Rounding", "Banker's Rounding (legacy)")

pytestmark = pytest.mark.skipif(not NODE, reason="node is not installed")

RUNNER = """
const pricing = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map((c) => pricing.price_document(c.items, c.tax_rate, c.exchange_rate, c.precision, c.method));
process.stdout.write(JSON.stringify(out));
"""


def hand_cases() -> list[dict]:
	"""Ties at every step (rate, amount, tax, base amounts), zero and absent list prices, 100 % discounts."""
	rows = [
		[{"qty": 12, "price_list_rate": 100, "discount_percentage": 0, "rate": 0}],
		[{"qty": 3, "price_list_rate": "99.99", "discount_percentage": "12.5", "rate": 0}],
		[{"qty": 1, "price_list_rate": 0, "discount_percentage": 30, "rate": 55.555}],
		[{"qty": 1, "price_list_rate": None, "discount_percentage": None, "rate": 0.125}],
		[{"qty": 0.5, "price_list_rate": 0.25, "discount_percentage": 0, "rate": 0}],  # 0.125 again
		[{"qty": 7, "price_list_rate": 1.005, "discount_percentage": 0, "rate": 0}],
		[{"qty": 2, "price_list_rate": 33.33, "discount_percentage": 100, "rate": 9}],
		[
			{"qty": 1.5, "price_list_rate": 10.01, "discount_percentage": 33.333, "rate": 0},
			{"qty": 4, "price_list_rate": 0, "discount_percentage": 0, "rate": 2.675},
			{"qty": 0.1, "price_list_rate": 0.3, "discount_percentage": 5, "rate": 0},
		],
		[{"qty": 99999, "price_list_rate": 99999.99, "discount_percentage": 0.5, "rate": 0}],
	]
	cases = []
	for items in rows:
		for tax_rate, exchange_rate in ((0, 1), (13, 1), (6, 7.1234), (12.5, 0.1375), (9, 1.05)):
			for precision in (0, 2, 3):
				cases.append(
					{"items": items, "tax_rate": tax_rate, "exchange_rate": exchange_rate, "precision": precision}
				)
	return cases


def random_cases(count: int = 400, seed: int = 20261204) -> list[dict]:
	generator = random.Random(seed)

	def money(places: int, top: int) -> float:
		return round(generator.uniform(0, top), generator.randint(0, places))

	cases = []
	for _ in range(count):
		items = [
			{
				"qty": money(3, 500) or 1,
				"price_list_rate": money(4, 5000) if generator.random() < 0.8 else 0,
				"discount_percentage": money(3, 100) if generator.random() < 0.5 else 0,
				"rate": money(4, 5000),
			}
			for _ in range(generator.randint(1, 6))
		]
		cases.append(
			{
				"items": items,
				"tax_rate": generator.choice((0, 3, 6, 9, 13, 17, money(2, 30))),
				"exchange_rate": generator.choice((1, 1, 7.1234, 0.1375, money(6, 10) or 1)),
				"precision": generator.choice((2, 2, 2, 0, 3)),
			}
		)
	return cases


def python_figures(case: dict, method: str) -> dict:
	pricing.follow_rounding_method(lambda: method)
	priced = pricing.price_document(
		(
			pricing.ItemInput(
				i + 1, row["qty"], row["price_list_rate"], row["discount_percentage"], row["rate"]
			)
			for i, row in enumerate(case["items"])
		),
		case["tax_rate"],
		case["exchange_rate"],
		case["precision"],
	)
	assert not priced.problems, priced.problems
	return {
		"items": [vars(values) for values in priced.items],
		"totals": vars(priced.totals),
	}


def as_decimals(figures):
	"""Compare as the decimals the numbers print as: 0.1 + 0.2 style noise would show as a difference."""
	if isinstance(figures, dict):
		return {key: as_decimals(value) for key, value in figures.items()}
	if isinstance(figures, list):
		return [as_decimals(value) for value in figures]
	return Decimal(repr(float(figures)))


@pytest.mark.parametrize("method", METHODS)
def test_the_forms_total_as_the_server_does(method):
	cases = [dict(case, method=method) for case in hand_cases() + random_cases()]
	result = subprocess.run(
		[NODE, "-e", RUNNER, str(MODULE)],
		input=json.dumps(cases),
		capture_output=True,
		text=True,
		check=True,
		timeout=60,
	)
	javascript = json.loads(result.stdout)
	assert len(javascript) == len(cases)
	for case, figures in zip(cases, javascript, strict=True):
		assert as_decimals(figures) == as_decimals(python_figures(case, method)), case


def test_the_module_rounds_ties_by_the_method():
	script = (
		"const p = require(process.argv[1]);"
		"process.stdout.write(JSON.stringify([0.125, 0.135, -0.125, 2.5].map((v) => ["
		"p.round_to(v, v === 2.5 ? 0 : 2, 'Commercial Rounding'),"
		"p.round_to(v, v === 2.5 ? 0 : 2, \"Banker's Rounding\"),"
		"p.round_to(v, v === 2.5 ? 0 : 2, \"Banker's Rounding (legacy)\")])))"
	)
	out = subprocess.run([NODE, "-e", script, str(MODULE)], capture_output=True, text=True, check=True)
	assert json.loads(out.stdout) == [
		[0.13, 0.12, 0.13],
		[0.14, 0.14, 0.14],
		[-0.13, -0.12, -0.12],
		[3, 2, 2],
	]
