"""The salesperson: a lead was assigned to them (assign_leads, Assign To or an Assignment Rule)."""

from frappe import _


def get_context(context):
	doc = context["doc"]
	context["subject"] = _("Lead {0} is now yours").format(doc.company_name)
	context["body"] = _("Lead {0} ({1}) was assigned to you. Log your first follow-up.").format(
		doc.company_name, doc.name
	)
