# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument
from sales_crm.flows.collections import check_template


class PaymentTermsTemplate(SalesDocument):
	def validate(self):
		check_template(self)
