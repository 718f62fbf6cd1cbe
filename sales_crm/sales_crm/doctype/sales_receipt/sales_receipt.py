# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SalesReceipt(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_receipt_allocation.sales_receipt_allocation import (
			SalesReceiptAllocation,
		)

		allocations: DF.Table[SalesReceiptAllocation]
		amended_from: DF.Link | None
		base_paid_amount: DF.Currency
		company_currency: DF.Link | None
		currency: DF.Link
		customer: DF.Link
		customer_order: DF.Link | None
		exchange_rate: DF.Float
		naming_series: DF.Literal["RCPT-.YYYY.-"]
		outstanding_before: DF.Currency
		paid_amount: DF.Currency
		previously_received: DF.Currency
		receipt_date: DF.Date
		receipt_type: DF.Literal["Payment", "Advance", "Refund"]
		receivable_amount: DF.Currency
		reference_no: DF.Data | None
		remarks: DF.SmallText | None
		sales_contract: DF.Link | None
		sales_person: DF.Link | None
		total_amount: DF.Currency
		write_off_amount: DF.Currency
	# end: auto-generated types
	pass
