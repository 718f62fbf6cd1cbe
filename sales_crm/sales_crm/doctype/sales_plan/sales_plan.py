# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SalesPlan(Document):
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
	pass
