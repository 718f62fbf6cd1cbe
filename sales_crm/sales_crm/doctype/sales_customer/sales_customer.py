# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from frappe.contacts.address_and_contact import load_address_and_contact
from frappe.utils import cstr

from sales_crm.controllers.base import SalesDocument
from sales_crm.flows.leads import set_keys
from sales_crm.permissions import add_scope_indexes
from sales_crm.report_indexes import add_report_indexes
from sales_crm.utils import default_sales_person


class SalesCustomer(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		address: DF.SmallText | None
		company_key: DF.Data | None
		credit_balance: DF.Currency
		customer_name: DF.Data
		customer_type: DF.Literal["Company", "Individual"]
		disabled: DF.Check
		email: DF.Data | None
		email_key: DF.Data | None
		industry: DF.Data | None
		naming_series: DF.Literal["CUST-.#####"]
		phone: DF.Data | None
		phone_key: DF.Data | None
		primary_contact: DF.Data | None
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		source_lead: DF.Link | None
		website: DF.Data | None
	# end: auto-generated types

	def onload(self):
		# the customer's contacts and sites: Frappe's Contact and Address linked to it
		load_address_and_contact(self)
		# what the customer holds on account from advances, per currency (the form's indicator)
		from sales_crm.flows.receipts import customer_credit

		self.set_onload("credit", [row for row in customer_credit(self.name) if row.balance])

	def validate(self):
		default_sales_person(self)
		# the credit balance is the advances' (sales_crm.chain.add_credit), never a request's: the row as
		# locked by this save (a locking read, so an advance committed meanwhile is not written back over)
		saved = self.get_doc_before_save()
		if self.is_new():
			self.credit_balance = 0
		elif saved:
			self.credit_balance = saved.credit_balance
		if self.email:
			self.email = cstr(self.email).strip().lower()
		set_keys(self, "customer_name", {"phone": "phone_key"})


def on_doctype_update():
	add_scope_indexes("Sales Customer")
	add_report_indexes("Sales Customer")
