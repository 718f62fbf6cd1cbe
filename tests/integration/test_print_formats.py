"""The bilingual print formats (amount in Chinese capitals, every value escaped) and the connections."""

import frappe
import pytest
from factories import deliver_all, make_customer, selling_doc

XSS = "<img src=x onerror=alert(1)>"


def xss_customer():
	"""Frappe strips HTML from Data fields it saves; a name stored by other means must print as text too."""
	customer = make_customer()
	frappe.db.set_value("Sales Customer", customer.name, "customer_name", XSS)
	return customer


FORMATS = {
	"Sales Quotation": "Sales Quotation Bilingual",
	"Sales Contract": "Sales Contract Bilingual",
	"Customer Order": "Customer Order Bilingual",
	"Sales Receipt": "Sales Receipt Bilingual",
}


def test_formats_are_installed_standard_jinja():
	for doctype, name in FORMATS.items():
		pf = frappe.get_doc("Print Format", name)
		assert (pf.doc_type, pf.standard, pf.print_format_type, pf.custom_format, pf.module) == (
			doctype,
			"Yes",
			"Jinja",
			1,
			"Sales CRM",
		)


@pytest.mark.parametrize("doctype", ["Sales Quotation", "Customer Order"])
def test_print_shows_capitals_and_escapes(doctype):
	customer = xss_customer()
	doc = selling_doc(
		doctype,
		[{"qty": 12, "price_list_rate": 100}],
		customer=customer.name,
		tax_rate=0,
	)
	text_field = "payment_terms" if doctype == "Sales Quotation" else "delivery_address"
	frappe.db.set_value(doctype, doc.name, text_field, "<script>alert(2)</script>")
	assert doc.grand_total == 1200
	html = frappe.get_print(doctype, doc.name, FORMATS[doctype])
	assert "壹仟贰佰元整" in html
	assert "报价单" in html or "销售订单" in html
	assert XSS not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
	assert "<script>alert(2)" not in html


def test_receipt_print():
	customer = xss_customer()
	order = selling_doc(
		"Customer Order", [{"qty": 1, "price_list_rate": 1234.56}], customer=customer.name, tax_rate=0
	)
	order.submit()
	from sales_crm import api

	deliver_all(order.name)
	receivable = api.invoice_order(order.name, "PF-1", frappe.utils.today())
	receipt = frappe.get_doc(api.make_receipt(receivable)).insert()
	html = frappe.get_print("Sales Receipt", receipt.name, FORMATS["Sales Receipt"])
	assert "壹仟贰佰叁拾肆元伍角陆分" in html
	assert XSS not in html and "&lt;img" in html


def test_connections_count_the_chain():
	from frappe.desk.notifications import get_open_count

	customer = make_customer()
	order = selling_doc(
		"Customer Order", [{"qty": 2, "price_list_rate": 50}], customer=customer.name, tax_rate=0
	)
	order.submit()
	from sales_crm import api

	deliver_all(order.name)
	receivable = api.invoice_order(order.name, "CN-1", frappe.utils.today())
	receipt = frappe.get_doc(api.make_receipt(receivable)).insert()

	def counts(doctype, name):
		found = get_open_count(doctype, name)["count"]
		return {
			d["doctype"]: d["count"] for d in found["external_links_found"] + found["internal_links_found"]
		}

	assert counts("Customer Order", order.name)["Sales Receivable"] == 1
	assert counts("Customer Order", order.name)["Sales Receipt"] == 1
	assert counts("Sales Receivable", receivable)["Sales Receipt"] == 1
	assert counts("Sales Receivable", receivable)["Customer Order"] == 1
	assert counts("Sales Receipt", receipt.name)["Sales Receivable"] == 1
	assert counts("Sales Customer", customer.name)["Customer Order"] == 1
	for doctype in (
		"Sales Lead",
		"Sales Opportunity",
		"Sales Quotation",
		"Sales Contract",
		"Customer Commission",
	):
		assert frappe.get_meta(doctype).get_dashboard_data().transactions, doctype
