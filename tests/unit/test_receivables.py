import pytest

from sales_crm.rules.fulfilment import check_take, percent_done, remaining
from sales_crm.rules.receivables import (
	Balance,
	apply,
	check_allocation,
	check_invoice_amount,
	invoiced_qty,
	remaining_to_invoice,
)


def test_apply_adds_exactly():
	start = Balance(total=1000, received=100.1, write_off=0)
	after = apply(start, 400.2, 0.3)
	assert (after.received, after.write_off, after.outstanding) == (500.3, 0.3, 499.4)


def test_invariant_holds_through_many_small_receipts():
	balance = Balance(total=100, received=0, write_off=0)
	for _ in range(1000):
		balance = apply(balance, 0.1, 0)
	assert balance.outstanding == 0 and balance.received == 100


@pytest.mark.parametrize(
	"alloc, wo, outstanding, rule",
	[
		(0, 0, 10, "positive"),
		(-1, 0, 10, "non_negative"),
		(5, -1, 10, "non_negative"),
		(10.01, 0, 10, "exceeds_outstanding"),
		(8, 2.01, 10, "exceeds_outstanding"),
		(float("nan"), 0, 10, "finite"),
		("x", 0, 10, "finite"),
	],
)
def test_bad_allocations(alloc, wo, outstanding, rule):
	assert [p.rule for p in check_allocation(2, alloc, wo, outstanding)] == [rule]


def test_good_allocations():
	assert check_allocation(1, 10, 0, 10) == []
	assert check_allocation(1, 7, 3, 10) == []
	assert check_allocation(1, 0, 10, 10) == []


def test_invoice_amount_rules():
	assert remaining_to_invoice(1000, 400) == 600
	assert remaining_to_invoice(1000, 1200) == 0
	assert check_invoice_amount(600, 1000, 400) is None
	assert check_invoice_amount(600.01, 1000, 400).rule == "exceeds_order"
	assert check_invoice_amount(0, 1000, 0).rule == "positive"
	assert check_invoice_amount(float("inf"), 1000, 0).rule == "finite"


def test_invoiced_qty_is_the_invoiced_share():
	assert invoiced_qty(10, 250, 1000) == 2.5
	assert invoiced_qty(3, 1000, 1000) == 3
	assert invoiced_qty(3, 1200, 1000) == 3
	assert invoiced_qty(3, 10, 0) == 0


def test_fulfilment_quantities():
	assert remaining(10, 4) == 6
	assert remaining(10, 12) == 0
	assert check_take(1, "qty", 6, 6) is None
	assert check_take(1, "qty", 6.5, 6).rule == "exceeds_remaining"
	assert check_take(1, "qty", 0, 6).rule == "positive"
	assert percent_done([(10, 5), (10, 10)]) == 75
	assert percent_done([(10, 15)]) == 100
	assert percent_done([]) == 0
