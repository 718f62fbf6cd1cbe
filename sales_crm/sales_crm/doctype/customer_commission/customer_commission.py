# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt, getdate

from sales_crm import chain
from sales_crm.controllers.base import SalesDocument
from sales_crm.permissions import add_scope_indexes
from sales_crm.rules.commissions import customer_commission_amount, payment_problem
from sales_crm.rules.pricing import check_non_negative, check_percent
from sales_crm.validation import throw, throw_problems

# The workflow's states before the Sales Director approves: nothing can be paid yet.
UNAPPROVED = ("Drafting", "Under Approval")
# Once sent for approval, the terms are what the director approves: only a return to Drafting (Request
# Changes) opens them again; a change after approval is a new commission through the workflow.
FROZEN_IN = ("Under Approval", "Executing", "Closed")
TERMS = (
	"sales_contract",
	"customer",
	"commission_basis",
	"commission_rate",
	"from_date",
	"to_date",
	"sales_person",
	"contact_person",
	"commission_name",
)


class CustomerCommission(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		commission_amount: DF.Currency
		commission_basis: DF.Literal["Sales Amount", "Paid Amount"]
		commission_name: DF.Data
		commission_paid_amount: DF.Currency
		commission_rate: DF.Percent
		contact_person: DF.Data | None
		currency: DF.Link | None
		customer: DF.Link | None
		customer_paid_amount: DF.Currency
		from_date: DF.Date | None
		naming_series: DF.Literal["CC-.YYYY.-"]
		sales_amount: DF.Currency
		sales_contract: DF.Link
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		status: DF.Literal["Drafting", "Under Approval", "Executing", "Closed"]
		to_date: DF.Date | None
	# end: auto-generated types

	def validate(self):
		self.validate_frozen_terms()
		self.set_missing_values()
		self.validate_numbers()
		self.validate_dates()
		self.calculate_commission()
		self.validate_payment()

	def set_missing_values(self):
		"""Customer, currency and sales amount are the contract's; the paid amount is its receipts'."""
		contract = frappe.db.get_value(
			"Sales Contract",
			self.sales_contract,
			["docstatus", "customer", "currency", "grand_total", "sales_person", "sales_department"],
			as_dict=True,
		)
		if not contract or contract.docstatus != 1:
			throw(self, _("a commission needs a signed (submitted) contract"), "sales_contract")
		self.customer = contract.customer
		self.currency = contract.currency
		self.sales_amount = contract.grand_total
		self.sales_person = self.sales_person or contract.sales_person
		self.sales_department = self.sales_department or contract.sales_department
		self.customer_paid_amount = self.paid_by_customer()

	def validate_frozen_terms(self):
		before = self.get_doc_before_save()
		if not before or before.status not in FROZEN_IN:
			return
		changed = [f for f in TERMS if self.meta.has_field(f) and _differs(self.get(f), before.get(f))]
		if changed:
			throw(
				self,
				_("is {0}: its terms are frozen ({1}); create a new commission for the change").format(
					_(before.status), ", ".join(_(self.meta.get_label(f)) for f in changed)
				),
				changed[0],
				title=_("Approved Commission"),
			)

	def paid_by_customer(self) -> float:
		return chain.collected(
			[self.sales_contract], base=False, for_update=bool(self.flags.chain_locked)
		).get(self.sales_contract, 0)

	def validate_numbers(self):
		problems = [
			check_percent("commission_rate", self.commission_rate),
			check_non_negative("commission_paid_amount", self.commission_paid_amount),
		]
		throw_problems(self, [p for p in problems if p])

	def validate_dates(self):
		if self.from_date and self.to_date and getdate(self.from_date) > getdate(self.to_date):
			throw(
				self,
				_("{0} is after To Date {1}").format(self.from_date, self.to_date),
				"from_date",
				title=_("Invalid Period"),
			)

	def calculate_commission(self):
		self.commission_amount = customer_commission_amount(
			self.commission_basis, self.commission_rate, self.sales_amount, self.customer_paid_amount
		)

	def validate_payment(self):
		if flt(self.commission_paid_amount) > 0 and self.status in UNAPPROVED:
			throw(
				self,
				_("can be recorded only once the commission is approved (Executing), not while {0}").format(
					_(self.status)
				),
				"commission_paid_amount",
			)
		if payment_problem(self.commission_paid_amount, self.commission_amount) == "exceeds_accrued":
			throw(
				self,
				_("{0} exceeds the commission amount {1}").format(
					frappe.bold(flt(self.commission_paid_amount, 2)),
					frappe.bold(flt(self.commission_amount, 2)),
				),
				"commission_paid_amount",
				title=_("Overpayment"),
			)

	def update_customer_paid(self):
		"""A receipt moved what the customer paid on the contract: follow it (called by the receipt)."""
		self.customer_paid_amount = self.paid_by_customer()
		self.calculate_commission()
		self.db_set(
			{"customer_paid_amount": self.customer_paid_amount, "commission_amount": self.commission_amount},
			update_modified=False,
		)


def _differs(value, before) -> bool:
	if isinstance(value, int | float) or isinstance(before, int | float):
		return abs(flt(value) - flt(before)) > 1e-9
	return str(value or "") != str(before or "")


def on_doctype_update():
	add_scope_indexes("Customer Commission")
