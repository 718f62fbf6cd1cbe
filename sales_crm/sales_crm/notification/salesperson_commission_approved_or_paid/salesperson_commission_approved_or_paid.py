"""The salesperson: their commission was approved, or paid."""

from frappe import _


def get_context(context):
	doc = context["doc"]
	if doc.workflow_state == "Paid":
		context["subject"] = _("Your commission {0} was paid").format(doc.name)
	else:
		context["subject"] = _("Your commission {0} was approved").format(doc.name)
	context["body"] = _("{0}: accrued {1}, paid {2}, outstanding {3}.").format(
		doc.commission_name or doc.name,
		doc.get_formatted("accrued_amount"),
		doc.get_formatted("paid_amount"),
		doc.get_formatted("outstanding_amount"),
	)
