# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from frappe import _
from frappe.model.document import Document

from sales_crm.org import clear_departments_cache
from sales_crm.rules.pricing import check_non_negative, check_percent
from sales_crm.validation import throw, throw_problems


class SalesDepartment(Document):
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
