# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe
from frappe.utils import flt

from sales_crm.controllers.selling import SellingController
from sales_crm.status import order_status


class CustomerOrder(SellingController):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.customer_order_item.customer_order_item import CustomerOrderItem

		amended_from: DF.Link | None
		base_grand_total: DF.Currency
		base_net_total: DF.Currency
		base_tax_amount: DF.Currency
		company_currency: DF.Link | None
		contact_person: DF.Data | None
		credit_days: DF.Int
		currency: DF.Link
		customer: DF.Link
		delivery_address: DF.SmallText | None
		delivery_date: DF.Date | None
		delivery_method: DF.Literal["Own Delivery", "Customer Pickup", "Courier"]
		exchange_rate: DF.Float
		grand_total: DF.Currency
		invoiced_amount: DF.Currency
		items: DF.Table[CustomerOrderItem]
		naming_series: DF.Literal["ORD-.YYYY.-"]
		net_total: DF.Currency
		opportunity: DF.Link | None
		order_date: DF.Date
		order_no: DF.Data | None
		order_source: DF.Literal["Direct", "Contract", "Quotation"]
		order_type: DF.Literal["Standard", "Sample", "Replacement"]
		per_collected: DF.Percent
		per_delivered: DF.Percent
		per_invoiced: DF.Percent
		price_strategy: DF.Link | None
		quotation: DF.Link | None
		sales_contract: DF.Link | None
		sales_department: DF.Link | None
		sales_mode: DF.Literal["Direct", "Distribution", "Consignment", "Online"]
		sales_person: DF.Link | None
		settlement_method: DF.Literal["Bank Transfer", "Cash", "Cheque", "Acceptance Draft", "Credit"]
		status: DF.Literal[
			"Draft", "To Deliver and Invoice", "To Invoice", "To Deliver", "Completed", "Cancelled"
		]
		tax_amount: DF.Currency
		tax_rate: DF.Percent
		total_qty: DF.Float

	# end: auto-generated types
	def validate(self):
		self.order_no = self.name
		self.set_missing_values()
		self.calculate_totals()
		self.set_status()

	def set_status(self, update: bool = False):
		self.status = order_status(self.docstatus, self.per_delivered, self.per_invoiced)
		if update:
			self.db_set("status", self.status, update_modified=False)

	def on_submit(self):
		self.set_status(update=True)

	def on_cancel(self):
		self.set_status(update=True)
