"""The (sales_person, modified) index that each scoped DocType's ``on_doctype_update`` declares, on a site
that already has the tables: Frappe runs ``on_doctype_update`` only when a DocType is saved."""

from sales_crm.constants import SCOPED
from sales_crm.permissions import add_scope_indexes


def execute():
	for doctype in SCOPED:
		add_scope_indexes(doctype)
