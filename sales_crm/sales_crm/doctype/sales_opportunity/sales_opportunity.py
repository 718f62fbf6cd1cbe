# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cstr, flt, getdate, now_datetime, nowdate

from sales_crm import reads
from sales_crm.controllers.base import SalesDocument
from sales_crm.flows.contacts import validate_contact_and_site
from sales_crm.flows.loss_reasons import apply_loss_reason
from sales_crm.permissions import add_scope_indexes
from sales_crm.report_indexes import add_report_indexes
from sales_crm.rules.opportunities import close_date_problem
from sales_crm.rules.pricing import check_non_negative, check_percent, item_values
from sales_crm.utils import company_currency, default_sales_person
from sales_crm.validation import throw, throw_problems


class SalesOpportunity(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_opportunity_item.sales_opportunity_item import (
			SalesOpportunityItem,
		)
		from sales_crm.sales_crm.doctype.sales_opportunity_stage.sales_opportunity_stage import (
			SalesOpportunityStage,
		)

		base_expected_revenue: DF.Currency
		company_currency: DF.Link | None
		contact: DF.Link | None
		contact_person: DF.Data | None
		currency: DF.Link
		customer: DF.Link
		exchange_rate: DF.Float
		expected_close_date: DF.Date | None
		expected_revenue: DF.Currency
		items: DF.Table[SalesOpportunityItem]
		lead_source: DF.Data | None
		loss_reason: DF.Link | None
		lost_reason: DF.SmallText | None
		naming_series: DF.Literal["OPP-.YYYY.-"]
		opportunity_kind: DF.Literal["", "Purchase Need", "Product Sale", "Partnership", "Service"]
		opportunity_name: DF.Data
		probability: DF.Percent
		sales_department: DF.Link | None
		sales_lead: DF.Link | None
		sales_method: DF.Link
		sales_person: DF.Link | None
		sales_stage: DF.Data | None
		stage_history: DF.Table[SalesOpportunityStage]
		status: DF.Literal["Open", "Won", "Lost"]
		won_amount: DF.Currency
	# end: auto-generated types

	def validate(self):
		self.set_missing_values()
		self.calculate_items()
		self.validate_stage()
		self.validate_close_date()
		validate_contact_and_site(self)
		apply_loss_reason(self)
		self.validate_status()
		self.track_stage()

	def set_missing_values(self):
		self.company_currency = company_currency()
		self.currency = self.currency or self.company_currency
		if self.currency == self.company_currency:
			self.exchange_rate = 1
		default_sales_person(self)

	def calculate_items(self):
		problems = [
			check_percent("probability", self.probability),
			check_non_negative("expected_revenue", self.expected_revenue),
		]
		throw_problems(self, [p for p in problems if p])
		total = 0
		for row in self.items:
			values = item_values(row.qty or 0, 0, 0, row.rate)
			row.amount = values.amount
			total += values.amount
			throw_problems(self, [p for p in [check_non_negative("amount", row.amount, row.idx)] if p])
		if not flt(self.expected_revenue) and total:
			self.expected_revenue = total
		self.base_expected_revenue = flt(flt(self.expected_revenue) * flt(self.exchange_rate), 2)
		# computed figures must fit their columns too (a huge quantity × rate is refused, not a 500)
		problems = [
			check_non_negative("expected_revenue", self.expected_revenue),
			check_non_negative("base_expected_revenue", self.base_expected_revenue),
		]
		throw_problems(self, [p for p in problems if p])

	def stages(self) -> list:
		return frappe.get_cached_doc("Sales Method", self.sales_method).stages

	def validate_stage(self):
		stages = [row.stage for row in self.stages()]
		if not self.sales_stage:
			self.sales_stage = stages[0]
		if self.sales_stage not in stages:
			throw(
				self,
				_("{0} is not a stage of Sales Method {1}").format(
					frappe.bold(self.sales_stage), self.sales_method
				),
				"sales_stage",
			)
		before = self.get_doc_before_save()
		if before and before.sales_method == self.sales_method and before.sales_stage in stages:
			if stages.index(self.sales_stage) < stages.index(before.sales_stage):
				throw(
					self,
					_("the stage moves forward only, not back to {0}").format(frappe.bold(self.sales_stage)),
					"sales_stage",
				)
		stage_changed = not before or self.has_value_changed("sales_stage")
		probability_typed = (
			self.probability if not before else (self.has_value_changed("probability") or None)
		)
		if stage_changed and not probability_typed:
			# the probability defaults from the stage; one typed with the change is kept
			self.probability = next(row.probability for row in self.stages() if row.stage == self.sales_stage)

	def validate_close_date(self):
		"""A close date typed far off (2006 for 2026) is refused when set; one stored earlier stays."""
		if not self.expected_close_date or not (
			self.is_new() or self.has_value_changed("expected_close_date")
		):
			return
		problem = close_date_problem(getdate(self.expected_close_date), getdate(nowdate()))
		if problem == "too_far_back":
			message = _("{0} is more than a year ago: an opportunity closed then is Won or Lost")
		elif problem == "too_far_ahead":
			message = _("{0} is more than ten years ahead")
		else:
			return
		throw(
			self,
			message.format(frappe.bold(frappe.format(self.expected_close_date, "Date"))),
			"expected_close_date",
		)

	def validate_status(self):
		before = self.get_doc_before_save()
		changed = before and before.status != self.status
		if self.status == "Won" and (not before or changed) and not self.flags.from_contract:
			throw(self, _("an opportunity is Won only when a contract for it is signed"), "status")
		if self.status == "Lost" and not cstr(self.lost_reason).strip():
			throw(self, _("a Lost opportunity needs a Lost Reason"), "lost_reason")
		if changed and before.status == "Won" and not self.flags.from_contract:
			throw(self, _("a Won opportunity cannot change status"), "status")

	def track_stage(self):
		"""Every stage change closes the open history row and opens one for the new stage."""
		now = now_datetime()
		current = self.stage_history[-1] if self.stage_history else None
		if current and current.stage == self.sales_stage and not current.left_on:
			return
		if current and not current.left_on:
			current.left_on = now
		self.append(
			"stage_history",
			{
				"stage": self.sales_stage,
				"probability": self.probability,
				"entered_on": now,
				"changed_by": frappe.session.user,
			},
		)

	def move_to_stage(self, stage: str):
		"""Advance to ``stage`` when the method has it and the opportunity is not already past it."""
		stages = [row.stage for row in self.stages()]
		if stage in stages and stages.index(stage) > stages.index(self.sales_stage):
			self.sales_stage = stage
			return True
		return False

	def update_won(self):
		"""Status and stage once a contract was signed or cancelled (``won_amount`` is the chain's roll-up
		of the signed contracts, sales_crm/chain.py)."""
		# on a posting's path (``chain``, the opportunity locked first): a locking read, so that a contract
		# another request signed or cancelled while this one waited for the lock counts
		signed = reads.rows(
			"Sales Contract",
			{"opportunity": self.name, "docstatus": 1},
			["name"],
			for_update=bool(self.flags.chain_locked),
		)
		self.flags.from_contract = True
		if signed:
			self.move_to_stage("Contract Signing")
			self.status = "Won"
		elif self.status == "Won":
			self.status = "Open"
		self.flags.ignore_permissions = True
		self.save()


def on_doctype_update():
	add_scope_indexes("Sales Opportunity")
	# reports count opportunities by the period they were opened (reporting.scope(..., "creation"))
	frappe.db.add_index("Sales Opportunity", ["creation"])
	# a lead's new source reaches its opportunities (chain.spread_attribution)
	frappe.db.add_index("Sales Opportunity", ["sales_lead"])
	add_report_indexes("Sales Opportunity")
