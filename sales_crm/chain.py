"""The document chain, declared once: what flows down from each document, and what rolls back up.

    quotation ──▶ contract ──▶ order ──▶ receivable ◀── receipt (allocations)
        └────────────────────────▲

Three tables say it all:

- ``COPIES``: the fields a document copies from the one upstream of it and may not change on its own.
  A contract or an order that departs from its approved quotation needs a Sales Director's approval
  (``drift``); an order departs from its signed contract never (``price_problems`` refuses it).
- ``ROLLUPS``: the sums a submitted (or cancelled) document feeds into the records upstream — ordered
  quantities, invoiced, received and written-off amounts, collections, won amounts. Each is one
  set-based ``UPDATE … SET field = (SELECT SUM(…))`` over the submitted sources, so a figure is always
  recomputed from what exists and can never be counted twice.
- ``DERIVED``: what each record computes from its own sums once they moved (outstanding, ``per_*``,
  statuses), through the pure rules of ``sales_crm.rules``.

What a receipt does, for example (``affected("Sales Receipt", …)``): its allocations' receivables get
their received and written-off sums, then outstanding and status; those receivables' orders get their
received sum and ``per_collected``; their contracts their collected sums, ``per_collected`` and status;
the contracts' Collected-basis salesperson commissions and customer commissions follow.

Locks: ``lock()`` takes the rows a document will change, before it writes anything (``before_submit``/
``before_cancel``), always in ``LOCK_ORDER`` and by name, so concurrent requests queue instead of
deadlocking, and the checks that follow (quantities left, outstanding amounts) read the locked rows.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Sum
from frappe.utils import flt, getdate, nowdate
from pypika.terms import Term

from sales_crm import kept, reads
from sales_crm.rules.fulfilment import percent_done
from sales_crm.rules.receivables import Balance, invoiced_qty
from sales_crm.rules.status import contract_status, order_status, percent, receivable_status
from sales_crm.validation import throw

# --- what flows down: copied and frozen ---------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
	"""``target`` copies these fields from ``source`` (named by ``target.link``); its rows copy ``rows``
	from the source row named by ``row_link``."""

	source: str
	target: str
	link: str
	header: tuple[str, ...]
	row_link: str
	rows: tuple[str, ...]
	ready: tuple[str, ...] = ()  # the statuses of a submitted source a target may be made from


PRICE_FIELDS = ("product", "uom", "price_list_rate", "discount_percentage", "rate")
# Every money term: the currency and its exchange rate (company-currency amounts, commissions), the price
# strategy, the tax and (for a contract) the payment terms, and each row's price.
COPIES = (
	Copy(
		"Sales Quotation",
		"Sales Contract",
		"quotation",
		("customer", "currency", "exchange_rate", "price_strategy", "payment_terms", "tax_rate"),
		"quotation_item",
		PRICE_FIELDS,
		ready=("Accepted",),
	),
	Copy(
		"Sales Quotation",
		"Customer Order",
		"quotation",
		("customer", "currency", "exchange_rate", "price_strategy", "tax_rate"),
		"quotation_item",
		PRICE_FIELDS,
		ready=("Accepted",),
	),
	Copy(
		"Sales Contract",
		"Customer Order",
		"sales_contract",
		("customer", "currency", "exchange_rate", "price_strategy", "tax_rate"),
		"contract_item",
		PRICE_FIELDS,
		ready=("Signed",),
	),
)


def copy_of(target: str, source: str) -> Copy:
	return next(c for c in COPIES if c.target == target and c.source == source)


def source_ready(copy: Copy, source) -> bool:
	"""Whether ``source`` may have ``copy.target`` made from it: submitted, in one of ``copy.ready``."""
	return source.docstatus == 1 and source.status in copy.ready


def require_ready(copy: Copy, source, doc=None) -> None:
	"""Refuse a ``copy.target`` of a source that is not ready (the one wording, for the mapper and the
	controllers alike)."""
	if source_ready(copy, source):
		return
	message = _("{0} {1} is {2}; a {3} is made only from a {4} {0}").format(
		_(copy.source),
		source.name,
		_(source.status) if source.docstatus != 2 else _("Cancelled"),
		_(copy.target),
		" / ".join(_(s) for s in copy.ready),
	)
	if doc is not None:
		throw(doc, message, copy.link)
	frappe.throw(message, title=_("Not Allowed"))


def _differs(a, b) -> bool:
	if isinstance(a, int | float) or isinstance(b, int | float):
		return abs(flt(a) - flt(b)) > 1e-9
	return (a or None) != (b or None)


def drift(doc, source, copy: Copy) -> list[tuple[int | None, str, object, object]]:
	"""Where ``doc`` departs from ``source``: ``(row idx or None, fieldname, its value, the source's)``.
	A row that names no source row departs in its product."""
	found = [(None, f, doc.get(f), source.get(f)) for f in copy.header if _differs(doc.get(f), source.get(f))]
	rows = {row.name: row for row in source.items}
	for row in doc.items:
		upstream = rows.get(row.get(copy.row_link))
		if not upstream:
			found.append((row.idx, "product", row.product, None))
			continue
		found += [
			(row.idx, f, row.get(f), upstream.get(f))
			for f in copy.rows
			if _differs(row.get(f), upstream.get(f))
		]
	return found


# --- what rolls up: sums of submitted sources ------------------------------------------------------


@dataclass(frozen=True)
class RollUp:
	"""``target.field`` = Σ ``source.value`` (× ``factor``) over submitted sources whose ``link`` names
	the target — or, with ``aggregate`` ``"min"``/``"max"``, their least or greatest ``value`` (none without
	a source). A source that is a child row carries its parent's docstatus, so the sum reads the rows
	alone."""

	target: str
	field: str
	source: str
	link: str
	value: str
	factor: str | None = None
	aggregate: str = "sum"


ROLLUPS = (
	RollUp("Sales Contract Item", "ordered_qty", "Customer Order Item", "contract_item", "qty"),
	RollUp("Customer Order", "invoiced_amount", "Sales Receivable", "customer_order", "total_amount"),
	RollUp("Customer Order", "received_amount", "Sales Receivable", "customer_order", "received_amount"),
	RollUp("Sales Receivable", "received_amount", "Sales Receipt Allocation", "sales_receivable", "allocated_amount"),
	RollUp("Sales Receivable", "write_off_amount", "Sales Receipt Allocation", "sales_receivable", "write_off_amount"),
	RollUp("Sales Contract", "collected_amount", "Sales Receivable", "sales_contract", "received_amount"),
	RollUp("Sales Contract", "base_collected_amount", "Sales Receivable", "sales_contract", "received_amount", factor="exchange_rate"),
	RollUp("Sales Opportunity", "won_amount", "Sales Contract", "opportunity", "grand_total"),
	# what receipt and offset rows name a payment plan line for: the line settles it first
	RollUp("Sales Payment Plan Line", "named_amount", "Sales Receipt Allocation", "payment_plan_line", "allocated_amount"),
	# when a receivable was first and last settled: an ageing as of an earlier date reads the outstanding then
	# from the receivable alone (nothing settled by then: its total; nothing since: its outstanding now)
	RollUp("Sales Receivable", "first_settled_on", "Sales Receipt Allocation", "sales_receivable", "settled_on", aggregate="min"),
	RollUp("Sales Receivable", "last_settled_on", "Sales Receipt Allocation", "sales_receivable", "settled_on", aggregate="max"),
)  # fmt: skip

# Sums are recomputed in this order (a record's sources before the record): the reverse of the locks.
ROLLUP_ORDER = (
	"Sales Receipt",
	"Sales Receivable",
	"Customer Order",
	"Sales Contract",
	"Sales Quotation",
	"Sales Opportunity",
	"Salesperson Commission",
	"Customer Commission",
)

# Rows are locked in this order by every path (then by name): upstream first, money last.
LOCK_ORDER = (
	"Sales Opportunity",
	"Sales Quotation",
	"Sales Contract",
	"Customer Order",
	"Sales Receivable",
	"Sales Receipt",
	"Salesperson Commission",
	"Customer Commission",
)

# What a submitted or cancelled document changes upstream, per kind of document: hops of
# (DocType reached, from which DocType, how) — "how" is a field naming the record reached, or
# (child table, row field) for the rows of the document. Each hop starts from what earlier hops reached.
PATHS = {
	"Sales Receipt": (
		# a Refund draws on the credit of the advance it names
		("Sales Receipt", "Sales Receipt", "against_receipt"),
		("Sales Receivable", "Sales Receipt", ("allocations", "sales_receivable")),
		("Customer Order", "Sales Receivable", "customer_order"),
		("Sales Contract", "Sales Receivable", "sales_contract"),
	),
	# an offset (冲款) settles receivables with the credit of an advance
	"Sales Credit Offset": (
		("Sales Receivable", "Sales Credit Offset", ("allocations", "sales_receivable")),
		("Sales Receipt", "Sales Credit Offset", "credit_receipt"),
		("Customer Order", "Sales Receivable", "customer_order"),
		("Sales Contract", "Sales Receivable", "sales_contract"),
	),
	"Sales Receivable": (
		("Customer Order", "Sales Receivable", "customer_order"),
		("Sales Contract", "Sales Receivable", "sales_contract"),
	),
	"Customer Order": (("Sales Contract", "Customer Order", "sales_contract"),),
	"Sales Contract": (
		("Sales Opportunity", "Sales Contract", "opportunity"),
		("Sales Quotation", "Sales Contract", "quotation"),
	),
}
# Receipts move what customers paid: the commissions computed on it follow.
MOVES_COLLECTIONS = {"Sales Receipt", "Sales Credit Offset"}


def affected(doc) -> dict[str, list[str]]:
	"""Every record upstream that submitting or cancelling ``doc`` changes, per DocType in ``LOCK_ORDER``,
	each list sorted by name. The document's own links are read from it (it may not be saved yet)."""
	reached: dict[str, set[str]] = defaultdict(set)
	paths = PATHS.get(doc.doctype, ())
	# the fields each upstream DocType is followed by: read together, once (a receivable's order and
	# contract in one statement)
	followed: dict[str, list[str]] = defaultdict(list)
	for _target, source, how in paths:
		if source != doc.doctype and isinstance(how, str):
			followed[source].append(how)
	read: dict[tuple, list] = {}
	for target, source, how in paths:
		if source == doc.doctype:
			reached[target] |= _own_links(doc, how)
		elif isinstance(how, str):
			names = tuple(sorted(n for n in reached[source] if n))
			if names and (source, names) not in read:
				read[(source, names)] = reads.rows(source, {"name": list(names)}, followed[source])
			reached[target] |= {row[how] for row in read.get((source, names), ())}
		else:
			reached[target] |= _linked(source, reached[source], how)
	if doc.doctype in MOVES_COLLECTIONS:
		for doctype, names in commissions_on(sorted(reached["Sales Contract"])).items():
			reached[doctype] = set(names)
	return {dt: sorted(n for n in reached[dt] if n) for dt in LOCK_ORDER if reached.get(dt)}


def _own_links(doc, how) -> set[str]:
	if isinstance(how, tuple):
		table, field = how
		return {row.get(field) for row in doc.get(table)}
	return {doc.get(how)}


def _linked(source: str, names: set[str], how: tuple[str, str]) -> set[str]:
	"""What the rows of the ``source`` records ``names`` link to: ``how`` is (table, row field)."""
	names = sorted(n for n in names if n)
	if not names:
		return set()
	table, field = how
	child = frappe.get_meta(source).get_field(table).options
	return set(reads.column(child, {"parent": names, "parenttype": source, "parentfield": table}, field))


def lock(doc) -> dict[str, list[str]]:
	"""Take the row locks of every record ``doc`` will change, in ``LOCK_ORDER``; returns them.

	Called from ``before_submit``/``before_cancel``, before the document writes anything, so that two
	requests touching the same records wait for each other, always in the same order."""
	targets = doc.flags.chain_targets = affected(doc)
	read = summed_by_commissions(targets)
	for target in LOCK_ORDER:
		reads.lock(target, set(targets.get(target, ())) | set(read.get(target, ())))
	kept.lock(doc)
	return targets


def summed_by_commissions(targets: dict[str, list[str]]) -> dict[str, list[str]]:
	"""The contracts the reached salesperson commissions sum beside the posting's own (a monthly commission
	sums every contract of its month): locked with the posting's, before the commissions, so that what the
	commissions read of them is the latest committed (``collected(…, for_update=True)``), not the
	transaction's older snapshot. They are only read: nothing of theirs is derived again."""
	commissions = targets.get("Salesperson Commission")
	if not commissions:
		return {}
	contracts = set(reads.column("Salesperson Commission", {"name": commissions}, "sales_contract"))
	contracts |= set(
		reads.column(
			"Salesperson Commission Detail",
			{"parent": commissions, "parenttype": "Salesperson Commission"},
			"sales_contract",
		)
	)
	return {"Sales Contract": sorted(c for c in contracts - set(targets.get("Sales Contract", ())) if c)}


def roll_up(doc) -> dict[str, list[str]]:
	"""``doc`` was submitted or cancelled (``on_submit``/``on_cancel``): recompute every sum it moves (its own
	rows' sums, then the sums of the figures those changed) and every figure derived upstream of it: the
	records ``lock`` took, found once."""
	targets = doc.flags.pop("chain_targets", None) or affected(doc)
	# without a document (only the targets, as a repair passes them): every sum of every target
	posted = _posted(doc) if doc.get("doctype") else None
	moved: set[tuple[str, str]] = set()
	for target in ROLLUP_ORDER:
		if not targets.get(target):
			continue
		# the sums due, per table they are set on (the records', or their rows'): one statement each, the
		# same as one per sum since no sum reads the table it is set on
		due: dict[str, list[RollUp]] = defaultdict(list)
		for rollup in ROLLUPS:
			if posted is not None and not (_feeds(rollup, posted) or _sources_moved(rollup, moved)):
				continue
			if rollup.target == target or _table_of(target, rollup.target):
				due[rollup.target].append(rollup)
		for summed, rollups in due.items():
			names = targets[target]
			if summed != target:
				names = _rows_of(target, names, _table_of(target, summed))
			apply_rollups(tuple(rollups), names)
			moved |= {(rollup.target, rollup.field) for rollup in rollups}
		for step in DERIVED.get(target, ()):
			step(targets[target], moved)
	if posted is not None:
		kept.post(doc)
	return targets


def _posted(doc) -> dict[str, list]:
	"""The records a submit or cancel of ``doc`` enters into (or takes out of) the submitted sources: the
	document and its rows, per DocType."""
	records = {doc.doctype: [doc]}
	for df in frappe.get_meta(doc.doctype).get_table_fields():
		records.setdefault(df.options, []).extend(doc.get(df.fieldname) or ())
	return records


def _feeds(rollup: RollUp, posted: dict[str, list]) -> bool:
	"""Whether a posted record is one of the roll-up's sources that names a target with a value: one that
	names none, or holds zero, moves no sum (a new invoice has received nothing yet, so its order's and
	contract's collections stay; a receipt row that names no payment plan line settles none)."""
	return any(
		record.get(rollup.link)
		and (flt(record.get(rollup.value)) if rollup.aggregate == "sum" else record.get(rollup.value))
		for record in posted.get(rollup.source, ())
	)


def _sources_moved(rollup: RollUp, moved: set) -> bool:
	"""Whether a figure the roll-up sums was rolled up again in this pass (the posted records' own values
	are ``_feeds``). A receivable leaves the contract rows' ordered quantities as they were; an order leaves
	the contract's collections."""
	fields = {rollup.value} | ({rollup.factor} if rollup.factor else set())
	return any((rollup.source, field) in moved for field in fields)


def _table_of(doctype: str, child: str) -> str | None:
	"""The table of ``doctype`` whose rows are ``child`` (a roll-up into a record's rows)."""
	tables = [df.fieldname for df in frappe.get_meta(doctype).get_table_fields() if df.options == child]
	return tables[0] if tables else None


def _rows_of(doctype: str, names: list[str], table: str = "items") -> list[str]:
	"""The names of the rows in ``table`` of the records ``names`` (updated by name afterwards: an update
	through the parent index would lock its gaps, where other requests insert rows of new records)."""
	child = frappe.get_meta(doctype).get_field(table).options
	return reads.column(child, {"parent": names, "parenttype": doctype, "parentfield": table}, "name")


def apply_rollups(rollups: tuple[RollUp, ...], names: list[str]) -> None:
	"""``UPDATE target SET field = (SELECT SUM(value) FROM submitted sources linked to it), …`` for ``names``:
	the roll-ups of one target in one statement.

	The sources are read by their ``(link, docstatus)`` index (``SOURCE_INDEXES``), submitted ones only —
	child rows carry their parent's docstatus — so the statement's (locking) read never touches a draft
	that another request is about to submit and holds the lock of: no deadlock."""
	if names:
		frappe.db.sql(_rollup_statement(rollups), {"names": tuple(names)})


@functools.cache
def _rollup_statement(rollups: tuple[RollUp, ...]) -> str:
	sums = []
	for rollup in rollups:
		value = f"s.{reads.quoted(rollup.value)}"
		if rollup.factor:
			value += f" * s.{reads.quoted(rollup.factor)}"
		if rollup.aggregate == "sum":
			value = f"coalesce(sum({value}), 0)"
		elif rollup.aggregate in ("min", "max") and not rollup.factor:
			value = f"{rollup.aggregate}({value})"
		else:
			raise ValueError(rollup)
		sums.append(
			f"t.{reads.quoted(rollup.field)} = (select {value}"
			f" from {reads.table(rollup.source)} s force index ({reads.quoted(source_index(rollup.link))})"
			f" where s.{reads.quoted(rollup.link)} = t.`name` and s.`docstatus` = 1)"
		)
	return f"update {reads.table(rollups[0].target)} t set {', '.join(sums)} where t.`name` in %(names)s"


class _Subquery(Term):
	"""A query used as a value (``SET field = (SELECT …)``): pypika leaves it unparenthesised there."""

	def __init__(self, query):
		super().__init__()
		self.query = query

	def get_sql(self, **kwargs) -> str:
		kwargs = {k: v for k, v in kwargs.items() if k not in ("subquery", "with_alias")}
		return self.query.get_sql(subquery=True, **kwargs)


# --- what each record derives from its sums ----------------------------------------------------------
# Each step reads its records by a locking read (they are locked already, by ``lock``): under REPEATABLE
# READ a plain read returns the transaction's snapshot, taken before the lock was granted, and misses what a
# posting that held the lock committed meanwhile (another receipt's collections on the same contract). A
# document a step loads is flagged ``chain_locked``: what it reads of the records ``lock`` took (an
# opportunity's contracts, a commission's contracts, with ``summed_by_commissions``) it reads locking too.


def _refresh_receivables(names: list[str], moved: set) -> None:
	today = getdate(nowdate())
	for row in reads.rows(
		"Sales Receivable",
		{"name": names},
		["name", "total_amount", "received_amount", "write_off_amount", "exchange_rate", "due_date"],
		for_update=True,
	):
		outstanding = Balance(row.total_amount, row.received_amount, row.write_off_amount).outstanding
		frappe.db.set_value(
			"Sales Receivable",
			row.name,
			{
				"outstanding_amount": outstanding,
				"base_outstanding_amount": flt(outstanding * flt(row.exchange_rate), 2),
				"status": receivable_status(outstanding),
				"is_overdue": int(outstanding > 0 and bool(row.due_date) and getdate(row.due_date) < today),
			},
			update_modified=False,
		)


def _refresh_orders(names: list[str], moved: set) -> None:
	"""Each order's ``per_*`` and status, its rows' invoiced quantities when its invoiced sum moved, and a
	direct order's payment plan (an order of a contract has none: its contract's settles)."""
	orders = reads.rows(
		"Customer Order",
		{"name": names},
		[
			"name",
			"docstatus",
			"grand_total",
			"invoiced_amount",
			"received_amount",
			"per_delivered",
			"sales_contract",
		],
		for_update=True,
	)
	for order in orders:
		if ("Customer Order", "invoiced_amount") in moved:
			_refresh_invoiced_qty(order)
		per_invoiced = percent(order.invoiced_amount, order.grand_total)
		frappe.db.set_value(
			"Customer Order",
			order.name,
			{
				"per_invoiced": per_invoiced,
				"per_collected": percent(order.received_amount, order.grand_total),
				"status": order_status(order.docstatus, order.per_delivered, per_invoiced),
			},
			update_modified=False,
		)
	_refresh_plans("Customer Order", [o for o in orders if o.docstatus == 1 and not o.sales_contract])


def _refresh_invoiced_qty(order) -> None:
	"""The order's rows' invoiced quantities: each row's qty × the order's invoiced share."""
	rows = reads.rows(
		"Customer Order Item",
		{"parent": order.name, "parenttype": "Customer Order"},
		["name", "qty"],
		for_update=True,
	)
	if rows:
		# one statement for all of the order's rows
		cases, values = [], {"names": tuple(row.name for row in rows)}
		for k, row in enumerate(rows):
			values[f"n{k}"], values[f"q{k}"] = (
				row.name,
				invoiced_qty(row.qty, order.invoiced_amount, order.grand_total),
			)
			cases.append(f"when %(n{k})s then %(q{k})s")
		frappe.db.sql(
			f"""update `tabCustomer Order Item` set invoiced_qty = case name {" ".join(cases)} end
			where name in %(names)s""",
			values,
		)


def _refresh_plans(doctype: str, parents: list) -> None:
	if parents:
		from sales_crm.flows.collections import refresh_plans

		refresh_plans(doctype, parents=parents)


def refresh_delivered(order: str) -> None:
	"""``per_delivered`` and status after a delivery was recorded on the order's rows."""
	rows = reads.rows(
		"Customer Order Item",
		{"parent": order, "parenttype": "Customer Order"},
		["qty", "delivered_qty"],
		for_update=True,
	)
	stored = reads.row("Customer Order", order, ["docstatus", "per_invoiced"], for_update=True)
	per_delivered = percent_done([(r.qty, r.delivered_qty) for r in rows])
	frappe.db.set_value(
		"Customer Order",
		order,
		{
			"per_delivered": per_delivered,
			"status": order_status(stored.docstatus, per_delivered, stored.per_invoiced),
		},
		update_modified=False,
	)


def _refresh_credits(names: list[str], moved: set) -> None:
	"""An advance's offset and refunded sums (its submitted offsets and refunds, set-based like the
	roll-ups, read through the (link, docstatus) indexes) and the credit left, ``unallocated = paid − Σ own
	allocations − offset − refunded`` (``rules.receivables.unallocated``). The advance's own allocations
	never change once it is submitted, so the credit moves by what the two sums moved: no read of the
	allocation rows, whose drafts other requests hold locked. Every read here is a locking read, the sums'
	too (a subquery of a ``for update`` read is otherwise a plain read, of the transaction's snapshot: it
	missed an offset committed while this request waited for the advance's lock)."""
	if not names:
		return
	advances = frappe.db.sql(
		f"""select r.name, r.customer, r.exchange_rate, r.unallocated_amount, r.offset_amount,
			r.refunded_amount,
			(select coalesce(sum(o.total_amount), 0)
				from `tabSales Credit Offset` o force index ({source_index("credit_receipt")})
				where o.credit_receipt = r.name and o.docstatus = 1 lock in share mode) as offsets,
			(select coalesce(sum(f.paid_amount), 0)
				from `tabSales Receipt` f force index ({source_index("against_receipt")})
				where f.against_receipt = r.name and f.docstatus = 1 lock in share mode) as refunds
		from `tabSales Receipt` r
		where r.name in %(names)s and r.receipt_type = 'Advance' and r.docstatus = 1
		for update""",
		{"names": tuple(names)},
		as_dict=True,
	)
	for advance in advances:
		if _exact(advance.offsets) == _exact(advance.offset_amount) and _exact(advance.refunds) == _exact(
			advance.refunded_amount
		):
			continue
		# the database adds the decimals itself; the same sum, exact, gives the credit's move
		frappe.db.sql(
			"""update `tabSales Receipt` set
				unallocated_amount = unallocated_amount + offset_amount + refunded_amount
					- %(offsets)s - %(refunds)s,
				offset_amount = %(offsets)s,
				refunded_amount = %(refunds)s
			where name = %(name)s""",
			{"name": advance.name, "offsets": _exact(advance.offsets), "refunds": _exact(advance.refunds)},
		)
		left = (
			_exact(advance.unallocated_amount)
			+ _exact(advance.offset_amount)
			+ _exact(advance.refunded_amount)
			- _exact(advance.offsets)
			- _exact(advance.refunds)
		)
		add_credit(
			advance.customer,
			base_credit(float(left), advance.exchange_rate)
			- base_credit(advance.unallocated_amount, advance.exchange_rate),
		)


def _exact(value) -> Decimal:
	"""A decimal column's value as the database holds it: Frappe reads decimals as floats, and a float's
	shortest form gives back exactly a decimal of up to 15 significant digits (any amount in cents below
	10¹³)."""
	return Decimal(repr(flt(value)))


def base_credit(unallocated, exchange_rate) -> float:
	"""An advance's credit left in company currency, as Sales Customer ``credit_balance`` sums it.

	Rounded half away from zero whatever the site's rounding method, as MariaDB's ``round`` rounds the
	same product when ``recompute_credit_balance`` re-sums it: the increments and the re-sum agree."""
	return flt(flt(unallocated) * flt(exchange_rate or 1), 2, rounding_method="Commercial Rounding")


def add_credit(customer: str, delta: float) -> None:
	"""Move Sales Customer ``credit_balance`` (Σ ``base_credit`` of its submitted advances) by ``delta``.

	An increment, not a re-sum: it reads no receipt, so it never waits for a draft another request is
	submitting; the customer's row is the last lock a request takes (after the chain's), so no cycle."""
	delta = flt(delta, 2)
	if not customer or not delta:
		return
	frappe.db.sql(
		"update `tabSales Customer` set credit_balance = credit_balance + %(delta)s where name = %(customer)s",
		{"delta": delta, "customer": customer},
	)


def recompute_credit_balance(customers: list[str] | None = None) -> None:
	"""``credit_balance`` re-summed from the advances (the demo loader, repairs): not for concurrent use."""
	customer = frappe.qb.DocType("Sales Customer")
	receipt = frappe.qb.DocType("Sales Receipt")
	total = (
		frappe.qb.from_(receipt)
		.select(Coalesce(Sum(_Round(receipt.unallocated_amount * receipt.exchange_rate)), 0))
		.where(
			(receipt.customer == customer.name)
			& (receipt.docstatus == 1)
			& (receipt.receipt_type == "Advance")
		)
	)
	query = frappe.qb.update(customer).set(customer.credit_balance, _Subquery(total))
	if customers is not None:
		if not customers:
			return
		query = query.where(customer.name.isin(sorted(set(customers))))
	query.run()


class _Round(Term):
	def __init__(self, term):
		super().__init__()
		self.term = term

	def get_sql(self, **kwargs) -> str:
		return f"round({self.term.get_sql(**kwargs)}, 2)"


def _refresh_contracts(names: list[str], moved: set) -> None:
	"""Each contract's ``per_*`` and status (``per_ordered`` read again from its rows only when their ordered
	quantities moved) and its payment plan."""
	contracts = reads.rows(
		"Sales Contract",
		{"name": names},
		["name", "docstatus", "grand_total", "collected_amount", "per_ordered"],
		for_update=True,
	)
	for contract in contracts:
		per_ordered = contract.per_ordered
		if ("Sales Contract Item", "ordered_qty") in moved:
			rows = reads.rows(
				"Sales Contract Item",
				{"parent": contract.name, "parenttype": "Sales Contract"},
				["qty", "ordered_qty"],
				for_update=True,
			)
			per_ordered = percent_done([(r.qty, r.ordered_qty) for r in rows])
		per_collected = percent(contract.collected_amount, contract.grand_total)
		frappe.db.set_value(
			"Sales Contract",
			contract.name,
			{
				"per_ordered": per_ordered,
				"per_collected": per_collected,
				"status": contract_status(contract.docstatus, per_ordered, per_collected),
			},
			update_modified=False,
		)
	# a contract's payment plan lines: settled by what it collected, oldest due first
	_refresh_plans("Sales Contract", [c for c in contracts if c.docstatus == 1])


def _refresh_opportunities(names: list[str], moved: set) -> None:
	for name in names:
		opportunity = frappe.get_doc("Sales Opportunity", name, for_update=True)
		opportunity.flags.chain_locked = True
		opportunity.update_won()


def _refresh_salesperson_commissions(names: list[str], moved: set) -> None:
	for name in names:
		commission = frappe.get_doc("Salesperson Commission", name, for_update=True)
		commission.flags.chain_locked = True
		commission.update_collected()


def _refresh_customer_commissions(names: list[str], moved: set) -> None:
	for name in names:
		commission = frappe.get_doc("Customer Commission", name, for_update=True)
		commission.flags.chain_locked = True
		commission.update_customer_paid()


# Per DocType, the steps that derive its figures once its sums moved, in order.
DERIVED = {
	"Sales Receipt": (_refresh_credits,),
	"Sales Opportunity": (_refresh_opportunities,),
	"Sales Contract": (_refresh_contracts,),
	"Customer Order": (_refresh_orders,),
	"Sales Receivable": (_refresh_receivables,),
	"Salesperson Commission": (_refresh_salesperson_commissions,),
	"Customer Commission": (_refresh_customer_commissions,),
}


# --- what the rows repeat of their document -----------------------------------------------------------

# DocType -> (its table, the header fields each row repeats). A report that measures rows by their
# document's salesperson and date (a product target's order rows) then reads the rows alone, through one
# index, instead of looking every row's document up: a random read per row once the tables outgrow the
# buffer pool. The server sets them on every save (``carry_to_rows``); read-only, they are owned. The
# salesperson is a Link to User like the order's, so that renaming a user renames it on the rows too.
# Each field is the row's name for it, and the header's where they differ: an allocation row is dated by
# its receipt's date or its offset's posting date (what the receivables' settled dates roll up).
ROW_CARRIES = {
	"Customer Order": ("items", ("sales_person", "order_date")),
	"Sales Receipt": ("allocations", (("settled_on", "receipt_date"),)),
	"Sales Credit Offset": ("allocations", (("settled_on", "posting_date"),)),
}


def carried_fields(doctype: str) -> dict[str, str]:
	"""``{row field: header field}`` of what each row of ``doctype`` repeats."""
	_table, fields = ROW_CARRIES.get(doctype, (None, ()))
	return dict(field if isinstance(field, tuple) else (field, field) for field in fields)


def carried(doctype: str, header: dict) -> dict:
	"""The values each row of ``doctype`` repeats from ``header`` (for writers that insert rows directly)."""
	return {row_field: header.get(field) for row_field, field in carried_fields(doctype).items()}


def fill_carried(parenttype: str, first: str | None = None, last: str | None = None) -> None:
	"""Set-based: each row of ``parenttype`` (of the records named ``first`` to ``last`` when given) takes
	what it repeats of its record, where it differs (a patch, in slices; the upgrade test's recomputation)."""
	table, _fields = ROW_CARRIES[parenttype]
	fields = carried_fields(parenttype)
	child = frappe.get_meta(parenttype).get_field(table).options
	sets = ", ".join(
		f"row.{reads.quoted(field)} = doc.{reads.quoted(header)}" for field, header in fields.items()
	)
	differs = " or ".join(
		f"not (row.{reads.quoted(field)} <=> doc.{reads.quoted(header)})" for field, header in fields.items()
	)
	between = " and doc.`name` between %(first)s and %(last)s" if first is not None else ""
	frappe.db.sql(
		f"""update {reads.table(child)} row join {reads.table(parenttype)} doc on doc.`name` = row.`parent`
		set {sets}
		where row.`parenttype` = %(parenttype)s and row.`parentfield` = %(table)s{between} and ({differs})""",
		{"parenttype": parenttype, "table": table, "first": first, "last": last},
	)


def carry_to_rows(doc) -> None:
	"""Set on each of the document's rows the header fields they repeat."""
	if doc.doctype not in ROW_CARRIES:
		return
	values = carried(doc.doctype, doc)
	for row in doc.get(ROW_CARRIES[doc.doctype][0]) or ():
		row.update(values)


# --- what a deal carries from where it came from -----------------------------------------------------

# The lead source a deal came from, on every document of the chain (an opportunity from its lead, the
# others from their opportunity), so that the funnel counts each stage per source from the stage's own
# index instead of joining every quotation, contract and order to its opportunity and lead. Read-only, the
# server sets it (``carry_attribution``) and keeps it when the source changes upstream
# (``spread_attribution``).
ATTRIBUTED = "lead_source"
ATTRIBUTION = {  # DocType -> (its link upstream, the DocType it names)
	"Sales Opportunity": ("sales_lead", "Sales Lead"),
	"Sales Quotation": ("opportunity", "Sales Opportunity"),
	"Sales Contract": ("opportunity", "Sales Opportunity"),
	"Customer Order": ("opportunity", "Sales Opportunity"),
}


def carry_attribution(doc) -> None:
	"""A draft (or a new record) takes its lead source from the record it links upstream, none without one.
	Read only when the link is new or changed: otherwise the stored value is kept current by
	``spread_attribution``."""
	if doc.doctype not in ATTRIBUTION or doc.docstatus != 0:
		return
	link, upstream = ATTRIBUTION[doc.doctype]
	before = doc.get_doc_before_save()
	if before is not None and before.get(link) == doc.get(link):
		return
	doc.set(ATTRIBUTED, reads.value(upstream, doc.get(link), ATTRIBUTED) if doc.get(link) else None)


def spread_attribution(doc, method=None) -> None:
	"""After a lead's or an opportunity's save that changed its lead source: every document downstream of it,
	submitted ones too, takes the new one (set-based, as the roll-ups write)."""
	if doc.flags.in_insert or not doc.has_value_changed(ATTRIBUTED):
		return  # a new record has nothing downstream yet
	_spread(doc.doctype, [doc.name], doc.get(ATTRIBUTED))


def _spread(doctype: str, names: list[str], source) -> None:
	for target, (link, upstream) in ATTRIBUTION.items():
		if upstream != doctype or not names:
			continue
		moved = reads.column(target, {link: names}, "name")
		if not moved:
			continue
		frappe.db.sql(
			f"update {reads.table(target)} set {reads.quoted(ATTRIBUTED)} = %(source)s where `name` in %(names)s",
			{"source": source, "names": tuple(moved)},
		)
		_spread(target, moved, source)


def fill_attribution() -> None:
	"""Every document's lead source from its upstream record, set-based, in the chain's order (a patch; the
	demo, which inserts its rows directly)."""
	field = reads.quoted(ATTRIBUTED)
	for target, (link, upstream) in ATTRIBUTION.items():  # opportunities first: the others read theirs
		frappe.db.sql(
			f"""update {reads.table(target)} t join {reads.table(upstream)} u on u.`name` = t.{reads.quoted(link)}
			set t.{field} = u.{field} where not (t.{field} <=> u.{field})"""
		)


# --- what only the server writes ----------------------------------------------------------------------

# What each ``DERIVED`` step (and the delivery and credit steps beside them) writes on its records.
DERIVED_FIELDS = {
	"Sales Receivable": ("outstanding_amount", "base_outstanding_amount", "status", "is_overdue"),
	"Customer Order": ("per_delivered", "per_invoiced", "per_collected", "status"),
	"Customer Order Item": ("delivered_qty", "invoiced_qty"),
	"Sales Contract": ("per_ordered", "per_collected", "status"),
	"Sales Payment Plan Line": ("received_amount", "outstanding_amount", "status"),
	"Sales Receipt": ("unallocated_amount", "offset_amount", "refunded_amount"),
	"Sales Customer": ("credit_balance",),
	"Sales Opportunity": ("won_amount",),
	"Salesperson Commission": ("base_amount", "contract_amount", "accrued_amount", "outstanding_amount", "status"),
	"Salesperson Commission Detail": ("base_amount", "commission_amount", "contract_amount", "basic_rate"),
	"Customer Commission": ("customer_paid_amount", "commission_amount", "status"),
}  # fmt: skip

# Read-only fields that are inputs all the same ("field", or "DocType.field" for one DocType): the upstream
# row a mapped row copies (checked by the source's rules, ``drift``), the marketing subsystem's id of a lead
# it sends, and what Frappe itself keeps.
CLIENT_INPUTS = frozenset(
	{
		"quotation_item",
		"contract_item",
		"Sales Lead.external_id",
		"amended_from",
		"workflow_state",
		"stage_history",
	}
)

# What a submitted document may still change by a plain save (``allow_on_submit`` and not owned): words
# and reasons, and finance's record of a commission paid (its own rules apply: finance only, never past
# what accrued).
EDITABLE_AFTER_SUBMIT = {
	"Sales Quotation": ("title", "loss_reason"),
	"Salesperson Commission": ("paid_amount",),
	# the fapiao often comes after the receivable was posted
	"Sales Receivable": ("fapiao_type", "fapiao_no", "fapiao_date", "fapiao_tax_rate"),
}

# Field types that hold no value.
_NO_VALUE = {
	"Section Break",
	"Column Break",
	"Tab Break",
	"HTML",
	"Button",
	"Table",
	"Table MultiSelect",
	"Heading",
}


def owned(doctype: str) -> frozenset[str]:
	"""The fields of ``doctype`` that only the server writes: every read-only field of the meta that is
	not fetched from a link nor a ``CLIENT_INPUTS`` field, every roll-up target (``ROLLUPS``) and every
	derived figure (``DERIVED_FIELDS``). A client's change to one is refused (``sales_crm.owned``).
	Worked out once per DocType and request: every save asks it for the record and each of its rows."""
	known = getattr(frappe.local, "sales_crm_owned", None)
	if known is None:
		frappe.local.sales_crm_owned = known = {}
	if doctype not in known:
		known[doctype] = _owned(doctype)
	return known[doctype]


def _owned(doctype: str) -> frozenset[str]:
	meta = frappe.get_meta(doctype)
	fields = {
		df.fieldname
		for df in meta.fields
		if df.read_only and not df.fetch_from and df.fieldtype not in _NO_VALUE
	}
	fields |= {r.field for r in ROLLUPS if r.target == doctype}
	fields |= set(DERIVED_FIELDS.get(doctype, ()))
	fields |= set(kept.KEPT_FIELDS.get(doctype, ()))
	return frozenset(
		f
		for f in fields
		if meta.has_field(f) and f not in CLIENT_INPUTS and f"{doctype}.{f}" not in CLIENT_INPUTS
	)


# --- readings of the chain that other modules share -------------------------------------------------


def collected(contracts: Iterable[str], base: bool = True, for_update: bool = False) -> dict[str, float]:
	"""What customers have paid per contract, in company currency (``base``) or the contract's: the one
	place "collected" is defined (the contract's rolled-up sums). ``for_update`` on a posting's path, whose
	``lock`` took the contracts: the latest committed sums, not the transaction's snapshot."""
	contracts = sorted({c for c in contracts if c})
	if not contracts:
		return {}
	field = "base_collected_amount" if base else "collected_amount"
	rows = reads.rows("Sales Contract", {"name": contracts}, ["name", field], for_update=for_update)
	return {row.name: flt(row[field], 2) for row in rows}


def commissions_on(contracts: list[str]) -> dict[str, list[str]]:
	"""The commissions that follow what these contracts collected, in one statement: open Collected-Amount
	salesperson commissions (Basic, or a periodic row naming the contract) and the customer commissions."""
	if not contracts:
		return {}
	found: dict[str, list[str]] = defaultdict(list)
	for doctype, name in frappe.db.sql(
		"""select 'Salesperson Commission', c.name from `tabSalesperson Commission` c
			where c.sales_contract in %(contracts)s
				and c.docstatus < 2 and c.commission_basis = 'Collected Amount'
		union
		select 'Salesperson Commission', c.name from `tabSalesperson Commission Detail` d
			join `tabSalesperson Commission` c on c.name = d.parent
			where d.sales_contract in %(contracts)s and d.parenttype = 'Salesperson Commission'
				and c.docstatus < 2 and c.commission_basis = 'Collected Amount'
		union
		select 'Customer Commission', name from `tabCustomer Commission`
			where sales_contract in %(contracts)s""",
		{"contracts": tuple(contracts)},
	):
		found[doctype].append(name)
	return found


def taken(rollup_field: str, source_name: str, exclude: str | None = None) -> dict[str, float]:
	"""Quantity per upstream row already taken by submitted documents, read under lock: per quotation
	row by contracts (``"contracted"``), per contract row by orders (``"ordered"``). Read by the rows'
	(link, docstatus) index, like the roll-ups."""
	if rollup_field == "contracted":
		source_items, item, row_link = "Sales Quotation Item", "Sales Contract Item", "quotation_item"
	else:
		source_items, item, row_link = "Sales Contract Item", "Customer Order Item", "contract_item"
	upstream_rows = reads.column(source_items, {"parent": source_name}, "name")
	if not upstream_rows:
		return {}
	link = reads.quoted(row_link)
	others = " and parent != %(exclude)s" if exclude else ""
	rows = frappe.db.sql(
		f"""select {link}, sum(qty) from {reads.table(item)} force index ({reads.quoted(source_index(row_link))})
		where {link} in %(rows)s and docstatus = 1{others}
		group by {link} for update""",
		{"rows": tuple(upstream_rows), "exclude": exclude},
	)
	return {name: flt(qty) for name, qty in rows}


# Every roll-up and quantity check reads its sources by (link, docstatus): see ``_apply``.
SOURCE_INDEXES = {
	"Sales Receipt Allocation": (("sales_receivable", "docstatus"), ("payment_plan_line", "docstatus")),
	"Sales Receipt": (("against_receipt", "docstatus"),),
	"Sales Credit Offset": (("credit_receipt", "docstatus"),),
	"Customer Order Item": (("contract_item", "docstatus"), ("quotation_item", "docstatus")),
	"Sales Contract Item": (("quotation_item", "docstatus"),),
	"Sales Receivable": (("customer_order", "docstatus"), ("sales_contract", "docstatus")),
	"Sales Contract": (("opportunity", "docstatus"), ("quotation", "docstatus")),
	"Customer Order": (("sales_contract", "docstatus"), ("quotation", "docstatus")),
}


def source_index(link: str) -> str:
	"""The name of the (link, docstatus) index. Forced, not left to the optimizer: on a small table it
	would rather scan every row, and a locking read of every row waits for the drafts that requests
	about to submit hold (Frappe loads a document to submit ``for_update``, its rows included)."""
	return f"{link}_docstatus_chain"


def add_indexes(doctype: str) -> None:
	"""``on_doctype_update`` of the source DocTypes: their (link, docstatus) indexes."""
	for link, status in SOURCE_INDEXES.get(doctype, ()):
		frappe.db.add_index(doctype, [link, status], index_name=source_index(link))
