# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt


import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import flt

from sales_crm.controllers.selling import SellingController
from sales_crm.flows.commissions import update_basic_commission
from sales_crm.rules.fulfilment import check_take, percent_done
from sales_crm.rules.pricing import check_percent
from sales_crm.rules.status import contract_status, percent
from sales_crm.validation import throw, throw_problems


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
		contact: DF.Link | None
		contract_no: DF.Data | None
		contract_type: DF.Literal["Standard", "Framework", "Service"]
		currency: DF.Link
		customer: DF.Link
		customer_address: DF.Link | None
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
		self.validate_against_quotation()
		self.calculate_totals()
		self.calculate_commission()
		self.set_status()

	def validate_against_quotation(self):
		if not self.quotation:
			return
		quotation = frappe.get_doc("Sales Quotation", self.quotation)
		if quotation.docstatus != 1 or quotation.status != "Accepted":
			throw(
				self,
				_("quotation {0} is {1}; a contract needs an Accepted quotation").format(
					quotation.name, _(quotation.status)
				),
				"quotation",
			)
		for fieldname in ("customer", "currency", "price_strategy"):
			if (self.get(fieldname) or None) != (quotation.get(fieldname) or None):
				throw(
					self,
					_("must equal the quotation's ({0})").format(quotation.get(fieldname) or _("empty")),
					fieldname,
				)
		self.opportunity = quotation.opportunity
		contracted = contracted_qty(quotation.name, exclude=self.name)
		quoted = {row.name: row for row in quotation.items}
		problems = []
		for row in self.items:
			source = quoted.get(row.quotation_item)
			if not source:
				throw(self, _("row {0} is not an item of quotation {1}").format(row.idx, quotation.name))
			problem = check_take(row.idx, "qty", row.qty, source.qty - contracted.get(source.name, 0))
			if problem:
				problems.append(problem)
		throw_problems(self, problems)

	def calculate_commission(self):
		throw_problems(self, [p for p in [check_percent("commission_rate", self.commission_rate)] if p])
		self.total_commission = flt(flt(self.grand_total) * flt(self.commission_rate) / 100, 2)

	def set_status(self, update: bool = False):
		self.status = contract_status(self.docstatus, self.per_ordered, self.per_collected)
		if update:
			self.db_set("status", self.status, update_modified=False)

	def on_submit(self):
		self.set_status(update=True)
		self.update_opportunity()
		update_basic_commission(self)

	def before_cancel(self):
		orders = frappe.get_all(
			"Customer Order", filters={"sales_contract": self.name, "docstatus": 1}, pluck="name"
		)
		receivables = frappe.get_all(
			"Sales Receivable", filters={"sales_contract": self.name, "docstatus": 1}, pluck="name"
		)
		if orders or receivables:
			throw(
				self, _("cancel what is booked against it first: {0}").format(", ".join(orders + receivables))
			)

	def on_cancel(self):
		self.set_status(update=True)
		self.update_opportunity()
		update_basic_commission(self)

	def update_opportunity(self):
		if self.opportunity:
			frappe.get_doc("Sales Opportunity", self.opportunity, for_update=True).update_won()

	def update_ordered(self):
		"""Ordered quantities and % from the submitted orders; called under the contract's row lock."""
		ordered = ordered_qty(self.name)
		for row in self.items:
			row.db_set("ordered_qty", ordered.get(row.name, 0), update_modified=False)
		self.db_set(
			"per_ordered", percent_done([(r.qty, r.ordered_qty) for r in self.items]), update_modified=False
		)
		self.set_status(update=True)

	def update_collected(self, received: float):
		self.db_set("per_collected", percent(received, self.grand_total), update_modified=False)
		self.set_status(update=True)


def contracted_qty(quotation: str, exclude: str | None = None) -> dict[str, float]:
	"""Quantity per quotation row already in submitted contracts."""
	item = frappe.qb.DocType("Sales Contract Item")
	contract = frappe.qb.DocType("Sales Contract")
	query = (
		frappe.qb.from_(item)
		.join(contract)
		.on(contract.name == item.parent)
		.select(item.quotation_item, Sum(item.qty))
		.where((contract.quotation == quotation) & (contract.docstatus == 1))
		.groupby(item.quotation_item)
	)
	if exclude:
		query = query.where(contract.name != exclude)
	return {row: flt(qty) for row, qty in query.run()}


def ordered_qty(contract: str, exclude: str | None = None) -> dict[str, float]:
	"""Quantity per contract row already in submitted orders."""
	item = frappe.qb.DocType("Customer Order Item")
	order = frappe.qb.DocType("Customer Order")
	query = (
		frappe.qb.from_(item)
		.join(order)
		.on(order.name == item.parent)
		.select(item.contract_item, Sum(item.qty))
		.where((order.sales_contract == contract) & (order.docstatus == 1))
		.groupby(item.contract_item)
		.for_update()
	)
	if exclude:
		query = query.where(order.name != exclude)
	return {row: flt(qty) for row, qty in query.run()}
