"""Contracts, orders, receivables and receipts are titled by their customer's name (``customer_name``,
fetched from the customer on save): the records stored before the field existed, or bulk-loaded by the demo,
get it with one set-based UPDATE per DocType, without touching ``modified``."""

import frappe

TITLED_BY_CUSTOMER = ("Sales Contract", "Customer Order", "Sales Receivable", "Sales Receipt")


def execute():
	fill_customer_names()


def fill_customer_names(doctypes=TITLED_BY_CUSTOMER) -> None:
	customer = frappe.qb.DocType("Sales Customer")
	for doctype in doctypes:
		table = frappe.qb.DocType(doctype)
		(
			frappe.qb.update(table)
			.join(customer)
			.on(customer.name == table.customer)
			.set(table.customer_name, customer.customer_name)
			.where(table.customer_name.isnull() | (table.customer_name == ""))
			.run()
		)
