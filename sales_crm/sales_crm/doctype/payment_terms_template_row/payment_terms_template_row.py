# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument


class PaymentTermsTemplateRow(SalesDocument):
	pass
