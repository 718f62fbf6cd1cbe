"""Directors: a new quotation waits for their approval."""

from frappe import _


def get_context(context):
	doc = context["doc"]
	context["subject"] = _("Quotation {0} awaits your approval").format(doc.name)
	context["body"] = _("{0} drafted quotation {1} for {2}: {3} {4}. Approve it or request changes.").format(
		doc.sales_person or doc.owner, doc.name, doc.title, doc.currency, doc.get_formatted("grand_total")
	)
