"""One rounding regime: the app's money arithmetic rounds as Frappe's ``flt`` does, by System Settings."""

import random

import frappe
import pytest
from factories import selling_doc
from frappe.utils import flt

from sales_crm.rules.pricing import ROUNDING_MODES, round_to

METHODS = sorted(ROUNDING_MODES)


@pytest.mark.parametrize("method", METHODS)
def test_round_to_agrees_with_flt(method):
	rng = random.Random(15)
	halves = [n / 1000 for n in range(-2005, 2006, 10)]  # every x.xx5 from -2.005 to 2.005
	samples = halves + [round(rng.uniform(-1e6, 1e6), rng.randint(0, 6)) for _ in range(3000)]
	for precision in (0, 2, 4):
		disagree = [
			x
			for x in samples
			if round_to(x, precision, method) != flt(x, precision, method)
			and not float_limit(method, precision, x)
		]
		assert disagree == [], (method, precision, disagree[:10])


def float_limit(method: str, precision: int, x: float) -> bool:
	"""Frappe's legacy method finds ties in float arithmetic, which misses some from about 10^7 (scaled):
	flt(-577968.795, 2, legacy) is -577968.8, a tie sent down; the app rounds the exact decimal, up."""
	return method == "Banker's Rounding (legacy)" and precision and abs(x) * 10**precision >= 1e7


def test_the_legacy_float_limit_is_real():
	legacy = "Banker's Rounding (legacy)"
	assert flt(-577968.795, 2, legacy) == -577968.8
	assert round_to(-577968.795, 2, legacy) == -577968.79
	assert flt(-5.795, 2, legacy) == round_to(-5.795, 2, legacy) == -5.79  # ties go up, below the limit


@pytest.mark.parametrize(
	"method, amount",
	[("Commercial Rounding", 0.13), ("Banker's Rounding", 0.12), ("Banker's Rounding (legacy)", 0.13)],
)
def test_documents_round_as_system_settings_say(method, amount):
	frappe.db.set_single_value("System Settings", "rounding_method", method)
	frappe.clear_cache()  # get_system_settings is cached
	try:
		doc = selling_doc("Sales Quotation", [{"qty": 1, "price_list_rate": 0, "rate": 0.125}], tax_rate=0)
		doc.reload()
		assert doc.items[0].amount == amount
		assert doc.grand_total == amount
		assert doc.items[0].amount == flt(0.125, 2)
	finally:
		frappe.db.rollback()
		frappe.clear_cache()
