# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt


import frappe
from frappe import _
from frappe.utils import flt

from sales_crm import chain
from sales_crm.controllers.selling import ApprovedSellingController
from sales_crm.flows.collections import fill_due_dates, set_payment_plan, settle_lines
from sales_crm.flows.commissions import policy_rate, update_basic_commission
from sales_crm.flows.quotations import check_not_expired
from sales_crm.permissions import add_scope_indexes
from sales_crm.report_indexes import add_report_indexes
from sales_crm.rules.fulfilment import check_takes, remaining
from sales_crm.rules.pricing import check_percent
from sales_crm.rules.status import contract_status
from sales_crm.validation import throw, throw_problems


class SalesContract(ApprovedSellingController):
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
		lead_source: DF.Data | None
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
		self.flags.source_quotation = None  # read once per save (its checks, the approval, before_submit)
		self.contract_no = self.name
		self.set_missing_values()
		if self._action != "submit":  # before_submit checks it under the quotation's lock
			self.validate_against_quotation()
		self.calculate_totals()
		self.calculate_commission()
		set_payment_plan(self)
		self.set_approval()
		self.set_status()

	def validate_against_quotation(self):
		if not self.quotation:
			return
		quotation = self.source_quotation()
		chain.require_ready(chain.copy_of("Sales Contract", "Sales Quotation"), quotation, self)
		if self.docstatus == 0:
			check_not_expired(quotation, "contract", doc=self)
		for fieldname in ("customer", "currency", "price_strategy"):
			if (self.get(fieldname) or None) != (quotation.get(fieldname) or None):
				throw(
					self,
					_("must equal the quotation's ({0})").format(quotation.get(fieldname) or _("empty")),
					fieldname,
				)
		self.opportunity = quotation.opportunity
		contracted = chain.taken("contracted", quotation.name, exclude=self.name)
		quoted = {row.name: row for row in quotation.items}
		for row in self.items:
			if row.quotation_item not in quoted:
				throw(self, _("row {0} is not an item of quotation {1}").format(row.idx, quotation.name))
		left = {name: remaining(row.qty, contracted.get(name, 0)) for name, row in quoted.items()}
		throw_problems(self, check_takes(((r.idx, r.quotation_item, r.qty) for r in self.items), left))

	def source_quotation(self):
		quotation = self.flags.source_quotation
		if not quotation or quotation.name != self.quotation:
			quotation = self.flags.source_quotation = frappe.get_doc("Sales Quotation", self.quotation)
		return quotation

	def calculate_commission(self):
		"""The department's policy gives the rate (an empty rate takes it); any other rate is left to a
		director (``set_approval``). ``total_commission``: what the Basic commission will accrue."""
		throw_problems(self, [p for p in [check_percent("commission_rate", self.commission_rate)] if p])
		policy = policy_rate(self.sales_person, self.sales_department)
		self.policy_commission_rate = policy.rate
		if self.commission_rate in (None, "") or (self.is_new() and not flt(self.commission_rate)):
			self.commission_rate = policy.rate  # unset (a new contract's zero is unset too)
		basic = flt(self.commission_rate) if policy.basic else 0
		self.total_commission = flt(flt(self.grand_total) * basic / 100, 2)

	def approval_source(self):
		if not self.quotation:
			return None, None
		return self.source_quotation(), chain.copy_of("Sales Contract", "Sales Quotation")

	def commission_rates(self):
		return self.commission_rate, self.policy_commission_rate

	def before_submit(self):
		self.check_approval()
		# the quotation (and opportunity) rows are locked: two contracts at once cannot both take the rest
		chain.lock(self)
		self.validate_against_quotation()
		self.signed_on = self.signed_on or frappe.utils.today()
		# lines due after signing are dated now; nothing is collected on a contract being signed
		fill_due_dates(self)
		settle_lines(self, 0)

	def set_status(self, update: bool = False):
		"""The status from the figures; ``update``: stored too, when it moved (a submit's was set by its
		``validate`` already, a cancel's was not)."""
		status = contract_status(self.docstatus, self.per_ordered, self.per_collected)
		if update and status != self.status:
			self.db_set("status", status, update_modified=False)
		self.status = status

	def on_submit(self):
		self.set_status(update=True)
		chain.roll_up(self)
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
		chain.lock(self)

	def on_cancel(self):
		self.set_status(update=True)
		chain.roll_up(self)
		update_basic_commission(self)


def on_doctype_update():
	add_scope_indexes("Sales Contract")
	from sales_crm.chain import add_indexes

	add_indexes("Sales Contract")
	add_report_indexes("Sales Contract")
