# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt


import frappe
from frappe import _

from sales_crm import chain
from sales_crm.controllers.selling import ApprovedSellingController
from sales_crm.flows.collections import fill_due_dates, set_payment_plan
from sales_crm.flows.quotations import check_not_expired
from sales_crm.permissions import add_scope_indexes
from sales_crm.report_indexes import add_report_indexes
from sales_crm.rules.fulfilment import check_takes, remaining
from sales_crm.rules.status import order_status
from sales_crm.validation import throw, throw_problems


class CustomerOrder(ApprovedSellingController):
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
		lead_source: DF.Data | None
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
		self.flags.source_contract = None  # read once per save (validate_source, the terms, before_submit)
		self.order_no = self.name
		self.set_missing_values()
		self.validate_source()
		self.calculate_totals()
		set_payment_plan(self)
		self.set_approval()
		self.set_status()

	def validate_source(self):
		if self.sales_contract:
			self.order_source = "Contract"
			contract = self.source_contract()
			chain.require_ready(chain.copy_of("Customer Order", "Sales Contract"), contract, self)
			self.validate_same_as(contract)
			self.quotation = contract.quotation
			self.opportunity = contract.opportunity
			if self._action != "submit":  # before_submit checks them under the contract's lock
				self.validate_quantities(contract, "contract_item")
		elif self.quotation:
			self.order_source = "Quotation"
			quotation = frappe.get_doc("Sales Quotation", self.quotation)
			chain.require_ready(chain.copy_of("Customer Order", "Sales Quotation"), quotation, self)
			if self.docstatus == 0:
				check_not_expired(quotation, "order", doc=self)
			self.validate_same_as(quotation)
			self.opportunity = quotation.opportunity

	def source_contract(self):
		contract = self.flags.source_contract
		if not contract or contract.name != self.sales_contract:
			contract = self.flags.source_contract = frappe.get_doc("Sales Contract", self.sales_contract)
		return contract

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
		ordered = chain.taken("ordered", contract.name, exclude=self.name)
		rows = {row.name: row for row in contract.items}
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
		left = {name: remaining(row.qty, ordered.get(name, 0)) for name, row in rows.items()}
		throw_problems(self, check_takes(((r.idx, r.get(link_field), r.qty) for r in self.items), left))

	def set_status(self, update: bool = False):
		"""The status from the figures; ``update``: stored too, when it moved (a submit's was set by its
		``validate`` already, a cancel's was not)."""
		status = order_status(self.docstatus, self.per_delivered, self.per_invoiced)
		if update and status != self.status:
			self.db_set("status", status, update_modified=False)
		self.status = status

	def approval_source(self):
		"""An order made straight from a quotation is checked against it; a direct order has nothing
		approved behind it. (An order of a signed contract needs no approval: ``set_approval``.)"""
		if self.quotation:
			return frappe.get_doc("Sales Quotation", self.quotation), chain.copy_of(
				"Customer Order", "Sales Quotation"
			)
		return None, None

	def set_approval(self):
		if self.sales_contract:
			# the contract is signed: the order copies it exactly (``validate_contract_terms``)
			self.validate_contract_terms()
			self.keep_approval_fields()
			self.needs_approval = 0
			self.approval_reasons = None
			return
		super().set_approval()

	def validate_contract_terms(self):
		"""The contract is signed: its prices, discounts and tax are the order's, without exception."""
		contract = self.source_contract()
		found = chain.drift(self, contract, chain.copy_of("Customer Order", "Sales Contract"))
		if found:
			reasons = "; ".join(self.describe_reason(("drift", *item), contract) for item in found)
			throw(self, _("must keep the signed contract's terms: {0}").format(reasons), "sales_contract")

	def before_submit(self):
		self.check_approval()
		# under the contract's row lock: two orders submitted at once cannot both take what remains
		chain.lock(self)
		if self.sales_contract:
			self.validate_quantities(self.source_contract(), "contract_item")
		fill_due_dates(self)

	def on_submit(self):
		self.set_status(update=True)
		chain.roll_up(self)

	def before_cancel(self):
		receivables = frappe.get_all(
			"Sales Receivable", filters={"customer_order": self.name, "docstatus": 1}, pluck="name"
		)
		if receivables:
			throw(self, _("it has receivables; cancel them first: {0}").format(", ".join(receivables)))
		chain.lock(self)

	def on_cancel(self):
		self.set_status(update=True)
		chain.roll_up(self)


def on_doctype_update():
	add_scope_indexes("Customer Order")
	from sales_crm.chain import add_indexes

	add_indexes("Customer Order")
	# a manager's count (their departments' rows or their own) reads this narrow index alone (issue 11)
	frappe.db.add_index("Customer Order", ["sales_person", "sales_department"])
	add_report_indexes("Customer Order")
