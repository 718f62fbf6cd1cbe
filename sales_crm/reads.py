"""Reads on the posting paths: named columns of records matching equalities, as SQL text.

``frappe.get_all`` and ``frappe.db.get_value`` pass every field name through a SQL formatter (``sqlparse``)
to sanitise it, and a filters dict through ``DatabaseQuery``: for a query that finds its rows by primary
key or parent, that costs several times the query itself, on every save of the chain. The names here are
the code's own, never a client's, so the columns are built directly. Like ``frappe.get_all``, these read
without permission checks: the callers are the server's own postings, on records they locked or reached.

The statements are written as text, not through ``frappe.qb``: pypika copies the whole query on every
``where`` it adds (0.076 ms to build a three-filter read, against 0.0025 ms as text), which on the chain's
twenty-odd statements per posting cost more than a millisecond.
"""

import re
from collections.abc import Iterable

import frappe

_MANY = (list, tuple, set, frozenset)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_ ]*\Z")


def quoted(identifier: str) -> str:
	"""A DocType, table or column name of the code's own, backquoted; anything else is refused."""
	if not _IDENTIFIER.match(identifier):
		raise ValueError(f"not an identifier: {identifier!r}")
	return f"`{identifier}`"


def table(doctype: str) -> str:
	return quoted(f"tab{doctype}")


def where(filters: dict, values: dict) -> str:
	"""``a = %(…)s and b in %(…)s``: a value is ``=``, a collection ``IN``; the values go into ``values``."""
	terms = []
	for field, value in filters.items():
		key = f"w{len(values)}"
		if isinstance(value, _MANY):
			values[key] = tuple(value)
			terms.append(f"{quoted(field)} in %({key})s")
		else:
			values[key] = value
			terms.append(f"{quoted(field)} = %({key})s")
	return " and ".join(terms)


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
	values: dict = {}
	query = f"select {', '.join(quoted(f) for f in fields)} from {table(doctype)}"
	if filters:
		query += f" where {where(filters, values)}"
	if order_by:
		query += f" order by {quoted(order_by)}"
	if for_update:
		query += " for update"
	return frappe.db.sql(query, values, as_dict=True)


def lock(doctype: str, names: Iterable[str]) -> None:
	"""Take the row locks of the records ``names``, in name order."""
	names = sorted(set(names))
	if names:
		frappe.db.sql(
			f"select `name` from {table(doctype)} where `name` in %(names)s order by `name` for update",
			{"names": tuple(names)},
		)


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
