# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument


class SalesReceiptAllocation(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allocated_amount: DF.Currency
		customer_order: DF.Link | None
		invoice_no: DF.Data | None
		outstanding_amount: DF.Currency
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		payment_plan_line: DF.Data | None
		sales_contract: DF.Link | None
		sales_receivable: DF.Link
		settled_on: DF.Date | None
		write_off_amount: DF.Currency
	# end: auto-generated types
	pass


def on_doctype_update():
	from sales_crm.chain import add_indexes
	from sales_crm.report_indexes import add_report_indexes

	add_indexes("Sales Receipt Allocation")
	add_report_indexes("Sales Receipt Allocation")
