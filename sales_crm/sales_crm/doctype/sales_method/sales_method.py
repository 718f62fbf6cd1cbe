# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument


class SalesMethod(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_method_stage.sales_method_stage import SalesMethodStage

		description: DF.SmallText | None
		method_name: DF.Data
		stages: DF.Table[SalesMethodStage]
	# end: auto-generated types
	pass
