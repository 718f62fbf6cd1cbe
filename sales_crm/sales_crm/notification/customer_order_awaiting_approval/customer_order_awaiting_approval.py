"""Directors: an order waits for their approval (Customer Order Workflow: Request Approval)."""

from frappe import _


def get_context(context):
	doc = context["doc"]
	context["subject"] = _("Order {0} awaits your approval").format(doc.name)
	context["body"] = _("{0} asks you to approve order {1} for {2}: {3} {4}. Why: {5}").format(
		doc.sales_person or doc.owner,
		doc.name,
		doc.customer,
		doc.currency,
		doc.get_formatted("grand_total"),
		"; ".join((doc.approval_reasons or "").splitlines()),
	)
