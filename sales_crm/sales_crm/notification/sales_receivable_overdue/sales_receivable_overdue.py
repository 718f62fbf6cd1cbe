"""The salesperson and Accounts: a receivable passed its due date unpaid (the day after)."""

from frappe import _


def get_context(context):
	doc = context["doc"]
	context["subject"] = _("Receivable {0} is overdue").format(doc.name)
	context["body"] = _("Receivable {0} of {1} was due on {2}; {3} {4} is outstanding.").format(
		doc.name,
		doc.customer,
		doc.get_formatted("due_date"),
		doc.currency,
		doc.get_formatted("outstanding_amount"),
	)
