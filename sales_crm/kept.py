"""Figures kept as documents are posted, for the reports that would otherwise read every row ever posted.

Two tables say what is kept:

- ``FIRSTS``: a record keeps which submitted document naming it came first (a customer its first order:
  the earliest order date, then the lowest name). Submitting an earlier one moves it; cancelling the kept
  one finds the next. Sales Plan Achievement counts new customers from it, down one index, instead of
  finding every customer's first order among every order.
- ``TALLIES``: the amount of submitted rows or documents per group and month (a salesperson's order rows of
  one product; the orders and receipts of a salesperson and department), kept in a table of its own.
  Submitting adds the document's rows, cancelling takes them away, each group's row locked in name order by
  one ``INSERT … ON DUPLICATE KEY UPDATE``. Sales Plan
  Achievement's product targets read a few thousand kept rows instead of millions of order rows, and
  Customer Value Analysis's chart a few hundred (``reporting.period_months``).

Writers that insert submitted documents directly (the history import, the demo) call ``refresh`` for what
they wrote; ``rebuild`` recomputes everything from the documents (a patch, a repair)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import frappe
from frappe.utils import flt, getdate, now_datetime

from sales_crm import reads
from sales_crm.rules.plans import comes_first


@dataclass(frozen=True)
class First:
	"""``target`` keeps, of the submitted ``source`` documents whose ``link`` names it, the first by
	``date`` and then by name: ``keep`` maps each kept field to the source field it copies (``name`` and
	``date`` among them)."""

	target: str
	source: str
	link: str
	date: str
	keep: tuple[tuple[str, str], ...]
	index: str  # of the source, led by (docstatus, link): where ``refresh_firsts`` reads them

	def field(self, source_field: str) -> str:
		return next(kept for kept, copied in self.keep if copied == source_field)


@dataclass(frozen=True)
class Tally:
	"""``kept`` holds Σ ``value`` of the submitted ``source`` documents' ``table`` rows per ``by`` and month
	of ``date`` (fields the rows carry: ``chain.ROW_CARRIES``), or of the documents themselves (no
	``table``; ``row`` is then the source). Tallies of one ``kept`` DocType share its ``by`` and month,
	each in its own value column."""

	kept: str
	source: str
	table: str | None
	row: str
	by: tuple[str, ...]
	date: str
	value: str


FIRSTS = (
	First(
		"Sales Customer",
		"Customer Order",
		"customer",
		"order_date",
		(("first_order", "name"), ("first_order_date", "order_date"), ("first_order_by", "sales_person")),
		"customer_order_report_index",
	),
)

PERSON_MONTH = ("sales_person", "sales_department")

TALLIES = (
	Tally(
		"Sales Product Month",
		"Customer Order",
		"items",
		"Customer Order Item",
		("sales_person", "product"),
		"order_date",
		"base_amount",
	),
	# the whole company's orders and collections per month (Customer Value Analysis's chart)
	Tally(
		"Sales Person Month",
		"Customer Order",
		None,
		"Customer Order",
		PERSON_MONTH,
		"order_date",
		"base_grand_total",
	),
	Tally(
		"Sales Person Month",
		"Sales Receipt",
		None,
		"Sales Receipt",
		PERSON_MONTH,
		"receipt_date",
		"base_paid_amount",
	),
)

CHUNK = 1000  # kept rows per statement

# The fields only this module writes, per DocType (owned: ``chain.owned``).
KEPT_FIELDS = {first.target: tuple(kept for kept, _copied in first.keep) for first in FIRSTS}


def lock(doc) -> None:
	"""Before ``doc`` is submitted or cancelled (``chain.lock``, after the chain's locks: a customer's row is
	the last a posting locks), lock the records whose kept first it may move, read what they keep under the
	lock (the latest committed), and note for ``post`` whether it moves.

	Both lock before the document's own docstatus changes: a cancel of a record's kept first searches the
	record's documents for the next one, and a submit of that record waiting for the lock is not among them
	yet; it then reads the new first under the lock and keeps its own if it comes earlier. A plain read
	would be the transaction's snapshot, older than the lock."""
	moves = doc.flags.kept_firsts = {}
	for first in FIRSTS:
		target = doc.get(first.link)
		if first.source != doc.doctype or not target or doc.docstatus not in (1, 2):
			continue
		name_field, date_field = first.field("name"), first.field(first.date)
		found = reads.row(first.target, target, [name_field, date_field], for_update=True)
		kept, day = (found[name_field], found[date_field]) if found else (None, None)
		if doc.docstatus == 2:
			moves[first.target] = kept == doc.name
		else:
			ours = (getdate(doc.get(first.date)), doc.name)
			moves[first.target] = bool(found) and comes_first(*ours, (getdate(day), kept) if kept else None)


def post(doc) -> None:
	"""``doc`` was submitted (docstatus 1) or cancelled (2): move what is kept of it."""
	if doc.flags.get("kept_firsts") is None:
		lock(doc)  # a caller that did not take the locks first
	moves = doc.flags.pop("kept_firsts")
	for first in FIRSTS:
		if first.source != doc.doctype or not moves.get(first.target):
			continue
		if doc.docstatus == 1:
			_keep_first(first, doc)
		elif doc.docstatus == 2:
			# the next first, or none: the update's reads of the documents are locking (shared), so they see
			# the latest committed and wait for a submit of the record's documents in flight (the snapshot is
			# older than the record's lock). A posting that holds one of those documents and waits for the
			# record's row (another cancel of its orders, an offset's credit) then deadlocks with this one,
			# and MariaDB refuses one of them: a clean 409 to try again (``transactions``), never a wrong first.
			refresh_firsts(first, [doc.get(first.link)])
	for tally in TALLIES:
		if tally.source == doc.doctype and doc.docstatus in (1, 2):
			sign = 1 if doc.docstatus == 1 else -1
			rows = (doc.get(tally.table) or ()) if tally.table else (doc,)
			sums: dict[tuple, float] = defaultdict(float)
			for row in rows:
				key = (*(row.get(field) for field in tally.by), month_of(row.get(tally.date)))
				sums[key] += sign * flt(row.get(tally.value))
			_add(tally, sums)


def _keep_first(first: First, doc) -> None:
	"""``doc`` comes before what its record kept (``lock`` read it under the record's lock)."""
	assignments = ", ".join(f"`{kept}` = %({copied})s" for kept, copied in first.keep)
	values = {copied: doc.get(copied) for _kept, copied in first.keep}
	frappe.db.sql(
		f"update `tab{first.target}` set {assignments} where name = %(target)s",
		{**values, "target": doc.get(first.link)},
	)


def refresh_firsts(first: First, targets: list[str] | None = None) -> None:
	"""Recompute the kept first of ``targets`` (every record when None) from the submitted documents."""
	if targets is not None:
		targets = sorted({t for t in targets if t})
		if not targets:
			return
	link, day, index = first.link, first.date, f"force index (`{first.index}`)"
	only = "and {0} in %(targets)s"
	copied = ", ".join(f"s.`{field}`" for _kept, field in first.keep if field not in ("name", day))
	# each target's first date, then the lowest name on that date, then that document's fields
	firsts = f"""
		select s.`{link}` target, s.name, s.`{day}` {", " + copied if copied else ""}
		from (
			select d.`{link}` target, d.first_day, min(s.name) first_name
			from (
				select `{link}`, min(`{day}`) first_day from `tab{first.source}` {index}
				where docstatus = 1 {only.format(f"`{link}`") if targets else ""}
				group by `{link}`
			) d
			join `tab{first.source}` s {index} on s.docstatus = 1 and s.`{link}` = d.`{link}` and s.`{day}` = d.first_day
			group by d.`{link}`, d.first_day
		) f
		join `tab{first.source}` s on s.name = f.first_name"""
	assignments = ", ".join(f"t.`{kept}` = f.`{copied}`" for kept, copied in first.keep)
	frappe.db.sql(
		f"""update `tab{first.target}` t left join ({firsts}) f on f.target = t.name
		set {assignments} {"where t.name in %(targets)s" if targets else ""}""",
		{"targets": tuple(targets or ())},
	)


def month_of(value) -> str | None:
	day = getdate(value) if value else None
	return day.replace(day=1).isoformat() if day else None


def tally_name(key: tuple) -> str:
	"""A group's row is named by its key (hashed: an email, a product name and a month can outgrow a name),
	so that every posting of the group finds the same row."""
	return hashlib.sha1("\x1f".join(str(part or "") for part in key).encode()).hexdigest()[:20]


def _add(tally: Tally, sums: dict[tuple, float]) -> None:
	"""Add ``sums`` (per key of ``by`` and month) to the kept rows, in name order: two postings that share
	groups lock them in the same order and wait for each other instead of deadlocking."""
	rows = sorted((tally_name(key), key, amount) for key, amount in sums.items() if key[-1] and amount)
	if not rows:
		return
	now, user = now_datetime(), frappe.session.user
	columns = ("name", "creation", "modified", "owner", "modified_by", *tally.by, "month", tally.value)
	row_placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
	for start in range(0, len(rows), CHUNK):  # a statement of bounded size (a rebuild adds every group)
		values = [
			(name, now, now, user, user, *key, amount) for name, key, amount in rows[start : start + CHUNK]
		]
		frappe.db.sql(
			f"""insert into `tab{tally.kept}` ({", ".join(f"`{c}`" for c in columns)})
			values {", ".join([row_placeholder] * len(values))}
			on duplicate key update `{tally.value}` = `{tally.value}` + values(`{tally.value}`),
				modified = values(modified), modified_by = values(modified_by)""",
			[value for row in values for value in row],
		)


def refresh_tallies(tally: Tally, sources: list[str], sign: int = 1) -> None:
	"""Add the rows of the submitted ``sources`` (inserted directly, never posted through ``post``), or
	take them away (``sign`` -1: before they are deleted directly)."""
	source = "parent" if tally.table else "name"
	for start in range(0, len(sources), 5000):
		chunk = sources[start : start + 5000]
		sums = _sums(tally, f"{source} in %(sources)s", {"sources": tuple(chunk)})
		_add(tally, {key: sign * amount for key, amount in sums.items()})


def _sums(tally: Tally, condition: str, values: dict) -> dict[tuple, Decimal]:
	by = ", ".join(f"`{field}`" for field in tally.by)
	rows = frappe.db.sql(
		f"""select {by}, date_format(`{tally.date}`, '%%Y-%%m-01') month, cast(sum(`{tally.value}`) as char)
		from `tab{tally.row}` where docstatus = 1 and {condition}
			{"and parenttype = %(parenttype)s" if tally.table else ""}
		group by {by}, month""",
		{**values, "parenttype": tally.source},
	)
	# as text, into Decimals: a float of a sum over millions of rows would lose its last cents' digits
	return {tuple(row[:-1]): Decimal(row[-1]) for row in rows if row[-1] is not None}


def refresh(
	doctype: str, names: list[str], targets: dict[str, list[str]] | None = None, sign: int = 1
) -> None:
	"""What is kept of the submitted ``doctype`` documents ``names``, which were inserted directly:
	their tallies added (``sign`` -1: taken away, before they are deleted directly), and the firsts of the
	records they name (``targets``: per First's target DocType) recomputed."""
	for tally in TALLIES:
		if tally.source == doctype and names:
			refresh_tallies(tally, list(names), sign)
	for first in FIRSTS:
		if first.source == doctype and targets and targets.get(first.target):
			found = sorted(set(targets[first.target]))
			for start in range(0, len(found), 5000):
				refresh_firsts(first, found[start : start + 5000])


def tally_of(doctype: str, value: str) -> Tally | None:
	"""The tally that keeps the submitted ``doctype`` documents' ``value`` per month (not their rows')."""
	return next((t for t in TALLIES if t.source == doctype and t.table is None and t.value == value), None)


def targets_of(doctype: str, rows) -> dict[str, list[str]]:
	"""Per First's target DocType, the records the written ``doctype`` rows name (for ``refresh``)."""
	return {
		first.target: [row.get(first.link) for row in rows] for first in FIRSTS if first.source == doctype
	}


def sources() -> set[str]:
	"""The DocTypes whose submitted documents something is kept of."""
	return {first.source for first in FIRSTS} | {tally.source for tally in TALLIES}


def rebuild() -> None:
	"""Every kept figure recomputed from the submitted documents (a patch; a repair). Not for concurrent
	use: a posting meanwhile may be counted twice or not at all."""
	for first in FIRSTS:
		refresh_firsts(first)
	for kept in sorted({tally.kept for tally in TALLIES}):
		frappe.db.delete(kept)
	for tally in TALLIES:
		_add(tally, _sums(tally, "1 = 1", {}))
