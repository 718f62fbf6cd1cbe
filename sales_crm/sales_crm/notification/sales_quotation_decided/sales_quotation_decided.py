"""The salesperson: their quotation was approved, or rejected."""

from frappe import _


def get_context(context):
	doc = context["doc"]
	context["subject"] = _("Quotation {0} is {1}").format(doc.name, _(doc.status))
	context["body"] = _("Quotation {0} for {1} is now {2}.").format(doc.name, doc.title, _(doc.status))
