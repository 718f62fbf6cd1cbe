"""回款管理: payment plans on contracts and direct orders, what was collected against them, overdue lines.

The arithmetic is ``sales_crm.rules.collections``; this module reads and writes the records:

- ``set_payment_plan`` (a contract's or order's ``validate``): an empty plan is filled from the chosen
  template, share lines follow the grand total while the document is a draft, the lines must add up to it
  exactly, due dates are filled where their base date is known, and the free-text ``payment_terms`` is
  written from the plan.
- ``refresh_plans`` (a ``chain.DERIVED`` step): each line's received, outstanding and status from what the
  contract collected (or the direct order received), oldest due first.
- ``set_due_dates``: a delivery or an invoice dates the lines that waited for it.
- ``mark_overdue_plan_lines`` (daily): Overdue on and off, one UPDATE.
"""

from __future__ import annotations

from dataclasses import replace

import frappe
from frappe import _
from frappe.utils import cint, cstr, flt, fmt_money, getdate, nowdate

from sales_crm import reads
from sales_crm.rules import collections as rules
from sales_crm.validation import throw, throw_problems

PLAN = "payment_plan"
LINE = "Sales Payment Plan Line"
PLAN_PARENTS = ("Sales Contract", "Customer Order")
# what a plan's collections are: the parent's rolled-up sum (chain.ROLLUPS)
COLLECTED = {"Sales Contract": "collected_amount", "Customer Order": "received_amount"}
PROBLEM_MESSAGES = {
	"share_or_amount": lambda: _("{0}: a row has a share or a fixed amount, not both ({1})"),
	"shares_sum": lambda: _("{0}: the shares must add up to 100%, not {1}"),
	"due_rule": lambda: _("{0}: unknown due rule {1}"),
}


def _throw_rule_problems(doc, problems, table: str) -> None:
	"""Problems of the rules ``validation.rule_message`` does not know get their own wording here."""
	plain = [p for p in problems if p.rule not in PROBLEM_MESSAGES]
	if plain:
		throw_problems(doc, [p if p.idx is not None else replace(p, fieldname=table) for p in plain], table)
	for problem in problems:
		if problem.rule in PROBLEM_MESSAGES:
			label = _(doc.meta.get_label(table)) if problem.idx is None else _("row {0}").format(problem.idx)
			throw(doc, PROBLEM_MESSAGES[problem.rule]().format(label, frappe.bold(problem.value)), table)


def terms_of(rows) -> list[rules.Term]:
	return [
		rules.Term(row.label, row.get("share"), row.get("amount"), row.due_rule, cint(row.days), row.idx)
		for row in rows
	]


def check_template(template) -> None:
	"""A Payment Terms Template's rows: a share or an amount each, shares summing to 100 %."""
	if not template.terms:
		throw(template, _("add at least one row"), "terms")
	_throw_rule_problems(template, rules.check_terms(terms_of(template.terms)), "terms")


def _precision(doc) -> int:
	return cint(doc.precision("grand_total")) or 2


def base_dates(doc) -> dict:
	"""The dates a line's due rule counts from, where the document knows them."""
	signed = doc.get("signed_on") if doc.doctype == "Sales Contract" else doc.get("order_date")
	return {rules.SIGNING: getdate(signed) if signed else None}


def template_terms(template: str) -> list[rules.Term]:
	doc = frappe.get_cached_doc("Payment Terms Template", template)
	if doc.disabled:
		frappe.throw(_("Payment Terms Template {0} is disabled").format(template))
	return terms_of(doc.terms)


def generate(template: str, total, precision: int, bases: dict) -> list[dict]:
	lines = rules.generate(template_terms(template), total, precision, bases)
	return [
		{
			"label": line.label,
			"share": line.share,
			"amount": line.amount,
			"due_rule": line.due_rule,
			"days": line.days,
			"due_date": line.due_date,
		}
		for line in lines
	]


def set_payment_plan(doc) -> None:
	"""In ``validate`` of a contract or an order, after its totals."""
	if doc.doctype == "Customer Order" and doc.sales_contract:
		if doc.get(PLAN) or doc.get("payment_terms_template"):
			throw(doc, _("an order of a contract is collected on the contract's plan"), PLAN)
		return
	before = doc.get_doc_before_save()
	template = doc.get("payment_terms_template")
	changed = template and (not before or before.get("payment_terms_template") != template)
	if template and changed and not doc.get(PLAN):
		doc.set(PLAN, generate(template, doc.grand_total, _precision(doc), base_dates(doc)))
	if not doc.get(PLAN):
		return
	terms = terms_of(doc.get(PLAN))
	_throw_rule_problems(doc, rules.check_terms(terms, doc.grand_total), PLAN)
	if doc.docstatus == 0:
		for row, amount in zip(
			doc.get(PLAN), rules.split(terms, doc.grand_total, _precision(doc)), strict=True
		):
			if row.get("share"):
				row.amount = amount
	if not rules.sums_to((row.amount for row in doc.get(PLAN)), doc.grand_total, _precision(doc)):
		throw(
			doc,
			_("the lines add up to {0}, not the grand total {1}").format(
				fmt_money(sum(flt(row.amount) for row in doc.get(PLAN)), currency=doc.currency),
				fmt_money(doc.grand_total, currency=doc.currency),
			),
			PLAN,
		)
	fill_due_dates(doc)
	settle_lines(doc, flt(doc.get(COLLECTED[doc.doctype])))
	if doc.meta.has_field("payment_terms"):
		doc.payment_terms = describe(doc)


def fill_due_dates(doc) -> None:
	bases = base_dates(doc)
	for row in doc.get(PLAN):
		if not row.due_date:
			row.due_date = rules.due_date(row.due_rule, row.days, bases)


def settle_lines(doc, collected: float) -> None:
	today = getdate(nowdate())
	lines = [(row.amount, getdate(row.due_date) if row.due_date else None, row.idx) for row in doc.get(PLAN)]
	named = [flt(row.get("named_amount")) for row in doc.get(PLAN)]
	for row, settled in zip(doc.get(PLAN), rules.settle(lines, collected, today, named), strict=True):
		row.received_amount, row.outstanding_amount, row.status = (
			settled.received,
			settled.outstanding,
			settled.status,
		)


RULE_WORDS = {
	rules.SIGNING: lambda: _("{0} days after signing"),
	rules.DELIVERY: lambda: _("{0} days after delivery"),
	rules.INVOICE: lambda: _("{0} days after invoice"),
}


def describe(doc) -> str:
	"""The plan in words, e.g. "首款 30% 1,000.00 签约后 0 天; …" (the contract's payment terms)."""
	return describe_lines(doc.get(PLAN), _precision(doc))


def describe_lines(rows, precision: int) -> str:
	"""``describe`` of plan lines (rows or dicts with label, share, amount, due_rule and days)."""
	parts = []
	for row in rows:
		share = f" {flt(row.get('share'), 2):g}%" if flt(row.get("share")) else ""
		amount = fmt_money(row.get("amount"), precision=precision)
		words = RULE_WORDS[row.get("due_rule")]().format(cint(row.get("days")))
		parts.append(f"{row.get('label')}{share} {amount} {words}")
	return "; ".join(parts)


def plan_rows_for_fingerprint(doc) -> list[dict]:
	"""What of the plan an approval covers (the due dates follow events, not terms)."""
	return [
		{f: row.get(f) for f in ("label", "share", "amount", "due_rule", "days")}
		for row in doc.get(PLAN) or []
	]


# --- after the chain moved -------------------------------------------------------------------------------


def refresh_plans(doctype: str, names: list[str] | None = None, parents: list | None = None) -> None:
	"""Each submitted record's plan lines settled by what it has collected (from a ``chain.DERIVED`` step;
	the records are locked by ``chain.lock``): what receipts named a line for (its ``named_amount``, a
	``chain.ROLLUPS`` row) goes to it first, the rest oldest due first. Only lines whose figures move are
	written. ``parents``: the submitted records as the caller read them under the lock (their name and
	``COLLECTED`` sum), instead of ``names``."""
	today = getdate(nowdate())
	if parents is None:
		if not names:
			return
		fields = ["name", COLLECTED[doctype]] + (["sales_contract"] if doctype == "Customer Order" else [])
		parents = reads.rows(doctype, {"name": names, "docstatus": 1}, fields, for_update=True)
	for parent in parents:
		if parent.get("sales_contract"):
			continue  # an order of a contract has no plan (``set_payment_plan``): its contract's settles
		rows = reads.rows(
			LINE,
			{"parent": parent.name, "parenttype": doctype, "parentfield": PLAN},
			[
				"name",
				"idx",
				"amount",
				"due_date",
				"named_amount",
				"received_amount",
				"outstanding_amount",
				"status",
			],
			order_by="idx",
			for_update=True,
		)
		if not rows:
			continue
		lines = [(row.amount, getdate(row.due_date) if row.due_date else None, row.idx) for row in rows]
		named = [flt(row.named_amount) for row in rows]
		collected = parent[COLLECTED[doctype]]
		for row, settled in zip(rows, rules.settle(lines, collected, today, named), strict=True):
			new = (settled.received, settled.outstanding, settled.status)
			if (flt(row.received_amount), flt(row.outstanding_amount), row.status) != new:
				frappe.db.set_value(
					LINE,
					row.name,
					dict(zip(("received_amount", "outstanding_amount", "status"), new, strict=True)),
					update_modified=False,
				)


def plan_owner_of_receivable(receivable) -> tuple[str, str | None]:
	"""Whose plan a receivable's collections settle: its contract's, else its (direct) order's."""
	if receivable.get("sales_contract"):
		return "Sales Contract", receivable.sales_contract
	return "Customer Order", receivable.get("customer_order")


def check_named_lines(doc, receivables: dict, for_update: bool = False) -> None:
	"""Receipt and offset rows that name a payment plan line: the line is on the plan of the row's
	receivable's contract (or direct order), and what the document's rows name it for stays within what
	the line still has outstanding. With ``for_update`` (``before_submit``, after ``chain.lock`` took the
	contract or order) the lines are read by a locking read: the latest committed figures, so two receipts
	at once cannot both settle the same outstanding amount."""
	claims: dict[str, float] = {}
	lines = {}
	table = frappe.qb.DocType(LINE)
	for row in doc.allocations:
		row.payment_plan_line = cstr(row.get("payment_plan_line")).strip() or None
		if not row.payment_plan_line:
			continue
		query = (
			frappe.qb.from_(table)
			.select(table.name, table.parent, table.parenttype, table.label, table.outstanding_amount)
			.where((table.name == row.payment_plan_line) & (table.parentfield == PLAN))
		)
		found = (query.for_update() if for_update else query).run(as_dict=True)
		if not found:
			throw(
				doc,
				_("row {0}: payment plan line {1} not found").format(
					row.idx, frappe.bold(row.payment_plan_line)
				),
				"allocations",
			)
		line = lines[row.payment_plan_line] = found[0]
		owner = plan_owner_of_receivable(receivables[row.sales_receivable])
		if (line.parenttype, line.parent) != owner:
			throw(
				doc,
				_(
					"row {0}: payment plan line {1} is on {2} {3}, not on the plan of receivable {4} ({5} {6})"
				).format(
					row.idx,
					frappe.bold(line.label),
					_(line.parenttype),
					line.parent,
					row.sales_receivable,
					_(owner[0]),
					owner[1],
				),
				"allocations",
			)
		claims[row.payment_plan_line] = flt(claims.get(row.payment_plan_line)) + flt(row.allocated_amount)
		if flt(claims[row.payment_plan_line], 2) > flt(line.outstanding_amount, 2):
			throw(
				doc,
				_("row {0}: {1} is more than the {2} outstanding on payment plan line {3} of {4}").format(
					row.idx,
					frappe.bold(fmt_money(claims[row.payment_plan_line], currency=doc.currency)),
					fmt_money(line.outstanding_amount, currency=doc.currency),
					frappe.bold(line.label),
					line.parent,
				),
				"allocations",
			)


def set_due_dates(doctype: str, name: str | None, rule: str, base, refresh: bool = True) -> None:
	"""``rule``'s event happened on ``base``: lines of the record that waited for it get their due date (a
	line dated already keeps it: the first delivery or invoice starts the clock). Without ``refresh`` the
	caller settles the lines itself afterwards (a roll-up's ``refresh_plans``)."""
	if not name or not base:
		return
	frappe.db.sql(
		"""update `tabSales Payment Plan Line`
		set due_date = date_add(%(base)s, interval ifnull(days, 0) day)
		where parenttype = %(doctype)s and parent = %(name)s and parentfield = 'payment_plan'
			and due_rule = %(rule)s and due_date is null""",
		{"base": getdate(base), "doctype": doctype, "name": name, "rule": rule},
	)
	if refresh:
		refresh_plans(doctype, [name])  # a line dated in the past may be overdue already


def plan_owner_of_order(order: str) -> tuple[str, str]:
	"""Whose plan an order's events date: its contract's, else its own."""
	contract = reads.value("Customer Order", order, "sales_contract")
	return ("Sales Contract", contract) if contract else ("Customer Order", order)


def on_delivery(order: str) -> None:
	set_due_dates(*plan_owner_of_order(order), rules.DELIVERY, nowdate())


def on_invoice(receivable) -> None:
	"""Date the lines that waited for the first invoice; the receivable's roll-up, which follows, settles
	them (``chain.DERIVED``: the plan owner is among the records it reaches)."""
	doctype, name = plan_owner_of_receivable(receivable)
	base = receivable.get("invoice_date") or receivable.posting_date
	set_due_dates(doctype, name, rules.INVOICE, base, refresh=False)


# --- daily ---------------------------------------------------------------------------------------------


def mark_overdue_plan_lines() -> None:
	"""Lines of submitted contracts and orders: Overdue when due before today and not fully received, and
	back to Planned / Partly Received / Received otherwise. One UPDATE; running it twice changes nothing."""
	status = """case
		when l.outstanding_amount <= 0 then 'Received'
		when l.due_date < %(today)s then 'Overdue'
		when l.received_amount > 0 then 'Partly Received'
		else 'Planned' end"""
	frappe.db.sql(
		f"""update `tabSales Payment Plan Line` l
		left join `tabSales Contract` c on l.parenttype = 'Sales Contract' and c.name = l.parent
		left join `tabCustomer Order` o on l.parenttype = 'Customer Order' and o.name = l.parent
		set l.status = {status}
		where l.parentfield = 'payment_plan' and coalesce(c.docstatus, o.docstatus) = 1
			and l.status <> {status}""",
		{"today": nowdate()},
	)


# --- fapiao on the receivable ----------------------------------------------------------------------------

FAPIAO_FIELDS = ("fapiao_type", "fapiao_no", "fapiao_date", "fapiao_tax_rate")


def validate_fapiao(receivable) -> None:
	"""The fapiao's number has its type's digits, is not another receivable's, and the tax rate is 0–100
	(an unusual rate is only a warning)."""
	receivable.fapiao_no = (receivable.fapiao_no or "").strip() or None
	receivable.fapiao_type = receivable.fapiao_type or None
	for rule, value in rules.fapiao_problems(
		receivable.fapiao_type, receivable.fapiao_no, receivable.fapiao_tax_rate
	):
		if rule == "fapiao_unusual_rate":
			frappe.msgprint(
				_("Fapiao tax rate {0}% is not one of the usual rates ({1})").format(
					flt(value), ", ".join(f"{r}%" for r in rules.USUAL_TAX_RATES)
				),
				indicator="orange",
				alert=True,
			)
		elif rule == "fapiao_type_missing":
			throw(receivable, _("choose the fapiao type of number {0}").format(value), "fapiao_type")
		elif rule == "fapiao_digits":
			throw(
				receivable,
				_("a {0} number has {1} digits, not {2}").format(
					_(receivable.fapiao_type), value, frappe.bold(receivable.fapiao_no)
				),
				"fapiao_no",
			)
		elif rule == "fapiao_rate_range":
			throw(receivable, _("must be between 0 and 100%, not {0}").format(value), "fapiao_tax_rate")
	if receivable.fapiao_no:
		other = frappe.db.get_value(
			"Sales Receivable",
			{
				"fapiao_type": receivable.fapiao_type,
				"fapiao_no": receivable.fapiao_no,
				"name": ["!=", receivable.name or ""],
			},
			"name",
		)
		if other:
			throw(
				receivable,
				_("{0} {1} is on receivable {2} already").format(
					_(receivable.fapiao_type), receivable.fapiao_no, other
				),
				"fapiao_no",
				exc=frappe.UniqueValidationError,
			)


def require_fapiao(receivable) -> None:
	"""Sales CRM Settings ``require_fapiao_no``: a receivable is posted only with its fapiao number."""
	from sales_crm.utils import get_settings

	if cint(get_settings().get("require_fapiao_no")) and not receivable.fapiao_no:
		throw(receivable, _("is required before the receivable is posted (Sales CRM Settings)"), "fapiao_no")


# --- the workspace's number card -------------------------------------------------------------------------


@frappe.whitelist()
@frappe.read_only()
def overdue_this_week(filters: str | dict | None = None) -> dict:
	"""Number card "Overdue This Week": what is still owed, in company currency, on plan lines of submitted
	contracts and direct orders that fell due this week (from Monday) before today, in the user's scope."""
	from frappe.query_builder.functions import Sum
	from frappe.utils import add_days

	from sales_crm.reporting import scope

	today = getdate(nowdate())
	monday = getdate(add_days(today, -today.weekday()))
	line = frappe.qb.DocType(LINE)
	total = 0.0
	for doctype in PLAN_PARENTS:
		parent = frappe.qb.DocType(doctype)
		total += flt(
			frappe.qb.from_(line)
			.join(parent)
			.on((parent.name == line.parent) & (line.parenttype == doctype))
			.select(Sum(line.outstanding_amount * parent.exchange_rate))
			.where((parent.docstatus == 1) & (line.parentfield == PLAN) & (line.outstanding_amount > 0))
			.where((line.due_date >= monday) & (line.due_date < today))
			.where(scope(parent, doctype, frappe._dict()))
			.run()[0][0]
		)
	return {"value": flt(total, 2), "fieldtype": "Currency"}


# --- the desk: plan lines on the calendar, a receipt for a line ----------------------------------------

STATUS_COLORS = {
	rules.PLANNED: "blue",
	rules.PARTLY_RECEIVED: "orange",
	rules.RECEIVED: "green",
	rules.OVERDUE: "red",
}


@frappe.whitelist()
@frappe.read_only()
def get_events(start: str, end: str, filters: str | list | dict | None = None) -> list[dict]:
	"""The calendar of plan lines: one event per line of a submitted contract or direct order due between
	``start`` and ``end``, titled "尾款 · customer · ¥700.00". A plan line has no permissions of its own:
	the lines are read through ``frappe.get_list`` of their contract or order, so the user's row scope
	(permission query conditions, user permissions) of the parent applies. ``filters`` (the calendar's,
	on contract fields) apply where the order has the same field."""
	if isinstance(filters, str):
		filters = frappe.parse_json(filters) if filters else None
	events = []
	for doctype in PLAN_PARENTS:
		if not frappe.has_permission(doctype, "read"):
			continue
		meta = frappe.get_meta(doctype)
		conditions = [
			[LINE, "due_date", ">=", getdate(start)],
			[LINE, "due_date", "<=", getdate(end)],
			[LINE, "parentfield", "=", PLAN],
			[doctype, "docstatus", "=", 1],
		]
		for condition in _calendar_filters(filters):
			if meta.has_field(condition[1]) or condition[1] in ("name", "docstatus"):
				conditions.append([doctype, *condition[1:]])
		lines = frappe.get_list(
			doctype,
			fields=[
				"name",
				"customer",
				"customer_name",
				"currency",
				f"`tab{LINE}`.name as line",
				f"`tab{LINE}`.label as label",
				f"`tab{LINE}`.due_date as due_date",
				f"`tab{LINE}`.amount as amount",
				f"`tab{LINE}`.outstanding_amount as outstanding_amount",
				f"`tab{LINE}`.status as status",
			],
			filters=conditions,
			order_by=f"`tab{LINE}`.due_date asc, `tab{LINE}`.idx asc",
			limit_page_length=0,
		)
		for line in lines:
			amount = fmt_money(line.amount, currency=line.currency)
			events.append(
				{
					"name": line.name,
					"doctype": doctype,
					"line": line.line,
					"start": line.due_date,
					"end": line.due_date,
					"allDay": 1,
					"docstatus": 1,
					"status": line.status,
					"color": STATUS_COLORS.get(line.status),
					"title": " · ".join((line.label, line.customer_name or line.customer, amount)),
					"tooltip": _("{0}: {1} outstanding ({2})").format(
						line.name, fmt_money(line.outstanding_amount, currency=line.currency), _(line.status)
					),
				}
			)
	return events


def _calendar_filters(filters) -> list[list]:
	"""The calendar's filters as ``[doctype, field, operator, value]`` lists."""
	if not filters:
		return []
	if isinstance(filters, dict):
		return [[None, field, "=", value] for field, value in filters.items()]
	rows = []
	for row in filters:
		if isinstance(row, list | tuple) and len(row) >= 4:
			rows.append(list(row[:4]))
		elif isinstance(row, list | tuple) and len(row) == 3:
			rows.append([None, *row])
	return rows


@frappe.whitelist()
def receipt_for_plan_line(line: str | None = None):
	"""A new Sales Receipt for what a plan line still has outstanding (the line's "Record receipt"): a
	Payment naming the line on the oldest open receivable of its contract (or direct order), for as much
	as that receivable and the line both still have; an Advance of the line's outstanding amount where
	nothing is invoiced yet (its credit is offset against the line once it is)."""
	if not line:
		frappe.throw(_("Payment Plan Line is required"), frappe.MandatoryError)
	row = frappe.db.get_value(
		LINE,
		{"name": line, "parentfield": PLAN},
		["name", "parent", "parenttype", "label", "outstanding_amount"],
		as_dict=True,
	)
	if not row or row.parenttype not in PLAN_PARENTS:
		frappe.throw(_("Payment Plan Line {0} not found").format(line), frappe.DoesNotExistError)
	parent = frappe.get_doc(row.parenttype, row.parent)
	parent.check_permission("read")
	if parent.docstatus != 1:
		throw(parent, _("is not submitted: nothing is collected against its plan yet"), PLAN)
	if flt(row.outstanding_amount) <= 0:
		throw(parent, _("plan line {0} ({1}) is received in full").format(row.name, row.label), PLAN)
	link = "sales_contract" if row.parenttype == "Sales Contract" else "customer_order"
	receivable = frappe.get_all(
		"Sales Receivable",
		filters={link: parent.name, "docstatus": 1, "outstanding_amount": [">", 0]},
		fields=["name", "invoice_no", "customer_order", "outstanding_amount"],
		order_by="posting_date asc, name asc",
		limit=1,
	)
	receipt = frappe.new_doc("Sales Receipt")
	receipt.update(
		{
			"customer": parent.customer,
			"currency": parent.currency,
			"exchange_rate": parent.exchange_rate,
			"sales_contract": parent.name
			if row.parenttype == "Sales Contract"
			else parent.get("sales_contract"),
			"customer_order": parent.name if row.parenttype == "Customer Order" else None,
			"sales_person": parent.sales_person,
			"remarks": _("{0} of {1}").format(row.label, parent.name),
		}
	)
	if receivable:
		receivable = receivable[0]
		receipt.receipt_type = "Payment"
		receipt.append(
			"allocations",
			{
				"sales_receivable": receivable.name,
				"invoice_no": receivable.invoice_no,
				"customer_order": receivable.customer_order,
				"payment_plan_line": row.name,
				"outstanding_amount": receivable.outstanding_amount,
				"allocated_amount": min(flt(row.outstanding_amount), flt(receivable.outstanding_amount)),
			},
		)
	else:
		receipt.receipt_type = "Advance"
		receipt.paid_amount = row.outstanding_amount
	return receipt
