"""The owner of a follow-up: its next follow-up date is today."""

from frappe import _


def get_context(context):
	doc = context["doc"]
	context["subject"] = _("Follow-up due today: {0}").format(doc.party_name or doc.name)
	context["body"] = _("Follow up {0} today. Next step: {1}").format(
		doc.party_name or doc.name, doc.next_step or "-"
	)
