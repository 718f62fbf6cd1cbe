# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument


class SalesCRMSettings(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company_currency: DF.Link
		default_credit_days: DF.Int
		default_sales_method: DF.Link | None
		default_tax_rate: DF.Percent
		enable_monthly_commission_job: DF.Check
	# end: auto-generated types
	pass
