"""The list indexes of the scoped DocTypes on a site that already has the tables (Frappe runs
``on_doctype_update`` only when a DocType is saved): (sales_person, modified), and Frappe's ``modified``
index widened to (modified desc, sales_person, sales_department) where broad scopes walk it."""

from sales_crm.constants import SCOPED
from sales_crm.permissions import add_scope_indexes


def execute():
	for doctype in SCOPED:
		add_scope_indexes(doctype)
