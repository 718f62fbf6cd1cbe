# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SalesHistoryImport(Document):
	"""A file of past orders to import; the import itself is sales_crm/flows/history_import.py."""
