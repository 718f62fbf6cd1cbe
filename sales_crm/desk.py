"""What the desk asks the server for beyond documents: the approvals waiting for the user and whether the
background machinery (RQ workers, scheduler) runs at all."""

import frappe

from sales_crm.org import has_role
from sales_crm.permissions import get_count

# (DocType, filters of a record waiting for a decision, the roles that take it). The counts go through the
# user's list (sales_crm.permissions.get_count): a director counts only the records of their scope.
AWAITING = (
	("Sales Quotation", {"docstatus": 0, "status": "Quoting"}, ("Sales Director",)),
	("Sales Contract", {"docstatus": 0, "workflow_state": "Pending Approval"}, ("Sales Director",)),
	("Customer Order", {"docstatus": 0, "workflow_state": "Pending Approval"}, ("Sales Director",)),
	("Customer Commission", {"status": "Under Approval"}, ("Sales Director",)),
	("Salesperson Commission", {"docstatus": 0, "workflow_state": "Draft"}, ("Sales Manager", "Sales Director")),
)


def awaiting_counts(user: str | None = None) -> list[tuple[str, dict, int]]:
	"""``(doctype, filters, count)`` of every kind of record the user decides on, in AWAITING's order."""
	counts = []
	for doctype, filters, roles in AWAITING:
		if not has_role(frozenset(roles), user) or not frappe.has_permission(doctype, "read", user=user):
			continue
		counts.append((doctype, filters, get_count(doctype, filters=filters)))
	return counts


@frappe.whitelist()
@frappe.read_only()
def awaiting_my_approval(filters=None) -> dict:
	"""The "Awaiting My Approval" number card (a Custom card): how many records wait for the user's
	decision; a click opens the list of the first kind that has any."""
	counts = awaiting_counts()
	waiting = [(doctype, filters, count) for doctype, filters, count in counts if count]
	result = {"value": sum(count for _doctype, _filters, count in counts), "fieldtype": "Int"}
	if waiting:
		doctype, filters, _count = waiting[0]
		result["route"] = ["List", doctype]
		result["route_options"] = filters
	return result


@frappe.whitelist()
@frappe.read_only()
def background_health() -> dict:
	"""For System Managers: whether RQ workers and the scheduler run. Without them notifications are not
	sent and the daily, monthly and queued jobs (overdue flags, expiries, commissions, imports) never run."""
	frappe.only_for("System Manager")
	from frappe.utils.background_jobs import get_workers
	from frappe.utils.scheduler import is_scheduler_inactive

	try:
		workers = len(get_workers())
	except Exception:  # Redis itself is down: no worker can run either
		workers = 0
	return {"workers": workers, "scheduler_inactive": bool(is_scheduler_inactive())}



@frappe.whitelist()
@frappe.read_only()
def selling_defaults() -> dict:
	"""The tax rate a new quotation, contract or order gets when none is typed (the server applies it on
	save), so that the form's live totals show it before the save."""
	from sales_crm.utils import get_settings

	return {"tax_rate": get_settings().default_tax_rate}
