# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt

from sales_crm.controllers.base import SalesDocument
from sales_crm.rules import plans
from sales_crm.validation import throw


class SalesPlan(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_plan_target.sales_plan_target import SalesPlanTarget

		amended_from: DF.Link | None
		fiscal_year: DF.Data
		growth_factor: DF.Float
		naming_series: DF.Literal["PLAN-.YYYY.-"]
		period_type: DF.Literal["Monthly", "Quarterly", "Half-Yearly", "Annual"]
		plan_name: DF.Data
		sales_department: DF.Link | None
		targets: DF.Table[SalesPlanTarget]
		total_target_collection_amount: DF.Currency
		total_target_order_amount: DF.Currency
	# end: auto-generated types

	def validate(self):
		self.validate_header()
		self.set_periods()
		self.validate_targets()
		self.calculate_totals()

	def before_submit(self):
		self.validate_targets(require_positive=True)

	def validate_header(self):
		if not plans.check_fiscal_year(self.fiscal_year):
			throw(self, _("{0} is not a year like 2026").format(self.fiscal_year), "fiscal_year")
		self.fiscal_year = str(self.fiscal_year).strip()
		if self.growth_factor in (None, ""):
			self.growth_factor = 1
		if flt(self.growth_factor) <= 0:
			throw(self, _("must be greater than 0, not {0}").format(self.growth_factor), "growth_factor")

	def set_periods(self):
		for row in self.targets:
			row.period = (row.period or "").strip()
			period = plans.parse_period(self.period_type, row.period)
			row.period_start = period.start if period else None
			row.period_end = period.end if period else None

	def validate_targets(self, require_positive: bool = False):
		problems = plans.check_targets(
			self.period_type,
			self.fiscal_year,
			[
				plans.TargetRow(
					row.idx,
					row.sales_person,
					row.period,
					row.target_order_amount,
					row.target_collection_amount,
					row.target_new_customers,
					row.product,
				)
				for row in self.targets
			],
			require_positive,
		)
		if problems:
			throw(self, "; ".join(self.describe(problem) for problem in problems), "targets")

	def describe(self, problem: plans.TargetProblem) -> str:
		row = next(row for row in self.targets if row.idx == problem.idx)
		if problem.rule == "period_format":
			return _("row {0}: period {1} is not a {2} period like {3}").format(
				problem.idx,
				frappe.bold(row.period or ""),
				_(self.period_type),
				plans.example(self.period_type),
			)
		if problem.rule == "outside_year":
			return _("row {0}: period {1} is outside fiscal year {2}").format(
				problem.idx, frappe.bold(row.period), self.fiscal_year
			)
		if problem.rule == "duplicate" and row.product:
			return _("row {0}: {1} has a target for product {2} in period {3} in row {4} already").format(
				problem.idx, row.sales_person, row.product, frappe.bold(row.period), problem.value
			)
		if problem.rule == "duplicate":
			return _("row {0}: {1} has a target for period {2} in row {3} already").format(
				problem.idx, row.sales_person, frappe.bold(row.period), problem.value
			)
		if problem.rule == "product_orders_only":
			return _(
				"row {0}: a product target ({1}) holds an order target only; set {2} on a row without a product"
			).format(problem.idx, row.product, _(row.meta.get_label(problem.fieldname)))
		if problem.rule == "negative":
			return _("row {0}: {1} cannot be negative ({2})").format(
				problem.idx, _(row.meta.get_label(problem.fieldname)), problem.value
			)
		return _(
			"row {0}: set at least one target above 0 (compile the plan to fill it from history)"
		).format(problem.idx)

	def calculate_totals(self):
		# product targets break a salesperson's period down: where the salesperson has a row without a
		# product for that period, it is the total and the product rows are not added to it again
		whole = {(row.sales_person, row.period) for row in self.targets if not row.product}
		self.total_target_order_amount = sum(
			flt(row.target_order_amount)
			for row in self.targets
			if not row.product or (row.sales_person, row.period) not in whole
		)
		self.total_target_collection_amount = sum(flt(row.target_collection_amount) for row in self.targets)
