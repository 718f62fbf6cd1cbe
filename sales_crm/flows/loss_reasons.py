"""Lost and rejection reasons as a master (``Sales Loss Reason``, like ERPNext's Opportunity Lost Reason).

A lead's Lost, an opportunity's Lost and a quotation's Rejected name one in ``loss_reason``; the free-text
``lost_reason`` stays as the detail (and the workflows' condition), filled from the chosen reason when empty.
"""

import frappe
from frappe import _
from frappe.utils import cstr

from sales_crm.validation import throw

APPLIES_TO = {
	"Sales Lead": "applies_to_leads",
	"Sales Opportunity": "applies_to_opportunities",
	"Sales Quotation": "applies_to_quotations",
}


def apply_loss_reason(doc) -> None:
	"""Check the chosen reason is enabled for this kind of record; it fills an empty ``lost_reason``."""
	if not doc.get("loss_reason"):
		return
	if not doc.has_value_changed("loss_reason") and not doc.is_new():
		return
	reason = frappe.db.get_value(
		"Sales Loss Reason", doc.loss_reason, ["disabled", APPLIES_TO[doc.doctype]], as_dict=True
	)
	if not reason:
		throw(
			doc, _("Sales Loss Reason {0} does not exist").format(frappe.bold(doc.loss_reason)), "loss_reason"
		)
	if reason.disabled or not reason.get(APPLIES_TO[doc.doctype]):
		throw(
			doc,
			_("{0} is not a reason for a {1}").format(frappe.bold(_(doc.loss_reason)), _(doc.doctype)),
			"loss_reason",
		)
	if doc.meta.has_field("lost_reason") and not cstr(doc.lost_reason).strip():
		doc.lost_reason = _(doc.loss_reason)
