# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cstr, getdate

from sales_crm.controllers.base import SalesDocument
from sales_crm.flows import follow_ups
from sales_crm.org import department_of
from sales_crm.permissions import add_scope_indexes
from sales_crm.report_indexes import add_report_indexes
from sales_crm.rules.follow_ups import next_date_problem
from sales_crm.utils import default_sales_person
from sales_crm.validation import throw


class SalesFollowUp(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		contact_person: DF.Data | None
		customer: DF.Link | None
		follow_up_date: DF.Date
		follow_up_type: DF.Literal["Call", "Visit", "Email", "Meeting", "Demo"]
		naming_series: DF.Literal["FU-.YYYY.-"]
		next_follow_up_date: DF.Date | None
		next_step: DF.SmallText | None
		opportunity: DF.Link | None
		outcome: DF.SmallText
		party_name: DF.Data | None
		sales_department: DF.Link | None
		sales_lead: DF.Link | None
		sales_person: DF.Link | None
		status: DF.Literal["Open", "Overdue", "Closed"]
		title: DF.Data | None
		todo: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.validate_references()
		self.set_missing_values()
		self.validate_dates()
		self.set_title()
		self.status = follow_ups.status_of(self)

	def validate_references(self):
		if self.opportunity:
			customer = frappe.db.get_value("Sales Opportunity", self.opportunity, "customer")
			if self.customer and customer and self.customer != customer:
				throw(self, _("the customer must be the opportunity's ({0})").format(customer), "customer")
			self.customer = self.customer or customer
		if not follow_ups.references(self):
			throw(
				self,
				_("choose the Sales Lead, Opportunity or Customer this follow-up is about"),
				"sales_lead",
			)
		for fieldname, doctype, name in follow_ups.references(self):
			if not frappe.has_permission(doctype, "read", name):
				throw(
					self,
					_("you may not follow up {0} {1}").format(_(doctype), name),
					fieldname,
					exc=frappe.PermissionError,
				)

	def set_missing_values(self):
		_fieldname, doctype, name = follow_ups.references(self)[0]
		if doctype == "Sales Customer":
			owner, party = frappe.db.get_value(doctype, name, ["sales_person", "customer_name"])
		elif doctype == "Sales Opportunity":
			owner, party = frappe.db.get_value(doctype, name, ["sales_person", "opportunity_name"])
		else:
			owner, party = frappe.db.get_value(doctype, name, ["sales_person", "company_name"])
			if not self.contact_person:
				self.contact_person = frappe.db.get_value(doctype, name, "contact_name")
		self.party_name = party
		if not self.sales_person:
			self.sales_person = owner
		default_sales_person(self)
		if self.sales_person and not self.sales_department:
			self.sales_department = department_of(self.sales_person)

	def validate_dates(self):
		dates = [getdate(d) if d else None for d in (self.follow_up_date, self.next_follow_up_date)]
		if next_date_problem(*dates):
			throw(
				self,
				_("the next follow-up ({0}) cannot come before this one ({1})").format(
					self.next_follow_up_date, self.follow_up_date
				),
				"next_follow_up_date",
			)
		if self.next_follow_up_date and not self.sales_person:
			throw(self, _("a next follow-up needs a Sales Person to remind"), "sales_person")

	def set_title(self):
		self.title = f"{_(self.follow_up_type)}: {cstr(self.party_name)}"[:140]

	def after_insert(self):
		follow_ups.close_earlier(self)
		follow_ups.add_to_timelines(self)

	def on_update(self):
		follow_ups.sync_todo(self)

	def on_trash(self):
		if self.todo:
			frappe.db.set_value("ToDo", self.todo, "status", "Cancelled")


def on_doctype_update():
	add_scope_indexes("Sales Follow Up")
	add_report_indexes("Sales Follow Up")
