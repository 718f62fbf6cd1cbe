# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe

from sales_crm.controllers.base import SalesDocument


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
	# Opportunity Pipeline's days in stage read this index alone, each stage's stays in its order: a stay's
	# row has its opportunity's creation (Frappe gives child rows their parent's), so the period is tested in
	# the index (an earlier stage_report_index led with creation, which made MariaDB group in a temporary
	# table; patches.v1.add_owner_report_indexes drops it)
	frappe.db.add_index(
		"Sales Opportunity Stage",
		["parenttype", "stage", "creation", "entered_on", "left_on"],
		index_name="stage_duration_index",
	)
