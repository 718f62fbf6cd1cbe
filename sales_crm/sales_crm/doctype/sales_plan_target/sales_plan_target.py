# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument


class SalesPlanTarget(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		period: DF.Data
		period_end: DF.Date | None
		period_start: DF.Date | None
		product: DF.Link | None
		sales_person: DF.Link
		target_collection_amount: DF.Currency
		target_new_customers: DF.Int
		target_order_amount: DF.Currency
	# end: auto-generated types
	pass
