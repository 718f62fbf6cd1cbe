"""Test records, built the way a user would build them (ERPNext's make_* factories, in small)."""

import frappe
from frappe.utils import random_string


def make_customer(**kwargs):
	doc = frappe.get_doc(
		{
			"doctype": "Sales Customer",
			"customer_name": kwargs.pop("customer_name", f"Acme {random_string(6)}"),
		}
	)
	doc.update(kwargs)
	return doc.insert()


def make_product(**kwargs):
	code = kwargs.pop("product_code", f"P-{random_string(8)}")
	doc = frappe.get_doc(
		{
			"doctype": "Sales Product",
			"product_code": code,
			"product_name": kwargs.pop("product_name", f"Product {code}"),
			"uom": kwargs.pop("uom", "Box"),
			"standard_rate": kwargs.pop("standard_rate", 100),
		}
	)
	doc.update(kwargs)
	return doc.insert()


def selling_doc(doctype: str, items: list[dict], insert: bool = True, **kwargs):
	"""A quotation, contract or order with the given item rows (each needs at least ``qty``)."""
	customer = kwargs.pop("customer", None) or make_customer().name
	rows = []
	for row in items:
		row = dict(row)
		if "product" not in row:
			row["product"] = make_product(standard_rate=row.get("price_list_rate", 100)).name
		rows.append(row)
	doc = frappe.get_doc({"doctype": doctype, "customer": customer, "items": rows, **kwargs})
	if doctype == "Sales Quotation":
		doc.title = doc.title or "Test quotation"
	return doc.insert() if insert else doc
