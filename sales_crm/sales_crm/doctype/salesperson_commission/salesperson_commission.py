# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SalespersonCommission(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.salesperson_commission_detail.salesperson_commission_detail import (
			SalespersonCommissionDetail,
		)

		accrued_amount: DF.Currency
		amended_from: DF.Link | None
		base_amount: DF.Currency
		commission_basis: DF.Literal["Contract Amount", "Collected Amount"]
		commission_date: DF.Date
		commission_name: DF.Data
		commission_rate: DF.Percent
		commission_type: DF.Literal["Basic", "Monthly", "Quarterly", "Half-Yearly", "Annual"]
		contract_amount: DF.Currency
		contract_type: DF.Data | None
		contracts: DF.Table[SalespersonCommissionDetail]
		currency: DF.Link | None
		from_date: DF.Date | None
		naming_series: DF.Literal["SPC-.YYYY.-"]
		outstanding_amount: DF.Currency
		paid_amount: DF.Currency
		sales_contract: DF.Link | None
		sales_department: DF.Link | None
		sales_person: DF.Link
		status: DF.Literal["Draft", "Accrued", "Partly Paid", "Paid", "Cancelled"]
		to_date: DF.Date | None
	# end: auto-generated types
	pass
