# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _

from sales_crm.controllers.base import SalesDocument
from sales_crm.report_indexes import add_report_indexes


class SalesProductMonth(SalesDocument):
	"""Written only by ``sales_crm.kept`` as orders are submitted and cancelled (set-based, past the
	controller): a figure saved or deleted as a document would no longer be the sum of the orders."""

	def validate(self):
		frappe.throw(
			_("{0} {1}: the figures are kept by the server from submitted orders").format(
				_(self.doctype), self.name or ""
			),
			frappe.PermissionError,
		)

	def on_trash(self):
		self.validate()


def on_doctype_update():
	add_report_indexes("Sales Product Month")
