import pytest

from sales_crm.rules.status import (
	commission_status,
	contract_status,
	order_status,
	percent,
	receivable_status,
)


@pytest.mark.parametrize(
	"docstatus, delivered, invoiced, expected",
	[
		(0, 0, 0, "Draft"),
		(2, 100, 100, "Cancelled"),
		(1, 0, 0, "To Deliver and Invoice"),
		(1, 50, 0, "To Deliver and Invoice"),
		(1, 100, 40, "To Invoice"),
		(1, 30, 100, "To Deliver"),
		(1, 100, 100, "Completed"),
		(1, None, None, "To Deliver and Invoice"),
	],
)
def test_order_status(docstatus, delivered, invoiced, expected):
	assert order_status(docstatus, delivered, invoiced) == expected


@pytest.mark.parametrize(
	"docstatus, ordered, collected, expected",
	[
		(0, 0, 0, "Draft"),
		(1, 0, 0, "Signed"),
		(1, 100, 99.9, "Signed"),
		(1, 100, 100, "Completed"),
		(2, 0, 0, "Cancelled"),
	],
)
def test_contract_status(docstatus, ordered, collected, expected):
	assert contract_status(docstatus, ordered, collected) == expected


def test_receivable_status():
	assert receivable_status(0.01) == "Unpaid"
	assert receivable_status(0) == "Paid"
	assert receivable_status(None) == "Paid"


@pytest.mark.parametrize(
	"docstatus, accrued, paid, expected",
	[
		(0, 100, 0, "Draft"),
		(1, 100, 0, "Accrued"),
		(1, 100, 40, "Partly Paid"),
		(1, 100, 100, "Paid"),
		(2, 100, 0, "Cancelled"),
	],
)
def test_commission_status(docstatus, accrued, paid, expected):
	assert commission_status(docstatus, accrued, paid) == expected


def test_percent_is_capped_and_safe():
	assert percent(50, 200) == 25.0
	assert percent(300, 200) == 100.0
	assert percent(-5, 200) == 0.0
	assert percent(5, 0) == 0.0
	assert percent(1, 3) == 33.333333
