import pytest

from sales_crm.rules.fulfilment import check_take, percent_done, remaining
from sales_crm.rules.receivables import (
	Balance,
	apply,
	check_allocation,
	check_draw,
	check_invoice_amount,
	check_invoice_delivered,
	delivered_value,
	invoiced_qty,
	remaining_to_invoice,
	unallocated,
	write_off_fingerprint,
	write_off_needs_approval,
	write_off_needs_reason,
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


# --- issue 13: invoicing after delivery, write-off thresholds, customer credit -----------------------


def test_delivered_value_is_the_delivered_share_of_the_grand_total():
	rows = [(10, 4, 1000), (4, 0, 200)]  # 400 of 1,200 net delivered
	assert delivered_value(rows, 1200, 1356) == 452.0  # a third of the grand total, tax included
	assert delivered_value([(10, 10, 1000), (4, 4, 200)], 1200, 1356) == 1356.0
	assert delivered_value([(10, 0, 1000)], 1000, 1130) == 0.0
	assert delivered_value([(3, 1, 100)], 100, 100) == 33.33
	assert delivered_value([(3, 5, 100)], 100, 100) == 100.0  # over-delivery never counts more than the order


def test_invoice_beyond_delivered_value_is_refused():
	assert check_invoice_delivered(452, 452, 0) is None
	assert check_invoice_delivered(300, 452, 152) is None
	problem = check_invoice_delivered(300.01, 452, 152)
	assert (problem.fieldname, problem.rule) == ("total_amount", "exceeds_delivered")
	assert check_invoice_delivered(1, 0, 0).rule == "exceeds_delivered"
	assert (
		check_invoice_delivered(1, 100, 200).rule == "exceeds_delivered"
	)  # invoiced beyond delivered before


def test_a_write_off_within_the_tolerance_needs_no_reason():
	assert not write_off_needs_reason(10, 1000, 1)  # exactly 1 %
	assert write_off_needs_reason(10.01, 1000, 1)
	assert not write_off_needs_reason(0, 1000, 0)
	assert write_off_needs_reason(0.01, 1000, 0)  # tolerance 0: every write-off needs a reason
	assert not write_off_needs_reason(50, 1000, 5)


def test_a_write_off_above_the_limit_needs_approval():
	assert not write_off_needs_approval(10000, 10000)
	assert write_off_needs_approval(10000.01, 10000)
	assert not write_off_needs_approval(10**9, 0)  # 0: no limit
	assert not write_off_needs_approval(5, None)


def test_the_write_off_fingerprint_covers_rows_amounts_and_reasons():
	base = write_off_fingerprint([("AR-1", 100, "Bad Debt"), ("AR-2", 0, None)])
	assert base == write_off_fingerprint([("AR-1", 100.0, "Bad Debt")])  # rows without write-off do not count
	assert base == write_off_fingerprint([("AR-2", 0, "x"), ("AR-1", "100.00", "Bad Debt")])
	assert base != write_off_fingerprint([("AR-1", 100.01, "Bad Debt")])
	assert base != write_off_fingerprint([("AR-1", 100, "Rounding")])
	assert base != write_off_fingerprint([("AR-3", 100, "Bad Debt")])
	assert base != write_off_fingerprint([("AR-1", 100, "Bad Debt"), ("AR-2", 1, None)])


def test_credit_left_on_an_advance():
	assert unallocated(1200, 1000, 0, 0) == 200.0
	assert unallocated(1200, 1000, 150, 50) == 0.0
	assert unallocated(500, 0, 120.5, 79.5) == 300.0


def test_drawing_on_a_credit():
	assert check_draw(200, 200) is None
	assert check_draw(200.01, 200).rule == "exceeds_credit"
	assert check_draw(0, 200).rule == "positive"
	assert check_draw(-5, 200).rule == "positive"
	assert check_draw("abc", 200).rule == "finite"
	assert check_draw(float("nan"), 200).rule == "finite"
	assert check_draw(300, 200, "total_amount").fieldname == "total_amount"


def test_takes_add_up_per_source_row():
	from sales_crm.rules.fulfilment import check_takes

	left = {"Q-1": 10, "Q-2": 4}
	# one source row named twice: 10 + 10 of 10 — the second row is the problem
	problems = check_takes([(1, "Q-1", 10), (2, "Q-1", 10)], left)
	assert [(p.idx, p.rule) for p in problems] == [(2, "exceeds_remaining")]
	# halves fit; other rows are counted on their own
	assert check_takes([(1, "Q-1", 5), (2, "Q-1", 5), (3, "Q-2", 4)], left) == []
	assert [p.idx for p in check_takes([(1, "Q-1", 6), (2, "Q-1", 5), (3, "Q-2", 4.5)], left)] == [2, 3]
	# a row of an unknown source is left to the caller; a zero quantity is not positive
	assert check_takes([(1, "X", 99)], left) == []
	assert [p.rule for p in check_takes([(1, "Q-1", 0)], left)] == ["positive"]
