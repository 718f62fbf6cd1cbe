# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

"""An offset (冲款): an advance's credit settles the customer's receivables (sales_crm/flows/receipts.py)."""

import frappe
from frappe import _
from frappe.utils import flt

from sales_crm import chain
from sales_crm.controllers.base import SalesDocument
from sales_crm.flows import receipts
from sales_crm.permissions import add_scope_indexes
from sales_crm.report_indexes import add_report_indexes
from sales_crm.utils import company_currency
from sales_crm.validation import throw


class SalesCreditOffset(SalesDocument):
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
		base_total_amount: DF.Currency
		company_currency: DF.Link | None
		credit_available: DF.Currency
		credit_receipt: DF.Link
		currency: DF.Link
		customer: DF.Link
		exchange_rate: DF.Float
		naming_series: DF.Literal["OFS-.YYYY.-"]
		posting_date: DF.Date
		remarks: DF.SmallText | None
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		total_amount: DF.Currency
	# end: auto-generated types

	def validate(self):
		self.company_currency = company_currency()
		if self._action != "submit":  # before_submit checks it all under the row locks: once is enough
			self.check(for_update=False)

	def check(self, for_update: bool):
		"""The advance (locked after the receivables, as ``chain.LOCK_ORDER`` says, when ``for_update``) and
		the rows: Σ rows ≤ the credit left, each row ≤ its receivable's outstanding amount."""
		if not self.credit_receipt:
			throw(self, _("name the advance whose credit is offset"), "credit_receipt")
		if not self.allocations:
			throw(self, _("allocate the credit to at least one receivable"), "allocations")
		# under ``for_update`` chain.lock already holds the advance's lock, taken after the receivables'
		# (chain.LOCK_ORDER): this locking read takes nothing new and sees what others committed
		credit = receipts.credit_receipt(self, self.credit_receipt, "credit_receipt", for_update=for_update)
		self.customer = self.customer or credit.customer
		self.currency = credit.currency
		self.exchange_rate = credit.exchange_rate
		receipts.check_allocations(self, for_update, write_offs=False)
		self.credit_available = credit.unallocated_amount
		self.total_amount = flt(sum(flt(row.allocated_amount) for row in self.allocations), 2)
		self.base_total_amount = flt(self.total_amount * flt(self.exchange_rate), 2)
		receipts.check_draw_on(self, credit, self.total_amount, "total_amount")
		self.sales_person = self.sales_person or credit.sales_person
		self.sales_department = self.sales_department or credit.sales_department

	def before_submit(self):
		chain.lock(self)
		self.check(for_update=True)

	def on_submit(self):
		chain.roll_up(self)

	def before_cancel(self):
		chain.lock(self)

	def on_cancel(self):
		chain.roll_up(self)


def on_doctype_update():
	add_scope_indexes("Sales Credit Offset")
	chain.add_indexes("Sales Credit Offset")
	add_report_indexes("Sales Credit Offset")
