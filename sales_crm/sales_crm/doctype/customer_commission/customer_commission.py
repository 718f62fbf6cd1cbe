# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CustomerCommission(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		commission_amount: DF.Currency
		commission_basis: DF.Literal["Sales Amount", "Paid Amount"]
		commission_name: DF.Data
		commission_paid_amount: DF.Currency
		commission_rate: DF.Percent
		contact_person: DF.Data | None
		currency: DF.Link | None
		customer: DF.Link | None
		customer_paid_amount: DF.Currency
		from_date: DF.Date | None
		naming_series: DF.Literal["CC-.YYYY.-"]
		sales_amount: DF.Currency
		sales_contract: DF.Link
		sales_person: DF.Link | None
		status: DF.Literal["Drafting", "Under Approval", "Executing", "Closed"]
		to_date: DF.Date | None
	# end: auto-generated types
	pass
