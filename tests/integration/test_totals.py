"""Totals are the server's: recomputed on save, whatever the client sent; bad numbers are refused."""

import frappe
import pytest
from factories import deliver_all, make_customer, make_product, pipeline, selling_doc, sent_statements
from frappe.utils import random_string

SELLING = ("Sales Quotation", "Sales Contract", "Customer Order")


@pytest.mark.parametrize("doctype", SELLING)
def test_totals_are_recomputed_from_the_rows(doctype):
	product = make_product(standard_rate=200)
	doc = selling_doc(
		doctype,
		[
			{"product": product.name, "qty": 3, "price_list_rate": 200, "discount_percentage": 15, "rate": 1},
			{"qty": 2.5, "price_list_rate": 0, "rate": 99.99, "amount": 5},
		],
		tax_rate=13,
		grand_total=1,
		net_total=1,
		currency="USD",
		exchange_rate=7.2,
	)
	doc.reload()
	assert [(r.rate, r.amount) for r in doc.items] == [(170.0, 510.0), (99.99, 249.98)]
	assert doc.total_qty == 5.5
	assert doc.net_total == 759.98
	assert doc.tax_amount == 98.8  # 98.7974 rounded
	assert doc.grand_total == 858.78
	assert doc.base_net_total == 5471.86  # 759.98 × 7.2 = 5471.856
	assert doc.base_grand_total == 6183.22  # 858.78 × 7.2 = 6183.216
	assert doc.items[0].base_amount == 3672.0


def test_company_currency_forces_exchange_rate_one():
	doc = selling_doc(
		"Customer Order", [{"qty": 2, "price_list_rate": 50}], currency="CNY", exchange_rate=3, tax_rate=0
	)
	assert doc.exchange_rate == 1
	assert doc.base_grand_total == doc.grand_total == 100


def test_price_strategy_discount_applies_to_rows_without_their_own():
	strategy = frappe.get_doc(
		{"doctype": "Price Strategy", "strategy_name": "Key accounts 10%", "discount_percentage": 10}
	).insert()
	doc = selling_doc(
		"Sales Quotation",
		[{"qty": 1, "price_list_rate": 100}, {"qty": 1, "price_list_rate": 100, "discount_percentage": 25}],
		price_strategy=strategy.name,
		tax_rate=0,
	)
	assert [r.rate for r in doc.items] == [90, 75]
	assert doc.grand_total == 165


def test_contract_commission_and_number():
	doc = selling_doc("Sales Contract", [{"qty": 4, "price_list_rate": 250}], tax_rate=10, commission_rate=3)
	assert doc.grand_total == 1100
	assert doc.total_commission == 33
	assert doc.contract_no == doc.name and doc.name.startswith("CON-")
	assert doc.status == "Draft"
	doc.submit()
	assert frappe.db.get_value("Sales Contract", doc.name, "status") == "Signed"


def test_order_status_on_submit():
	doc = selling_doc("Customer Order", [{"qty": 1, "price_list_rate": 10}], tax_rate=0)
	assert doc.order_no == doc.name and doc.status == "Draft"
	doc.submit()
	assert frappe.db.get_value("Customer Order", doc.name, "status") == "To Deliver and Invoice"


BAD_ROWS = [
	({"qty": 0}, "row 1", "Quantity", "must be greater than 0"),
	({"qty": -2}, "row 1", "Quantity", "must be greater than 0"),
	({"qty": 1, "price_list_rate": 0, "rate": -5}, "row 1", "Rate", "cannot be negative"),
	({"qty": 1, "price_list_rate": -5}, "row 1", "Price List Rate", "cannot be negative"),
	({"qty": 1, "discount_percentage": 101}, "row 1", "Discount (%)", "between 0 and 100%"),
	({"qty": 1, "discount_percentage": -1}, "row 1", "Discount (%)", "between 0 and 100%"),
]


@pytest.mark.parametrize("doctype", SELLING)
@pytest.mark.parametrize("row, where, label, rule", BAD_ROWS)
def test_bad_item_numbers_are_refused_and_nothing_is_saved(doctype, row, where, label, rule):
	customer = make_customer()
	before = frappe.db.count(doctype), frappe.db.count(frappe.get_meta(doctype).get_field("items").options)
	row = {"price_list_rate": 100, **row}
	with pytest.raises(frappe.ValidationError) as caught:
		selling_doc(doctype, [{"qty": 1, "price_list_rate": 10}, row][1:], customer=customer.name, tax_rate=0)
	message = str(caught.value)
	assert doctype in message and where in message and label in message and rule in message, message
	after = frappe.db.count(doctype), frappe.db.count(frappe.get_meta(doctype).get_field("items").options)
	assert after == before


@pytest.mark.parametrize(
	"fields, label, rule",
	[
		({"tax_rate": 100.5}, "Tax Rate (%)", "between 0 and 100%"),
		({"tax_rate": -1}, "Tax Rate (%)", "between 0 and 100%"),
		({"currency": "USD", "exchange_rate": 0}, "Exchange Rate", "must be greater than 0"),
		({"currency": "USD", "exchange_rate": -7}, "Exchange Rate", "must be greater than 0"),
	],
)
@pytest.mark.parametrize("doctype", SELLING)
def test_bad_document_numbers_are_refused(doctype, fields, label, rule):
	before = frappe.db.count(doctype)
	with pytest.raises(frappe.ValidationError) as caught:
		selling_doc(doctype, [{"qty": 1, "price_list_rate": 10}], **fields)
	message = str(caught.value)
	assert label in message and rule in message and doctype in message, message
	assert frappe.db.count(doctype) == before


def test_every_problem_is_listed_at_once():
	with pytest.raises(frappe.ValidationError) as caught:
		selling_doc(
			"Sales Quotation",
			[
				{"qty": 0, "price_list_rate": 10},
				{"qty": 1, "price_list_rate": 10, "discount_percentage": 300},
			],
			tax_rate=200,
		)
	message = str(caught.value)
	assert "row 1" in message and "row 2" in message and "Tax Rate" in message


def test_an_update_is_recomputed_too():
	doc = selling_doc("Sales Quotation", [{"qty": 1, "price_list_rate": 100}], tax_rate=0)
	doc.items[0].qty = 7
	doc.grand_total = 3
	doc.save()
	assert frappe.db.get_value("Sales Quotation", doc.name, "grand_total") == 700


def test_a_posting_re_sums_only_what_it_moves():
	"""An invoice enters its amount into its order's invoiced sum, and nothing into the collections (it has
	received nothing yet): those sums are not re-read; a receipt that pays it moves them. The books hold
	after each."""
	from invariants import violations

	from sales_crm import api

	p = pipeline(upto="order")
	deliver_all(p.order)
	invoiced = []
	sent = sent_statements(
		lambda: invoiced.append(api.invoice_order(p.order, f"INV-{random_string(6)}", "2026-11-01", 600))
	)
	receivable = invoiced[0]
	# the statements without case, quotes, aliases or spaces: "set invoiced_amount=(select"
	updates = [
		q.lower().replace("`", "").replace(" ", "").replace("t.", "")
		for q in sent
		if q.lower().startswith("update")
	]
	assert any("invoiced_amount=(select" in q for q in updates), updates
	assert not any("received_amount=(select" in q or "collected_amount=(select" in q for q in updates)
	assert violations(fresh=False) == []

	frappe.db.set_value("Sales Receivable", receivable, "sales_person", "Administrator")  # an owner to take
	receipt = frappe.get_doc(
		{
			"doctype": "Sales Receipt",
			"receipt_type": "Payment",
			"customer": p.customer,
			"currency": frappe.db.get_value("Customer Order", p.order, "currency"),
			"allocations": [{"sales_receivable": receivable, "allocated_amount": 250}],
		}
	).insert()
	receipt.submit()
	# the receipt takes its owner from the receivable it settles
	assert receipt.sales_person == "Administrator"
	assert frappe.db.get_value("Sales Contract", p.contract, "collected_amount") == 250
	assert frappe.db.get_value("Customer Order", p.order, "received_amount") == 250
	assert violations(fresh=False) == []
