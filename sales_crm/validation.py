"""Turn the domain's problems into one translated error that names the record, the row and the field."""

import frappe
from frappe import _

from sales_crm import rounding  # the pure rules round as System Settings say
from sales_crm.rules.pricing import Problem


def rule_message(rule: str) -> str:
	"""The translated rule; ``{0}`` is the field's label, ``{1}`` the value that broke it."""
	return {
		"positive": _("{0} must be greater than 0, not {1}"),
		"non_negative": _("{0} cannot be negative ({1})"),
		"percent": _("{0} must be between 0 and 100%, not {1}"),
		"finite": _("{0} must be a number, not {1}"),
		"too_large": _("{0} is too large to store ({1})"),
		"exceeds_outstanding": _("{0} plus write-off ({1}) exceeds the receivable's outstanding amount"),
		"exceeds_order": _("{0} ({1}) exceeds what remains to be invoiced on the order"),
		"exceeds_remaining": _("{0} ({1}) exceeds the quantity that remains"),
		"whole": _("{0} must be a whole number for this unit, not {1}"),
		"exceeds_delivered": _("{0} ({1}) exceeds the delivered value not yet invoiced"),
		"exceeds_credit": _("{0} ({1}) exceeds the credit left on the advance"),
	}[rule]


def record_label(doc) -> str:
	"""The record an error is about. A record being inserted is "new <DocType>": Frappe names it (from its
	naming series) before it validates it, and a refused insert rolls back, so that name never exists."""
	return label_of(doc.doctype, None if doc.is_new() else doc.name)


def label_of(doctype: str, name: str | None) -> str:
	if not name:
		return _("new {0}").format(_(doctype))
	return _("{0} {1}").format(_(doctype), name)


def describe(doc, problem: Problem, table: str = "items") -> str:
	if problem.idx is None:
		where = record_label(doc)
		label = doc.meta.get_label(problem.fieldname)
	else:
		child_doctype = doc.meta.get_field(table).options
		where = _("{0}, row {1}").format(record_label(doc), problem.idx)
		label = frappe.get_meta(child_doctype).get_label(problem.fieldname)
	return f"{where}: {rule_message(problem.rule).format(_(label), frappe.bold(repr_value(problem.value)))}"


def repr_value(value) -> str:
	text = str(value)
	return text if len(text) <= 40 else text[:37] + "…"


def throw_problems(doc, problems: list[Problem], table: str = "items") -> None:
	"""Raise one ValidationError listing every problem; the request's transaction rolls back."""
	if not problems:
		return
	messages = [describe(doc, problem, table) for problem in problems]
	frappe.throw(
		messages if len(messages) > 1 else messages[0],
		exc=frappe.ValidationError,
		title=_("Invalid Number"),
		as_list=len(messages) > 1,
	)


def throw(
	doc, message: str, fieldname: str | None = None, title: str | None = None, exc=frappe.ValidationError
):
	"""A rule broken by a record: the message starts with the record and, where given, the field's label."""
	where = record_label(doc)
	if fieldname:
		where = _("{0}, {1}").format(where, _(doc.meta.get_label(fieldname)))
	frappe.throw(f"{where}: {message}", exc=exc, title=title or _("Not Allowed"))
