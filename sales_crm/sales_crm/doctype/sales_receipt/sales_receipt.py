# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt


import frappe
from frappe import _
from frappe.utils import flt

from sales_crm import chain
from sales_crm.controllers.base import SalesDocument
from sales_crm.flows import receipts
from sales_crm.permissions import add_scope_indexes
from sales_crm.report_indexes import add_report_indexes
from sales_crm.rules.receivables import unallocated
from sales_crm.utils import company_currency
from sales_crm.validation import throw


class SalesReceipt(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_receipt_allocation.sales_receipt_allocation import (
			SalesReceiptAllocation,
		)

		allocations: DF.Table[SalesReceiptAllocation]
		against_receipt: DF.Link | None
		allocated_days: DF.Float
		amended_from: DF.Link | None
		base_paid_amount: DF.Currency
		company_currency: DF.Link | None
		currency: DF.Link
		customer: DF.Link
		customer_order: DF.Link | None
		days_to_pay: DF.Float
		exchange_rate: DF.Float
		naming_series: DF.Literal["RCPT-.YYYY.-"]
		needs_write_off_approval: DF.Check
		offset_amount: DF.Currency
		outstanding_before: DF.Currency
		paid_amount: DF.Currency
		payment_mode: DF.Literal[
			"Bank Transfer", "Cash", "Cheque", "Bank Acceptance Bill", "WeChat Pay", "Alipay"
		]
		previously_received: DF.Currency
		receipt_date: DF.Date
		receipt_type: DF.Literal["Payment", "Advance", "Refund"]
		receivable_amount: DF.Currency
		reference_no: DF.Data | None
		refunded_amount: DF.Currency
		remarks: DF.SmallText | None
		sales_contract: DF.Link | None
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		total_allocated_amount: DF.Currency
		total_amount: DF.Currency
		unallocated_amount: DF.Currency
		write_off_amount: DF.Currency
		write_off_approval_hash: DF.Data | None
		write_off_approved_by: DF.Link | None
		write_off_approved_on: DF.Datetime | None
	# end: auto-generated types

	def validate(self):
		self.company_currency = company_currency()
		if self._action == "submit":
			return  # before_submit checks and totals it all, under the row locks: once is enough
		self.check_money()
		receipts.set_write_off_approval(self)

	def check_money(self, for_update: bool = False):
		if self.receipt_type == "Refund":
			self.validate_refund(for_update)
		else:
			if self.against_receipt:
				throw(self, _("only a Refund draws on another receipt"), "against_receipt")
			self.set_totals(self.validate_allocations(for_update))

	def validate_allocations(self, for_update: bool = False):
		if not self.allocations and self.receipt_type != "Advance":
			throw(self, _("allocate the money to at least one receivable"), "allocations")
		return receipts.check_allocations(self, for_update)

	def set_totals(self, receivables: dict):
		rows = [receivables[row.sales_receivable] for row in self.allocations]
		self.receivable_amount = sum(flt(r.total_amount) for r in rows)
		self.previously_received = sum(flt(r.received_amount) for r in rows)
		self.outstanding_before = sum(flt(r.outstanding_amount) for r in rows)
		allocated = flt(sum(flt(row.allocated_amount) for row in self.allocations), 2)
		if self.receipt_type == "Advance":
			# the money received is typed; what no row takes is the customer's credit
			if flt(self.paid_amount) <= 0:
				throw(self, _("an advance receives an amount greater than 0"), "paid_amount")
			if allocated > flt(self.paid_amount):
				throw(
					self,
					_("the allocations ({0}) exceed the amount received ({1})").format(
						allocated, flt(self.paid_amount, 2)
					),
					"paid_amount",
				)
			# nothing draws on an advance before it is submitted; later the roll-ups keep these
			self.offset_amount = self.refunded_amount = 0
			self.unallocated_amount = unallocated(
				self.paid_amount, allocated, self.offset_amount, self.refunded_amount
			)
		else:
			self.paid_amount = allocated
			self.unallocated_amount = self.offset_amount = self.refunded_amount = 0
		self.write_off_amount = sum(flt(row.write_off_amount) for row in self.allocations)
		self.total_amount = flt(flt(self.paid_amount) + self.write_off_amount, 2)
		receipts.set_days_to_pay(self, receivables)
		if not rows:
			self.set_currency_of_credit()
		self.base_paid_amount = flt(flt(self.paid_amount) * flt(self.exchange_rate or 1), 2)
		if rows and len({r.customer_order for r in rows}) == 1:
			self.customer_order = rows[0].customer_order
			self.sales_contract = rows[0].sales_contract
		owner = rows[0] if rows else self.customer_owner()
		self.sales_person = self.sales_person or owner.sales_person
		self.sales_department = self.sales_department or owner.sales_department

	def customer_owner(self):
		return (
			frappe.db.get_value(
				"Sales Customer", self.customer, ["sales_person", "sales_department"], as_dict=True
			)
			or frappe._dict()
		)

	def set_currency_of_credit(self):
		"""An advance with no allocation: its own currency; the company's is at rate 1."""
		self.currency = self.currency or company_currency()
		if self.currency == company_currency():
			self.exchange_rate = 1
		if flt(self.exchange_rate) <= 0:
			throw(self, _("must be greater than 0"), "exchange_rate")

	def validate_refund(self, for_update: bool = False):
		"""A Refund pays back credit of the advance it names: no allocations, ≤ the credit left."""
		if self.allocations:
			throw(self, _("a Refund allocates nothing; it draws on an advance's credit"), "allocations")
		if not self.against_receipt:
			throw(self, _("name the advance whose credit is refunded"), "against_receipt")
		credit = receipts.credit_receipt(self, self.against_receipt, "against_receipt", for_update)
		self.customer = self.customer or credit.customer
		self.currency, self.exchange_rate = credit.currency, credit.exchange_rate
		receipts.check_draw_on(self, credit, self.paid_amount, "paid_amount")
		self.receivable_amount = self.previously_received = self.outstanding_before = 0
		self.write_off_amount = self.total_allocated_amount = self.allocated_days = self.days_to_pay = 0
		self.unallocated_amount = self.offset_amount = self.refunded_amount = 0
		self.total_amount = flt(self.paid_amount, 2)
		self.base_paid_amount = flt(flt(self.paid_amount) * flt(self.exchange_rate), 2)
		self.sales_person = self.sales_person or credit.sales_person
		self.sales_department = self.sales_department or credit.sales_department

	def before_submit(self):
		# every record the receipt moves is locked first (receivables, then the advance a refund draws
		# on); the checks are then repeated on the locked rows, so that two requests at once can never
		# over-collect or draw the same credit twice
		chain.lock(self)
		self.check_money(for_update=True)
		receipts.set_write_off_approval(self)
		receipts.check_write_off_approved(self)

	def on_submit(self):
		chain.roll_up(self)
		if self.receipt_type == "Advance":
			chain.add_credit(self.customer, chain.base_credit(self.unallocated_amount, self.exchange_rate))

	def before_cancel(self):
		if self.receipt_type == "Advance":
			drawing = receipts.drawing_on(self.name)
			if drawing:
				throw(
					self,
					_("offsets or refunds draw on its credit; cancel them first: {0}").format(
						", ".join(drawing)
					),
				)
		chain.lock(self)

	def on_cancel(self):
		chain.roll_up(self)
		if self.receipt_type == "Advance":
			# nothing draws on a cancelled advance (before_cancel): its whole credit left goes
			chain.add_credit(self.customer, -chain.base_credit(self.unallocated_amount, self.exchange_rate))


def on_doctype_update():
	add_scope_indexes("Sales Receipt")
	from sales_crm.chain import add_indexes

	add_indexes("Sales Receipt")
	add_report_indexes("Sales Receipt")
