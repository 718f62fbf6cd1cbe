# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument


class CustomerOrderItem(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		base_amount: DF.Currency
		base_rate: DF.Currency
		contract_item: DF.Data | None
		delivered_qty: DF.Float
		discount_percentage: DF.Percent
		invoiced_qty: DF.Float
		order_date: DF.Date | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		price_list_rate: DF.Currency
		product: DF.Link
		product_name: DF.Data | None
		qty: DF.Float
		quotation_item: DF.Data | None
		rate: DF.Currency
		sales_person: DF.Link | None
		specification: DF.Data | None
		uom: DF.Data | None
	# end: auto-generated types
	pass


def on_doctype_update():
	from sales_crm.chain import add_indexes
	from sales_crm.report_indexes import add_report_indexes

	add_indexes("Customer Order Item")
	add_report_indexes("Customer Order Item")
