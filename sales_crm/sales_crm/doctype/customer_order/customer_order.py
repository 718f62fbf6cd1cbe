# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt


import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import flt

from sales_crm.controllers.selling import SellingController
from sales_crm.rules.fulfilment import check_take, percent_done
from sales_crm.rules.receivables import invoiced_qty
from sales_crm.rules.status import order_status, percent
from sales_crm.validation import throw, throw_problems


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
		contact: DF.Link | None
		contact_person: DF.Data | None
		credit_days: DF.Int
		currency: DF.Link
		customer: DF.Link
		customer_address: DF.Link | None
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
		self.validate_source()
		self.calculate_totals()
		self.set_status()

	def validate_source(self):
		if self.sales_contract:
			self.order_source = "Contract"
			contract = frappe.get_doc("Sales Contract", self.sales_contract)
			if contract.docstatus != 1 or contract.status not in ("Signed", "Completed"):
				throw(
					self,
					_("contract {0} is {1}; order only against a Signed contract").format(
						contract.name, _(contract.status)
					),
					"sales_contract",
				)
			self.validate_same_as(contract)
			self.quotation = contract.quotation
			self.opportunity = contract.opportunity
			self.validate_quantities(contract, "contract_item")
		elif self.quotation:
			self.order_source = "Quotation"
			quotation = frappe.get_doc("Sales Quotation", self.quotation)
			if quotation.docstatus != 1 or quotation.status != "Accepted":
				throw(
					self,
					_("quotation {0} is {1}; order only against an Accepted quotation").format(
						quotation.name, _(quotation.status)
					),
					"quotation",
				)
			self.validate_same_as(quotation)
			self.opportunity = quotation.opportunity

	def validate_same_as(self, source):
		for fieldname in ("customer", "currency"):
			if self.get(fieldname) != source.get(fieldname):
				throw(
					self,
					_("must equal {0} {1}'s ({2})").format(
						_(source.doctype), source.name, source.get(fieldname)
					),
					fieldname,
				)

	def validate_quantities(self, contract, link_field: str):
		"""No row may take more than the contract row has left (other submitted orders counted)."""
		from sales_crm.sales_crm.doctype.sales_contract.sales_contract import ordered_qty

		ordered = ordered_qty(contract.name, exclude=self.name)
		rows = {row.name: row for row in contract.items}
		problems = []
		for row in self.items:
			source = rows.get(row.get(link_field))
			if not source:
				throw(self, _("row {0} is not an item of contract {1}").format(row.idx, contract.name))
			if row.product != source.product:
				throw(
					self,
					_("row {0}: the product must be the contract row's ({1})").format(
						row.idx, source.product
					),
				)
			problem = check_take(row.idx, "qty", row.qty, source.qty - ordered.get(source.name, 0))
			if problem:
				problems.append(problem)
		throw_problems(self, problems)

	def set_status(self, update: bool = False):
		self.status = order_status(self.docstatus, self.per_delivered, self.per_invoiced)
		if update:
			self.db_set("status", self.status, update_modified=False)

	def on_submit(self):
		self.set_status(update=True)
		self.update_contract()

	def before_cancel(self):
		receivables = frappe.get_all(
			"Sales Receivable", filters={"customer_order": self.name, "docstatus": 1}, pluck="name"
		)
		if receivables:
			throw(self, _("it has receivables; cancel them first: {0}").format(", ".join(receivables)))

	def on_cancel(self):
		self.set_status(update=True)
		self.update_contract()

	def update_contract(self):
		if self.sales_contract:
			contract = frappe.get_doc("Sales Contract", self.sales_contract, for_update=True)
			if self.docstatus == 1:
				# re-check under the contract's lock: two orders submitted at once cannot both take the rest
				self.validate_quantities(contract, "contract_item")
			contract.update_ordered()

	def update_delivered(self):
		self.db_set(
			"per_delivered",
			percent_done([(r.qty, r.delivered_qty) for r in self.items]),
			update_modified=False,
		)
		self.set_status(update=True)

	def update_invoiced(self):
		"""Invoiced amount, quantities and % from the submitted receivables (under the order's row lock)."""
		receivable = frappe.qb.DocType("Sales Receivable")
		rows = (
			frappe.qb.from_(receivable)
			.select(
				Sum(receivable.total_amount),
				Sum(receivable.received_amount),
			)
			.where((receivable.customer_order == self.name) & (receivable.docstatus == 1))
			.for_update()
			.run()
		)
		invoiced, received = (flt(v) for v in rows[0])
		self.db_set("invoiced_amount", invoiced, update_modified=False)
		for row in self.items:
			row.db_set(
				"invoiced_qty", invoiced_qty(row.qty, invoiced, self.grand_total), update_modified=False
			)
		self.db_set("per_invoiced", percent(invoiced, self.grand_total), update_modified=False)
		self.db_set("per_collected", percent(received, self.grand_total), update_modified=False)
		self.set_status(update=True)
