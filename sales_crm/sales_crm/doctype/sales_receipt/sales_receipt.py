# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt


import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from sales_crm import chain
from sales_crm.rules.receivables import check_allocation
from sales_crm.utils import company_currency
from sales_crm.validation import throw, throw_problems


class SalesReceipt(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_receipt_allocation.sales_receipt_allocation import (
			SalesReceiptAllocation,
		)

		allocations: DF.Table[SalesReceiptAllocation]
		amended_from: DF.Link | None
		base_paid_amount: DF.Currency
		company_currency: DF.Link | None
		currency: DF.Link
		customer: DF.Link
		customer_order: DF.Link | None
		exchange_rate: DF.Float
		naming_series: DF.Literal["RCPT-.YYYY.-"]
		outstanding_before: DF.Currency
		paid_amount: DF.Currency
		previously_received: DF.Currency
		receipt_date: DF.Date
		receipt_type: DF.Literal["Payment", "Advance", "Refund"]
		receivable_amount: DF.Currency
		reference_no: DF.Data | None
		remarks: DF.SmallText | None
		sales_contract: DF.Link | None
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		total_amount: DF.Currency
		write_off_amount: DF.Currency
	# end: auto-generated types

	def validate(self):
		self.company_currency = company_currency()
		self.set_totals(self.validate_allocations())

	def receivables(self, for_update: bool = False) -> dict:
		names = sorted({row.sales_receivable for row in self.allocations if row.sales_receivable})
		docs = {}
		for name in names:  # in name order, so that concurrent receipts lock rows in the same order
			if not frappe.db.exists("Sales Receivable", name):
				throw(self, _("Sales Receivable {0} not found").format(name), "allocations")
			docs[name] = frappe.get_doc("Sales Receivable", name, for_update=for_update)
		return docs

	def validate_allocations(self, for_update: bool = False):
		if not self.allocations:
			throw(self, _("allocate the money to at least one receivable"), "allocations")
		receivables = self.receivables(for_update)
		seen = set()
		problems = []
		for row in self.allocations:
			receivable = receivables[row.sales_receivable]
			if row.sales_receivable in seen:
				throw(
					self,
					_("row {0}: receivable {1} is allocated twice").format(row.idx, row.sales_receivable),
					"allocations",
				)
			seen.add(row.sales_receivable)
			if receivable.docstatus != 1:
				throw(
					self,
					_("row {0}: receivable {1} is not submitted").format(row.idx, receivable.name),
					"allocations",
				)
			if receivable.customer != self.customer:
				throw(
					self,
					_("row {0}: receivable {1} belongs to customer {2}").format(
						row.idx, receivable.name, receivable.customer
					),
					"customer",
				)
			if self.currency and receivable.currency != self.currency:
				throw(
					self,
					_("row {0}: receivable {1} is in {2}").format(
						row.idx, receivable.name, receivable.currency
					),
					"currency",
				)
			self.currency = receivable.currency
			self.exchange_rate = receivable.exchange_rate
			row.outstanding_amount = receivable.outstanding_amount
			problems += check_allocation(
				row.idx, row.allocated_amount, row.write_off_amount, receivable.outstanding_amount
			)
		throw_problems(self, problems, table="allocations")
		return receivables

	def set_totals(self, receivables: dict):
		rows = [receivables[row.sales_receivable] for row in self.allocations]
		self.receivable_amount = sum(flt(r.total_amount) for r in rows)
		self.previously_received = sum(flt(r.received_amount) for r in rows)
		self.outstanding_before = sum(flt(r.outstanding_amount) for r in rows)
		self.paid_amount = sum(flt(row.allocated_amount) for row in self.allocations)
		self.write_off_amount = sum(flt(row.write_off_amount) for row in self.allocations)
		self.total_amount = flt(self.paid_amount + self.write_off_amount, 2)
		self.base_paid_amount = flt(self.paid_amount * flt(self.exchange_rate or 1), 2)
		if len({r.customer_order for r in rows}) == 1:
			self.customer_order = rows[0].customer_order
			self.sales_contract = rows[0].sales_contract
		self.sales_person = self.sales_person or rows[0].sales_person
		self.sales_department = self.sales_department or rows[0].sales_department

	def before_submit(self):
		# every record the receipt moves is locked first; the allocations are then re-checked against the
		# locked receivables, so that two receipts at once can never over-collect
		chain.lock(self)
		self.set_totals(self.validate_allocations(for_update=True))

	def on_submit(self):
		chain.roll_up(self)

	def before_cancel(self):
		chain.lock(self)

	def on_cancel(self):
		chain.roll_up(self)
