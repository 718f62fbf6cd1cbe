"""A user's row scope (``sales_crm/permissions.py``) as disjoint parts, for counting, as plain functions.

A scope admits a row by any of a few rules: the user's own rows (``sales_person``), the rows of the
departments they manage (``sales_department``), unowned rows, and a lead's unassigned rows in the
departments the user belongs to. As one SQL condition these rules are an OR over two columns, which no
single index range serves: MariaDB merges two indexes (sorting every row id) or reads a whole index.

Split into parts that no row satisfies twice, each part is one index range, and the count of the scope
is the sum of the parts' counts (issue 11: a manager's count within 1.5× Administrator's):

1. ``sales_department in D`` — the managed departments;
2. ``sales_person = own`` and the department outside D;
3. the owner field empty and the department outside D;
4. (leads) ``sales_person`` empty and the department in M − D, the user's member departments that they
   do not manage — unless part 3 already admits every unowned row.

"Outside D" is NULL-safe: a row without a department is outside every department.
"""

from __future__ import annotations

from typing import NamedTuple

EQ, IN, EMPTY, NOT_IN = "eq", "in", "empty", "not_in"


class Term(NamedTuple):
	"""One condition on one column: ``EQ`` (= the one value), ``IN``, ``EMPTY`` (NULL or ''), ``NOT_IN``
	(NULL-safe: an empty value is not in any list)."""

	kind: str
	column: str
	values: tuple = ()


def disjoint_parts(
	*,
	own: str | None,
	departments,
	unowned: bool,
	unassigned_lead_departments,
	lead: bool,
	has_person: bool,
	has_department: bool,
) -> list[tuple[Term, ...]]:
	"""The scope's rules as parts (each an AND of terms) that no row satisfies twice and whose union
	admits exactly the rows the rules admit. An empty list admits nothing."""
	owner = "sales_person" if has_person else "sales_department"
	managed = tuple(sorted(departments)) if has_department else ()
	outside = (Term(NOT_IN, "sales_department", managed),) if managed else ()
	parts: list[tuple[Term, ...]] = []
	if managed:
		parts.append((Term(IN, "sales_department", managed),))
	if own and has_person:
		parts.append((Term(EQ, "sales_person", (own,)), *outside))
	if unowned:
		parts.append((Term(EMPTY, owner), *outside))
	unassigned = tuple(sorted(set(unassigned_lead_departments or ()) - set(managed)))
	if lead and has_person and has_department and unassigned and not (unowned and owner == "sales_person"):
		parts.append((Term(EMPTY, "sales_person"), Term(IN, "sales_department", unassigned)))
	return parts


def term_admits(term: Term, row: dict) -> bool:
	"""Whether ``row`` (column → value, None for NULL) satisfies ``term``, as the SQL of the term does."""
	value = row.get(term.column)
	if term.kind == EQ:
		return value is not None and value == term.values[0]
	if term.kind == IN:
		return value is not None and value in term.values
	if term.kind == EMPTY:
		return value is None or value == ""
	if term.kind == NOT_IN:
		return (value or "") not in term.values
	raise ValueError(f"unknown term kind {term.kind!r}")


def part_admits(part: tuple[Term, ...], row: dict) -> bool:
	return all(term_admits(term, row) for term in part)


def capped_sum(counts, limit: int = 0) -> int:
	"""The sum of the parts' counts; with ``limit`` (each count already capped at it, as the desk's
	``count(*)`` over ``limit`` rows is), the sum capped at ``limit``. Stops reading counts once the cap
	is reached."""
	total = 0
	for count in counts:
		total += int(count or 0)
		if limit and total >= limit:
			return limit
	return total
