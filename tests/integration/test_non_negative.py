"""Quantities, rates and amounts are `non_negative` in the DocTypes: Frappe itself refuses a negative one."""

import frappe
import pytest
from factories import make_product

NUMERIC = ("Currency", "Float", "Int", "Percent")
# a counter, not a quantity; the forecast's error against what happened, in % (under or over); a receipt's
# days to pay (below 0 when it is dated before its invoice)
SIGNED = {
	("Sales Quotation", "version"),
	("Customer Mining Run", "holdout_error"),
	("Sales Receipt", "days_to_pay"),
	("Sales Receipt", "allocated_days"),
}


def test_every_quantity_rate_and_amount_is_non_negative():
	doctypes = frappe.get_all("DocType", filters={"module": "Sales CRM"}, pluck="name")
	fields = [
		(doctype, df.fieldname)
		for doctype in doctypes
		for df in frappe.get_meta(doctype).fields
		if df.fieldtype in NUMERIC and (doctype, df.fieldname) not in SIGNED
	]
	assert len(fields) > 100
	assert [f for f in fields if not frappe.get_meta(f[0]).get_field(f[1]).non_negative] == []


def test_a_negative_standard_rate_is_refused_and_nothing_is_saved():
	product = make_product(standard_rate=10)
	product.standard_rate = -1
	with pytest.raises(frappe.NonNegativeError, match="Standard Rate"):
		product.save()
	assert frappe.db.get_value("Sales Product", product.name, "standard_rate") == 10
