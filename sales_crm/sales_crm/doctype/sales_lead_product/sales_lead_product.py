# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument


class SalesLeadProduct(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		annual_volume: DF.Float
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		product_name: DF.Data
		remarks: DF.SmallText | None
		specification: DF.Data | None
	# end: auto-generated types
	pass
