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
	(
		"Salesperson Commission",
		{"docstatus": 0, "workflow_state": "Draft"},
		("Sales Manager", "Sales Director"),
	),
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
	decision; a click opens the Approvals Inbox report, which lists them across DocTypes."""
	counts = awaiting_counts()
	result = {"value": sum(count for _doctype, _filters, count in counts), "fieldtype": "Int"}
	if result["value"]:
		result["route"] = ["query-report", "Approvals Inbox"]
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


WORKSPACE = "Sales CRM"
# who keeps Frappe's own workspaces (Users, Build, Tools, Website, Integrations) in the sidebar
ADMINISTRATORS = frozenset({"System Manager", "Workspace Manager"})


def boot_session(bootinfo) -> None:
	"""The desk of a sales user (hooks.boot_session): it opens on the Sales CRM workspace unless the user
	chose another default, and the sidebar leaves out Frappe's administration workspaces, whose pages such a
	user may not use anyway."""
	from sales_crm.constants import ROLES

	user = bootinfo.get("user") or {}
	held = set(user.get("roles") or frappe.get_roles())
	if not held & set(ROLES) or not frappe.db.exists("Workspace", WORKSPACE):
		return
	if not user.get("default_workspace"):
		user["default_workspace"] = {"name": WORKSPACE, "public": 1, "title": WORKSPACE}
	bootinfo["allowed_workspaces"] = sales_sidebar(bootinfo.get("allowed_workspaces") or [], held)


def sales_sidebar(pages: list, held: set | None = None) -> list:
	"""The sidebar's public workspaces less Frappe's own, for a sales user who administers nothing."""
	from sales_crm.constants import ROLES

	held = held if held is not None else set(frappe.get_roles())
	if not held & set(ROLES) or held & ADMINISTRATORS or frappe.session.user == "Administrator":
		return pages
	frappe_modules = set(frappe.get_module_list("frappe"))
	return [page for page in pages if not page.get("public") or page.get("module") not in frappe_modules]


@frappe.whitelist()
def get_workspace_sidebar_items():
	"""Frappe's sidebar (hooks.override_whitelisted_methods), filtered as sales_sidebar says."""
	from frappe.desk.desktop import get_workspace_sidebar_items as frappe_sidebar

	items = frappe_sidebar()
	items["pages"] = sales_sidebar(items.get("pages") or [])
	return items


def land_on_sales_crm(user, method=None) -> None:
	"""A User with a Sales CRM role and no default workspace gets this app's (User validate hook): the
	login's redirect reads the User's own field (Frappe's apps-screen route matches workspace names, not
	their slugs, and would open the first workspace in the sidebar instead)."""
	from sales_crm.constants import ROLES

	if user.default_workspace or user.name in ("Administrator", "Guest"):
		return
	held = {row.role for row in user.get("roles") or []}
	if held & set(ROLES) and frappe.db.exists("Workspace", WORKSPACE):
		user.default_workspace = WORKSPACE


def ensure_sales_landing() -> None:
	"""The users holding a Sales CRM role before the app set their landing (install and migrate)."""
	from sales_crm.constants import ROLES

	if not frappe.db.exists("Workspace", WORKSPACE):
		return
	users = frappe.get_all(
		"Has Role",
		filters={
			"parenttype": "User",
			"role": ("in", ROLES),
			"parent": ("not in", ("Administrator", "Guest")),
		},
		pluck="parent",
		distinct=True,
	)
	for name in users:
		if not frappe.db.get_value("User", name, "default_workspace"):
			frappe.db.set_value("User", name, "default_workspace", WORKSPACE, update_modified=False)
