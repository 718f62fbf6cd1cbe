"""Contracts, orders, receivables and receipts are titled by their customer's name (``customer_name``,
fetched from the customer on save): the records stored before the field existed, or bulk-loaded by the demo,
get it with one set-based UPDATE per DocType, without touching ``modified``."""

import frappe

TITLED_BY_CUSTOMER = ("Sales Contract", "Customer Order", "Sales Receivable", "Sales Receipt")


def execute():
	fill_customer_names()


def fill_customer_names(doctypes=TITLED_BY_CUSTOMER) -> None:
	for doctype in doctypes:
		# the target column qualified: both tables have a customer_name (pypika leaves SET's unqualified)
		frappe.db.sql(
			f"""update `tab{doctype}` t join `tabSales Customer` c on c.name = t.customer
			set t.customer_name = c.customer_name
			where t.customer_name is null or t.customer_name = ''"""
		)
