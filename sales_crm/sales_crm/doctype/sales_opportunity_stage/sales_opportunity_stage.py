# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe

from sales_crm.controllers.base import SalesDocument
from sales_crm.report_indexes import add_report_indexes


class SalesOpportunityStage(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		changed_by: DF.Link | None
		entered_on: DF.Datetime | None
		left_on: DF.Datetime | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		probability: DF.Percent
		stage: DF.Data | None
	# end: auto-generated types
	pass


def on_doctype_update():
	add_report_indexes("Sales Opportunity Stage")
