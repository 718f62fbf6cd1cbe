# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cstr, now_datetime

from sales_crm import owned
from sales_crm.controllers.base import SalesDocument
from sales_crm.flows.leads import find_duplicate, give_lead, set_keys
from sales_crm.flows.loss_reasons import apply_loss_reason
from sales_crm.org import ASSIGNERS, department_of, has_role
from sales_crm.permissions import add_scope_indexes
from sales_crm.report_indexes import add_report_indexes
from sales_crm.utils import default_sales_person
from sales_crm.validation import throw


class SalesLead(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_lead_product.sales_lead_product import SalesLeadProduct

		address: DF.SmallText | None
		assigned_on: DF.Datetime | None
		company_name: DF.Data
		company_key: DF.Data | None
		contact_name: DF.Data | None
		contact_title: DF.Data | None
		converted_on: DF.Datetime | None
		customer: DF.Link | None
		email: DF.Data | None
		email_key: DF.Data | None
		external_id: DF.Data | None
		industry: DF.Data | None
		lead_source: DF.Literal[
			"Marketing Campaign",
			"Employee Referral",
			"800 Hotline",
			"Advertising Response",
			"Customer Referral",
		]
		loss_reason: DF.Link | None
		lost_reason: DF.SmallText | None
		mobile: DF.Data | None
		mobile_key: DF.Data | None
		naming_series: DF.Literal["LEAD-.YYYY.-"]
		opportunity: DF.Link | None
		origin: DF.Literal["Direct Entry", "Marketing Subsystem"]
		own_products: DF.Table[SalesLeadProduct]
		phone: DF.Data | None
		phone_key: DF.Data | None
		possible_duplicate_of: DF.DynamicLink | None
		possible_duplicate_type: DF.Link | None
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		status: DF.Literal["Unassigned", "Assigned", "Converted", "Lost"]
		website: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.set_missing_values()
		self.validate_owner_change()
		apply_loss_reason(self)
		self.validate_status()

	def validate_owner_change(self):
		"""Leads are given, not taken: only a Sales Manager or Director (by hand, Assign To, the assignment
		rule or ``assign_leads``) moves a lead to a salesperson or a department, and an Unassigned lead given
		that way is Assigned (its status follows its owner)."""
		if self.is_new() or owned.server_writing():
			return
		moved = [f for f in ("sales_person", "sales_department") if self.has_value_changed(f)]
		if not moved:
			return
		if not has_role(ASSIGNERS):
			throw(
				self,
				_("only a Sales Manager or Sales Director assigns a lead (ask your manager to assign it)"),
				moved[0],
				exc=frappe.PermissionError,
			)
		if self.sales_person and self.status == "Unassigned":
			# the workflow's Assign needs the salesperson saved first: the lead becomes Assigned once it is
			self.flags.given_by_hand = True

	def on_update(self):
		if self.flags.pop("given_by_hand", None):
			give_lead(self)

	def set_missing_values(self):
		if self.email:
			self.email = cstr(self.email).strip().lower()
		self.external_id = cstr(self.external_id).strip() or None
		set_keys(self, "company_name", {"phone": "phone_key", "mobile": "mobile_key"})
		if self.is_new() and not has_role({"Sales Manager"}):
			# a salesperson's own lead is personal; managers enter department leads
			default_sales_person(self)
		if self.sales_person and not self.sales_department:
			self.sales_department = department_of(self.sales_person)

	def validate_status(self):
		before = self.get_doc_before_save()
		if self.status == "Converted" and (not before or before.status != "Converted"):
			throw(self, _("a lead is converted only by Convert to Opportunity"), "status")
		if self.status == "Assigned" and not self.sales_person:
			throw(self, _("an Assigned lead needs a Sales Person"), "sales_person")
		if self.status == "Lost" and not cstr(self.lost_reason).strip():
			throw(self, _("a Lost lead needs a Lost Reason"), "lost_reason")
		if before and before.status in ("Converted", "Lost") and self.has_value_changed("status"):
			throw(self, _("a {0} lead cannot change status").format(_(before.status)), "status")

	def before_insert(self):
		# the intake (flows/lead_import.py) has just looked, and refuses duplicates instead of flagging them
		duplicate = None if self.flags.duplicate_checked else find_duplicate(self)
		if duplicate:
			self.possible_duplicate_type, self.possible_duplicate_of = duplicate
			# the server links the match, whoever's it is (sanitize.validate_links)
			self.flags.server_linked_fields = {"possible_duplicate_of"}

	def after_insert(self):
		if self.possible_duplicate_of:
			# named only to whoever may read it: a colleague's lead or customer stays unnamed
			readable = frappe.has_permission(
				self.possible_duplicate_type, "read", self.possible_duplicate_of, throw=False
			)
			frappe.msgprint(
				_("This lead may duplicate {0} {1}").format(
					_(self.possible_duplicate_type), frappe.bold(self.possible_duplicate_of)
				)
				if readable
				else _("This lead may duplicate an existing {0} of another salesperson").format(
					_(self.possible_duplicate_type)
				),
				title=_("Possible Duplicate"),
				indicator="orange",
				alert=True,
			)
		if self.sales_person and self.status == "Unassigned":
			# a lead entered for a salesperson is personal from the start
			self.db_set({"status": "Assigned", "assigned_on": now_datetime()})


def on_doctype_update():
	add_scope_indexes("Sales Lead")
	# reports count leads by the period they came in (reporting.scope(..., "creation"))
	frappe.db.add_index("Sales Lead", ["creation"])
	# a salesperson's scope: their own leads, or their department's unassigned ones, as index ranges
	frappe.db.add_index("Sales Lead", ["sales_person", "sales_department"])
	add_report_indexes("Sales Lead")
