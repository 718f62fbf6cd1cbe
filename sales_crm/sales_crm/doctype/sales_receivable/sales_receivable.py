# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SalesReceivable(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_from: DF.Link | None
		base_outstanding_amount: DF.Currency
		base_total_amount: DF.Currency
		company_currency: DF.Link | None
		currency: DF.Link
		customer: DF.Link
		customer_order: DF.Link
		description: DF.SmallText | None
		due_date: DF.Date | None
		exchange_rate: DF.Float
		invoice_date: DF.Date
		invoice_no: DF.Data
		is_overdue: DF.Check
		naming_series: DF.Literal["AR-.YYYY.-"]
		opportunity: DF.Link | None
		outstanding_amount: DF.Currency
		posting_date: DF.Date
		received_amount: DF.Currency
		sales_contract: DF.Link | None
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		settlement_method: DF.Literal["Bank Transfer", "Cash", "Cheque", "Acceptance Draft", "Credit"]
		status: DF.Literal["Unpaid", "Paid"]
		total_amount: DF.Currency
		write_off_amount: DF.Currency
	# end: auto-generated types
	pass
