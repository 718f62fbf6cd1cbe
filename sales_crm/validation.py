"""Turn the domain's problems into one translated error that names the record, the row and the field."""

import frappe
from frappe import _

from sales_crm.pricing import Problem


def rule_message(rule: str) -> str:
	"""The translated rule; ``{0}`` is the field's label, ``{1}`` the value that broke it."""
	return {
		"positive": _("{0} must be greater than 0, not {1}"),
		"non_negative": _("{0} cannot be negative ({1})"),
		"percent": _("{0} must be between 0 and 100%, not {1}"),
		"finite": _("{0} must be a number, not {1}"),
		"too_large": _("{0} is too large to store ({1})"),
	}[rule]


def describe(doc, problem: Problem) -> str:
	if problem.idx is None:
		where = _("{0} {1}").format(_(doc.doctype), doc.name or _("(new)"))
		label = doc.meta.get_label(problem.fieldname)
	else:
		child_doctype = doc.meta.get_field("items").options
		where = _("{0} {1}, row {2}").format(_(doc.doctype), doc.name or _("(new)"), problem.idx)
		label = frappe.get_meta(child_doctype).get_label(problem.fieldname)
	return f"{where}: {rule_message(problem.rule).format(_(label), frappe.bold(repr_value(problem.value)))}"


def repr_value(value) -> str:
	text = str(value)
	return text if len(text) <= 40 else text[:37] + "…"


def throw_problems(doc, problems: list[Problem]) -> None:
	"""Raise one ValidationError listing every problem; the request's transaction rolls back."""
	if not problems:
		return
	messages = [describe(doc, problem) for problem in problems]
	frappe.throw(
		messages if len(messages) > 1 else messages[0],
		exc=frappe.ValidationError,
		title=_("Invalid Number"),
		as_list=len(messages) > 1,
	)
