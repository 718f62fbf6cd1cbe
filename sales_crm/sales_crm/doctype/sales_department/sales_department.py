# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _

from sales_crm.controllers.base import SalesDocument
from sales_crm.org import APPROVERS, DIRECTOR_TERMS, clear_departments_cache, has_role
from sales_crm.rules.pricing import check_non_negative, check_percent
from sales_crm.validation import throw, throw_problems


class SalesDepartment(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_commission_tier.sales_commission_tier import (
			SalesCommissionTier,
		)
		from sales_crm.sales_crm.doctype.sales_department_member.sales_department_member import (
			SalesDepartmentMember,
		)

		commission_basis: DF.Literal["Contract Amount", "Collected Amount"]
		commission_tiers: DF.Table[SalesCommissionTier]
		department_name: DF.Data
		disabled: DF.Check
		manager: DF.Link | None
		members: DF.Table[SalesDepartmentMember]
	# end: auto-generated types

	def validate(self):
		self.validate_commission_tiers()
		self.validate_director_terms()

	def validate_director_terms(self):
		"""Who manages a department and what its policy pays (its rates, tiers and each member's own rate) are
		the Sales Director's: a manager keeps the members of their own departments, nothing more."""
		if has_role(APPROVERS):
			return
		if self.is_new():
			throw(
				self,
				_("only a Sales Director creates a department"),
				"department_name",
				exc=frappe.PermissionError,
			)
		before = self.get_doc_before_save()
		changed = [f for f in DIRECTOR_TERMS if self.has_value_changed(f)]
		if _tiers(self) != _tiers(before):
			changed.append("commission_tiers")
		if _member_rates(self) != _member_rates(before, keep=_member_rates(self)):
			changed.append("members")
		if changed:
			throw(
				self,
				_("only a Sales Director changes a department's manager or commission policy ({0})").format(
					", ".join(_(self.meta.get_label(f)) for f in changed)
				),
				changed[0],
				exc=frappe.PermissionError,
			)

	def on_update(self):
		# who manages and who belongs to which department decides every list's scope (sales_crm/org.py)
		clear_departments_cache()

	def on_trash(self):
		clear_departments_cache()

	def after_rename(self, old, new, merge=False):
		clear_departments_cache()

	def validate_commission_tiers(self):
		"""Rates 0–100 %, minimum achievements ≥ 0 (above 100 % allowed), each minimum once."""
		problems = []
		for row in self.commission_tiers:
			problems += [
				p
				for p in (
					check_non_negative("min_achievement", row.min_achievement, row.idx),
					check_percent("commission_rate", row.commission_rate, row.idx),
				)
				if p
			]
		throw_problems(self, problems, table="commission_tiers")
		minimums = [float(row.min_achievement or 0) for row in self.commission_tiers]
		if len(set(minimums)) != len(minimums):
			throw(self, _("two tiers start at the same minimum achievement"), "commission_tiers")


def _tiers(doc) -> list[tuple]:
	return sorted(
		(float(r.min_achievement or 0), float(r.commission_rate or 0)) for r in doc.commission_tiers
	)


def _member_rates(doc, keep: dict | None = None) -> dict:
	"""Each member's own commission rate (a member added or removed by the manager carries no rate)."""
	rates = {r.user: float(r.commission_rate or 0) for r in doc.members if r.user}
	if keep is not None:
		rates = {user: rate for user, rate in rates.items() if user in keep}
	return {user: rate for user, rate in rates.items() if rate}
