"""What the shipped Notifications (sales_crm/sales_crm/notification/) say, for those that share a text."""

from frappe import _


def awaiting_approval(context, what: str) -> None:
	"""A contract or an order sent to the directors (its workflow's Request Approval): who asks, the
	document, its customer and amount, and why it needs a director. ``what``: the translated kind."""
	doc = context["doc"]
	context["subject"] = _("{0} {1} awaits your approval").format(what, doc.name)
	context["body"] = _("{0} asks you to approve {1} {2} for {3}: {4} {5}. Why: {6}").format(
		doc.sales_person or doc.owner,
		what,
		doc.name,
		doc.customer,
		doc.currency,
		doc.get_formatted("grand_total"),
		"; ".join((doc.approval_reasons or "").splitlines()),
	)
