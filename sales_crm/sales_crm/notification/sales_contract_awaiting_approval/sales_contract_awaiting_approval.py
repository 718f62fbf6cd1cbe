"""Directors: a contract waits for their approval (Sales Contract Workflow: Request Approval)."""

from frappe import _

from sales_crm.flows.notifications import awaiting_approval


def get_context(context):
	awaiting_approval(context, _("Contract"))
