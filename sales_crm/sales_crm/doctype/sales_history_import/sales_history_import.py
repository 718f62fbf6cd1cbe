# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument


class SalesHistoryImport(SalesDocument):
	"""A file of past orders to import; the import itself is sales_crm/flows/history_import.py."""
