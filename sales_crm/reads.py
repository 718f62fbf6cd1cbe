"""Reads on the posting paths: named columns of records matching equalities, as ``frappe.qb`` queries.

``frappe.get_all`` and ``frappe.db.get_value`` pass every field name through a SQL formatter (``sqlparse``)
to sanitise it, and a filters dict through ``DatabaseQuery``: for a query that finds its rows by primary
key or parent, that costs several times the query itself, on every save of the chain. The names here are
the code's own, never a client's, so the columns are built directly. Like ``frappe.get_all``, these read
without permission checks: the callers are the server's own postings, on records they locked or reached.
"""

from collections.abc import Iterable

import frappe

_MANY = (list, tuple, set, frozenset)


def rows(
	doctype: str,
	filters: dict,
	fields: Iterable[str],
	order_by: str | None = None,
	for_update: bool = False,
) -> list[frappe._dict]:
	"""The ``fields`` of the records where every filter holds: a value is ``=``, a collection ``IN`` (an empty
	one matches nothing, with no query)."""
	if any(isinstance(value, _MANY) and not value for value in filters.values()):
		return []
	table = frappe.qb.DocType(doctype)
	query = frappe.qb.from_(table).select(*(table[field] for field in fields))
	for field, value in filters.items():
		query = query.where(
			table[field].isin(list(value)) if isinstance(value, _MANY) else table[field] == value
		)
	if order_by:
		query = query.orderby(table[order_by])
	if for_update:
		query = query.for_update()
	return query.run(as_dict=True)


def column(doctype: str, filters: dict, field: str) -> list:
	"""One field of the matching records (``frappe.get_all(…, pluck=field)``)."""
	return [row[field] for row in rows(doctype, filters, [field])]


def row(doctype: str, name: str, fields: Iterable[str], for_update: bool = False) -> frappe._dict | None:
	"""Fields of one record by name, or None (``frappe.db.get_value(…, as_dict=True)``)."""
	found = rows(doctype, {"name": name}, fields, for_update=for_update) if name else []
	return found[0] if found else None


def value(doctype: str, name: str, field: str):
	"""One field of one record by name, or None."""
	found = row(doctype, name, [field])
	return found[field] if found else None
