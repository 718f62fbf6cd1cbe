# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe
from frappe.utils import flt

from sales_crm.controllers.selling import SellingController


class SalesQuotation(SellingController):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_quotation_item.sales_quotation_item import SalesQuotationItem

		amended_from: DF.Link | None
		approved_by: DF.Link | None
		approved_on: DF.Datetime | None
		base_grand_total: DF.Currency
		base_net_total: DF.Currency
		base_tax_amount: DF.Currency
		company_currency: DF.Link | None
		currency: DF.Link
		customer: DF.Link
		exchange_rate: DF.Float
		grand_total: DF.Currency
		items: DF.Table[SalesQuotationItem]
		naming_series: DF.Literal["QTN-.YYYY.-"]
		net_total: DF.Currency
		opportunity: DF.Link | None
		payment_terms: DF.SmallText | None
		price_strategy: DF.Link | None
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		status: DF.Literal["Quoting", "Approved", "Accepted", "Rejected"]
		tax_amount: DF.Currency
		tax_rate: DF.Percent
		title: DF.Data
		total_qty: DF.Float
		transaction_date: DF.Date
		valid_till: DF.Date | None
		version: DF.Int

	# end: auto-generated types
	def validate(self):
		self.set_missing_values()
		self.calculate_totals()
		if not self.title:
			self.title = self.customer_name_for_title()

	def customer_name_for_title(self) -> str:
		return frappe.db.get_value("Sales Customer", self.customer, "customer_name") or self.customer
