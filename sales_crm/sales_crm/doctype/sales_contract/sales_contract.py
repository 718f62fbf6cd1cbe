# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe
from frappe.utils import flt

from sales_crm.controllers.selling import SellingController
from sales_crm.status import contract_status


class SalesContract(SellingController):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_contract_item.sales_contract_item import SalesContractItem

		amended_from: DF.Link | None
		base_grand_total: DF.Currency
		base_net_total: DF.Currency
		base_tax_amount: DF.Currency
		commission_rate: DF.Percent
		company_currency: DF.Link | None
		contract_no: DF.Data | None
		contract_type: DF.Literal["Standard", "Framework", "Service"]
		currency: DF.Link
		customer: DF.Link
		end_date: DF.Date | None
		exchange_rate: DF.Float
		grand_total: DF.Currency
		items: DF.Table[SalesContractItem]
		naming_series: DF.Literal["CON-.YYYY.-"]
		net_total: DF.Currency
		opportunity: DF.Link | None
		payment_terms: DF.SmallText | None
		per_collected: DF.Percent
		per_ordered: DF.Percent
		price_strategy: DF.Link | None
		quotation: DF.Link | None
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		signed_on: DF.Date | None
		start_date: DF.Date | None
		status: DF.Literal["Draft", "Signed", "Completed", "Cancelled"]
		tax_amount: DF.Currency
		tax_rate: DF.Percent
		total_commission: DF.Currency
		total_qty: DF.Float

	# end: auto-generated types
	def validate(self):
		self.contract_no = self.name
		self.set_missing_values()
		self.calculate_totals()
		self.calculate_commission()
		self.set_status()

	def calculate_commission(self):
		self.total_commission = flt(
			self.grand_total * flt(self.commission_rate) / 100, self.precision("total_commission")
		)

	def set_status(self, update: bool = False):
		self.status = contract_status(self.docstatus, self.per_ordered, self.per_collected)
		if update:
			self.db_set("status", self.status, update_modified=False)

	def on_submit(self):
		self.set_status(update=True)

	def on_cancel(self):
		self.set_status(update=True)
