"""Directors: an order waits for their approval (Customer Order Workflow: Request Approval)."""

from frappe import _

from sales_crm.flows.notifications import awaiting_approval


def get_context(context):
	awaiting_approval(context, _("Order"))
