# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt


import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from sales_crm import reads
from sales_crm.controllers.selling import SellingController
from sales_crm.flows.loss_reasons import apply_loss_reason
from sales_crm.flows.quotations import check_not_expired
from sales_crm.org import APPROVERS, has_role
from sales_crm.permissions import add_scope_indexes
from sales_crm.report_indexes import add_report_indexes
from sales_crm.validation import throw


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
		contact: DF.Link | None
		currency: DF.Link
		customer: DF.Link
		customer_address: DF.Link | None
		exchange_rate: DF.Float
		grand_total: DF.Currency
		items: DF.Table[SalesQuotationItem]
		lead_source: DF.Data | None
		loss_reason: DF.Link | None
		naming_series: DF.Literal["QTN-.YYYY.-"]
		net_total: DF.Currency
		opportunity: DF.Link | None
		payment_terms: DF.SmallText | None
		price_strategy: DF.Link | None
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		status: DF.Literal["Quoting", "Approved", "Accepted", "Rejected", "Expired"]
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
		self.set_version()
		self.validate_opportunity()
		self.calculate_totals()
		apply_loss_reason(self)
		self.title = self.title or frappe.db.get_value("Sales Customer", self.customer, "customer_name")

	def set_version(self):
		if self.is_new():
			# a new quotation, an amendment included, starts at the workflow's first state
			self.status = "Quoting"
			self.approved_by = self.approved_on = None
		if self.amended_from:
			self.version = cint(frappe.db.get_value("Sales Quotation", self.amended_from, "version")) + 1
		else:
			self.version = self.version or 1

	def validate_opportunity(self):
		if not self.opportunity:
			return
		opportunity = reads.row("Sales Opportunity", self.opportunity, ["status", "customer", "currency"])
		if self.is_new() and not self.amended_from and opportunity.status != "Open":
			throw(
				self,
				_("opportunity {0} is {1}; quote only Open opportunities").format(
					self.opportunity, _(opportunity.status)
				),
				"opportunity",
			)
		if opportunity.customer != self.customer:
			throw(
				self,
				_("the customer must be the opportunity's ({0})").format(opportunity.customer),
				"customer",
			)

	def on_update(self):
		if self.opportunity and self.docstatus == 0:
			opportunity = frappe.get_doc("Sales Opportunity", self.opportunity)
			if opportunity.status == "Open" and opportunity.move_to_stage("Quotation"):
				opportunity.flags.ignore_permissions = True
				opportunity.save()

	def before_submit(self):
		# Sales Users hold "submit" only so that they can record the customer's answer on a submitted
		# quotation; submitting is approving, and only a Sales Director approves.
		if not has_role(APPROVERS):
			throw(self, _("only a Sales Director approves a quotation"), "status", exc=frappe.PermissionError)
		if self.status == "Quoting":
			# a Director's plain submit is the Approve action (the workflow checks the transition too)
			self.status = "Approved"
		if self.status != "Approved":
			throw(
				self,
				_("a quotation is submitted only by its approval (status {0})").format(_(self.status)),
				"status",
			)
		check_not_expired(self, "approve")
		self.approved_by = frappe.session.user
		self.approved_on = now_datetime()

	def before_update_after_submit(self):
		apply_loss_reason(self)
		before = self.get_doc_before_save()
		if before and before.status != "Approved" and self.has_value_changed("status"):
			throw(self, _("the customer's answer is final"), "status")
		if self.status == "Accepted" and self.has_value_changed("status"):
			check_not_expired(self, "accept")

	def on_cancel(self):
		contracts = frappe.get_all(
			"Sales Contract", filters={"quotation": self.name, "docstatus": 1}, pluck="name"
		)
		if contracts:
			throw(self, _("cancel its signed contracts first: {0}").format(", ".join(contracts)))


def on_doctype_update():
	add_scope_indexes("Sales Quotation")
	add_report_indexes("Sales Quotation")
