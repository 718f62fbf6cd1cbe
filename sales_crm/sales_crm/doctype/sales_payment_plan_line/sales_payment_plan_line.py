# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument


class SalesPaymentPlanLine(SalesDocument):
	pass


def on_doctype_update():
	import frappe

	# the daily overdue job and the report read lines by due date
	frappe.db.add_index("Sales Payment Plan Line", ["due_date"])
