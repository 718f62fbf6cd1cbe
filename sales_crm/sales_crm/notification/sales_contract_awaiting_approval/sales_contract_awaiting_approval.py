"""Directors: a contract waits for their approval (Sales Contract Workflow: Request Approval)."""

from frappe import _


def get_context(context):
	doc = context["doc"]
	context["subject"] = _("Contract {0} awaits your approval").format(doc.name)
	context["body"] = _("{0} asks you to approve contract {1} for {2}: {3} {4}. Why: {5}").format(
		doc.sales_person or doc.owner,
		doc.name,
		doc.customer,
		doc.currency,
		doc.get_formatted("grand_total"),
		"; ".join((doc.approval_reasons or "").splitlines()),
	)
