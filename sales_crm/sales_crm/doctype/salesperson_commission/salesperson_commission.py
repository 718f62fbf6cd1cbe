# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt, getdate, now_datetime

from sales_crm import chain
from sales_crm.controllers.base import SalesDocument
from sales_crm.org import (
	APPROVERS,
	COMMISSION_APPROVERS,
	COMMISSION_PAYERS,
	department_of,
	has_role,
	require_role,
)
from sales_crm.permissions import add_scope_indexes
from sales_crm.rules import commissions as rules
from sales_crm.rules.pricing import check_non_negative, check_percent
from sales_crm.rules.status import commission_status
from sales_crm.utils import company_currency
from sales_crm.validation import throw, throw_problems


class SalespersonCommission(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.salesperson_commission_detail.salesperson_commission_detail import (
			SalespersonCommissionDetail,
		)

		accrued_amount: DF.Currency
		achievement: DF.Percent
		amended_from: DF.Link | None
		base_amount: DF.Currency
		commission_basis: DF.Literal["Contract Amount", "Collected Amount"]
		commission_date: DF.Date
		commission_name: DF.Data
		commission_rate: DF.Percent
		commission_type: DF.Literal["Basic", "Monthly", "Quarterly", "Half-Yearly", "Annual"]
		contract_amount: DF.Currency
		contract_type: DF.Data | None
		contracts: DF.Table[SalespersonCommissionDetail]
		currency: DF.Link | None
		from_date: DF.Date | None
		naming_series: DF.Literal["SPC-.YYYY.-"]
		outstanding_amount: DF.Currency
		paid_amount: DF.Currency
		sales_contract: DF.Link | None
		sales_department: DF.Link | None
		sales_person: DF.Link
		status: DF.Literal["Draft", "Accrued", "Partly Paid", "Paid", "Cancelled"]
		target_amount: DF.Currency
		to_date: DF.Date | None
	# end: auto-generated types

	def validate(self):
		self.set_missing_values()
		self.validate_period()
		self.validate_policy()
		self.validate_terms()
		self.calculate_amounts()
		self.validate_payment()
		self.set_status()

	def set_missing_values(self):
		self.currency = self.currency or company_currency()
		if not self.sales_department:
			self.sales_department = department_of(self.sales_person)
		if self.commission_type == "Basic":
			self.from_date = self.to_date = None
			self.contracts = []
			if self.sales_contract:
				contract = frappe.db.get_value(
					"Sales Contract",
					self.sales_contract,
					["docstatus", "contract_type", "base_grand_total", "sales_person"],
					as_dict=True,
				)
				if not contract or contract.docstatus != 1:
					throw(self, _("a commission needs a signed (submitted) contract"), "sales_contract")
				self.contract_type = contract.contract_type
				self.contract_amount = contract.base_grand_total
		else:
			self.sales_contract = None

	def validate_period(self):
		if self.commission_type == "Basic":
			if not self.sales_contract:
				throw(self, _("a Basic commission belongs to one contract"), "sales_contract")
			return
		if not self.from_date or not self.to_date:
			throw(self, _("a periodic commission needs From Date and To Date"), "from_date")
		if getdate(self.from_date) > getdate(self.to_date):
			throw(
				self,
				_("{0} is after To Date {1}").format(self.from_date, self.to_date),
				"from_date",
				title=_("Invalid Period"),
			)

	def calculate_amounts(self):
		"""Base from the contract(s) by the commission basis, accrued = base × rate, outstanding."""
		problems = [check_percent("commission_rate", self.commission_rate)]
		problems.append(check_non_negative("base_amount", self.base_amount))
		throw_problems(self, [p for p in problems if p])
		if self.commission_type == "Basic":
			collected = self.collected().get(self.sales_contract, 0)
			self.base_amount = rules.base_amount(self.commission_basis, self.contract_amount, collected)
		elif self.contracts:
			collected = self.collected()
			figures = rules.period_commission(
				(
					rules.ContractLine(
						row.sales_contract,
						flt(row.contract_amount),
						collected.get(row.sales_contract, 0),
						flt(row.basic_rate),
					)
					for row in self.contracts
				),
				self.commission_basis,
				self.commission_rate,
			)
			for row, line in zip(self.contracts, figures.lines, strict=True):
				row.base_amount = line.base_amount
				row.commission_amount = line.commission_amount
			self.contract_amount = figures.contract_amount
			self.base_amount = figures.base_amount
		self.accrued_amount = rules.accrual(self.base_amount, self.commission_rate)
		self.outstanding_amount = rules.outstanding(self.accrued_amount, self.paid_amount)

	def validate_policy(self):
		"""A periodic commission pays what the department's policy says, each contract once, and no day of
		a salesperson's period twice for one type."""
		if self.commission_type == "Basic":
			return
		from sales_crm.flows.commissions import department_policy, in_periodic_commissions, refuse_overlap

		policy = department_policy(self.sales_department)
		if policy.periodic_type and policy.periodic_type != self.commission_type:
			throw(
				self,
				_("department {0} pays {1} commissions, not {2}").format(
					self.sales_department, _(policy.periodic_type), _(self.commission_type)
				),
				"commission_type",
			)
		refuse_overlap(self.sales_person, self.commission_type, self.from_date, self.to_date, self.name)
		contracts = [row.sales_contract for row in self.contracts]
		signed = {
			c.name: c
			for c in frappe.get_all(
				"Sales Contract",
				filters={"name": ["in", contracts or [""]]},
				fields=["name", "docstatus", "sales_person", "signed_on"],
			)
		}
		for row in self.contracts:
			contract = signed.get(row.sales_contract)
			if (
				not contract
				or contract.docstatus != 1
				or contract.sales_person != self.sales_person
				or not contract.signed_on
				or not (getdate(self.from_date) <= getdate(contract.signed_on) <= getdate(self.to_date))
			):
				throw(
					self,
					_("row {0}: contract {1} is not one {2} signed in the period").format(
						row.idx, row.sales_contract, self.sales_person
					),
					"contracts",
				)
		paid = in_periodic_commissions(contracts, exclude=self.name)
		if paid:
			contract, other = next(iter(sorted(paid.items())))
			throw(
				self,
				_("contract {0} is paid already by periodic commission {1}").format(contract, other),
				"contracts",
			)

	def validate_terms(self):
		"""What a commission pays is the policy's, whoever files it and by whatever path: a Basic commission
		is its contract's one, for the contract's salesperson and department at the contract's rate (the
		policy's, or one a director approved on the contract); a periodic one pays the tier rate the policy
		gives the achievement. The basis is the department's."""
		from sales_crm.flows.commissions import basic_commissions, department_policy, period_rate_for

		if self.commission_type == "Basic":
			contract = frappe.db.get_value(
				"Sales Contract",
				self.sales_contract,
				["sales_person", "sales_department", "commission_rate"],
				as_dict=True,
				for_update=True,  # two requests filing the contract's commission at once: one waits
			)
			if self.sales_person != contract.sales_person:
				throw(
					self,
					_("a Basic commission pays the contract's salesperson ({0})").format(
						contract.sales_person
					),
					"sales_person",
				)
			self.sales_department = contract.sales_department or self.sales_department
			policy = department_policy(self.sales_department)
			if not policy.basic:
				throw(
					self,
					_("department {0} pays no Basic commission").format(self.sales_department),
					"commission_type",
				)
			if abs(flt(self.commission_rate) - flt(contract.commission_rate)) > 1e-9:
				throw(
					self,
					_("the rate is the contract's, {0}%").format(flt(contract.commission_rate, 6)),
					"commission_rate",
				)
			others = [n for n in basic_commissions(self.sales_contract) if n != self.name]
			if others:
				throw(
					self,
					# the other commission is not named: it may pay someone the user may not read
					_("contract {0} has its Basic commission already").format(self.sales_contract),
					"sales_contract",
				)
		else:
			policy = department_policy(self.sales_department)
			# no target for the period: no achievement either (the member's own rate)
			achievement = self.achievement if flt(self.target_amount) else None
			expected = period_rate_for(policy, self.sales_person, self.sales_department, achievement)
			if abs(flt(self.commission_rate) - flt(expected)) > 1e-9:
				throw(
					self,
					_("the policy's rate for an achievement of {0}% is {1}%").format(
						flt(self.achievement, 2), flt(expected, 6)
					),
					"commission_rate",
				)
		if self.commission_basis != policy.basis:
			throw(
				self,
				_("department {0} pays on {1}").format(self.sales_department, _(policy.basis)),
				"commission_basis",
			)

	def collected(self) -> dict[str, float]:
		if self.commission_basis != rules.COLLECTED_AMOUNT:
			return {}
		return chain.collected(
			[self.sales_contract] + [row.sales_contract for row in self.contracts],
			for_update=bool(self.flags.chain_locked),
		)

	def validate_payment(self):
		problem = rules.payment_problem(self.paid_amount, self.accrued_amount)
		if problem == "negative":
			throw_problems(self, [check_non_negative("paid_amount", self.paid_amount)])
		elif problem == "exceeds_accrued":
			throw(
				self,
				_("{0} exceeds the accrued amount {1}").format(
					frappe.bold(flt(self.paid_amount, 2)), frappe.bold(flt(self.accrued_amount, 2))
				),
				"paid_amount",
				title=_("Overpayment"),
			)

	def set_status(self, update: bool = False):
		self.status = commission_status(self.docstatus, self.accrued_amount, self.paid_amount)
		if update:
			self.db_set("status", self.status, update_modified=False)

	def before_update_after_submit(self):
		"""A payment on an approved commission: by finance only. The workflow's Pay pays what is due."""
		before = self.get_doc_before_save()
		paying = before and before.get("workflow_state") != "Paid" and self.workflow_state == "Paid"
		if paying or (before and flt(before.paid_amount) != flt(self.paid_amount)):
			require_role(COMMISSION_PAYERS, _("Paying salesperson commissions"))
		if paying:
			self.paid_amount = self.accrued_amount
		self.outstanding_amount = rules.outstanding(self.accrued_amount, self.paid_amount)
		self.validate_payment()
		self.set_status()
		self.set_workflow_state()

	def set_workflow_state(self):
		if self.docstatus == 1:
			self.workflow_state = "Paid" if self.status == "Paid" else "Approved"

	def before_submit(self):
		"""Approval: a Sales Manager or Director, and never one's own commission (a director excepted)."""
		require_role(COMMISSION_APPROVERS, _("Approving salesperson commissions"))
		if self.sales_person == frappe.session.user and not has_role(APPROVERS):
			throw(self, _("nobody approves their own commission"), "sales_person", exc=frappe.PermissionError)
		self.approved_by = frappe.session.user
		self.approved_on = now_datetime()
		self.workflow_state = "Approved"

	def on_submit(self):
		self.set_status(update=True)

	def before_cancel(self):
		if flt(self.paid_amount) > 0:
			throw(
				self,
				_("{0} is paid already; record the refund first").format(
					frappe.bold(flt(self.paid_amount, 2))
				),
				"paid_amount",
			)

	def on_cancel(self):
		self.set_status(update=True)

	def update_collected(self):
		"""A receipt moved what the customer paid: a draft is recomputed and saved, an accrued commission
		is recomputed in place (its rate and contracts stay as accrued)."""
		if self.commission_basis != rules.COLLECTED_AMOUNT or self.docstatus == 2:
			return
		if self.docstatus == 0:
			self.flags.ignore_permissions = True
			self.save()
			return
		self.calculate_amounts()
		self.validate_payment()  # accrued may not fall below what is paid
		self.set_status()
		self.set_workflow_state()
		self.db_update()
		for row in self.contracts:
			row.db_update()


def on_doctype_update():
	add_scope_indexes("Salesperson Commission")
