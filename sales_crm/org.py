"""Who is who in the sales organisation: roles and department membership, one function each.

Every caller (permissions, commissions, lead assignment, reports, approvals) asks here, so "a member of
a department" and "may approve" mean the same thing everywhere.
"""

from __future__ import annotations

import frappe
from frappe import _

SEE_ALL_ROLES = frozenset({"System Manager", "Sales Director"})
SALES_ROLES = frozenset({"Sales User", "Sales Manager"})
# Approve quotations, contracts and orders that depart from what was approved, and commission rates.
APPROVERS = frozenset({"Sales Director", "System Manager"})
# Approve salesperson commissions.
COMMISSION_APPROVERS = frozenset({"Sales Manager", "Sales Director", "System Manager"})
# Generate periodic commissions; pay them.
COMMISSION_GENERATORS = frozenset({"Sales Manager", "Accounts User", "System Manager"})
COMMISSION_PAYERS = frozenset({"Accounts User", "System Manager"})
# A department's manager and commission policy: the Sales Director's to set.
DIRECTOR_TERMS = (
	"manager",
	"commission_basis",
	"basic_commission",
	"basic_commission_rate",
	"periodic_commission_type",
	"periodic_scheme",
)
# Assign leads.
ASSIGNERS = frozenset({"Sales Manager", "Sales Director", "System Manager"})


def roles(user: str | None = None) -> set[str]:
	return set(frappe.get_roles(user or frappe.session.user))


def has_role(wanted, user: str | None = None) -> bool:
	"""The user holds one of ``wanted`` (Administrator holds every role)."""
	return bool(set(wanted) & roles(user))


def require_role(wanted, what: str, user: str | None = None) -> None:
	"""Refuse (403) unless the user holds one of ``wanted``; ``what`` names the refused act."""
	if not has_role(wanted, user):
		frappe.throw(
			_("{0} needs one of the roles {1}").format(what, ", ".join(_(r) for r in sorted(wanted))),
			frappe.PermissionError,
		)


def is_salesperson(user: str | None) -> bool:
	return bool(user) and user not in ("Administrator", "Guest") and "Sales User" in roles(user)


# Every list, count and document check asks for the user's departments: they are kept per user in Redis
# (and for the request in ``frappe.local``), and forgotten whenever a department is saved, renamed or
# deleted — again when that transaction commits or rolls back, so a read in between cannot keep a stale set.
DEPARTMENTS_CACHE = "sales_crm:user_departments"


def member_departments(user: str) -> frozenset[str]:
	"""The departments the user is an active member of."""
	return _departments(user)[0]


def managed_departments(user: str) -> frozenset[str]:
	"""The departments the user manages."""
	return _departments(user)[1]


def _departments(user: str) -> tuple[frozenset[str], frozenset[str]]:
	"""(member of, manager of) for ``user``, one query on a cache miss."""
	return frappe.cache.hget(DEPARTMENTS_CACHE, user, generator=lambda: _query_departments(user))


def _query_departments(user: str) -> tuple[frozenset[str], frozenset[str]]:
	member = frappe.qb.DocType("Sales Department Member")
	department = frappe.qb.DocType("Sales Department")
	members = (
		frappe.qb.from_(member)
		.join(department)
		.on(department.name == member.parent)
		.select(member.parent)
		.distinct()
		.where((member.user == user) & (member.is_active == 1) & (member.parenttype == "Sales Department"))
		.run(pluck=True)
	)
	managed = (
		frappe.qb.from_(department).select(department.name).where(department.manager == user).run(pluck=True)
	)
	return frozenset(members), frozenset(managed)


def clear_departments_cache(*args, **kwargs) -> None:
	"""Forget every user's departments, now and when the transaction ends (hooked to Sales Department)."""
	frappe.cache.delete_value(DEPARTMENTS_CACHE)
	frappe.db.after_commit.add(_forget_departments)
	frappe.db.after_rollback.add(_forget_departments)


def _forget_departments() -> None:
	frappe.cache.delete_value(DEPARTMENTS_CACHE)


def department_of(user: str | None) -> str | None:
	"""The user's department for new records: the first enabled one they are an active member of, else
	the first enabled one they manage."""
	if not user:
		return None
	for departments in (member_departments(user), managed_departments(user)):
		enabled = (
			frappe.get_all(
				"Sales Department", filters={"name": ["in", sorted(departments)], "disabled": 0}, pluck="name"
			)
			if departments
			else []
		)
		if enabled:
			return sorted(enabled)[0]
	return None


def department_members(departments, active_only: bool = True) -> list[str]:
	"""The users who are (active, enabled) members of these departments, sorted."""
	departments = sorted(set(departments or ()))
	if not departments:
		return []
	member = frappe.qb.DocType("Sales Department Member")
	user = frappe.qb.DocType("User")
	query = (
		frappe.qb.from_(member)
		.join(user)
		.on(user.name == member.user)
		.select(member.user)
		.distinct()
		.where(member.parent.isin(departments) & (member.parenttype == "Sales Department"))
		.orderby(member.user)
	)
	if active_only:
		query = query.where((member.is_active == 1) & (user.enabled == 1))
	return query.run(pluck=True)


def member_row(user: str, department: str | None = None):
	"""The user's active membership row (``commission_rate`` …) in ``department``, else in any department."""
	filters = {"user": user, "is_active": 1, "parenttype": "Sales Department"}
	if department:
		rows = frappe.get_all(
			"Sales Department Member",
			filters={**filters, "parent": department},
			fields=["parent", "commission_rate"],
			order_by="idx asc",
			limit=1,
		)
		if rows:
			return rows[0]
	rows = frappe.get_all(
		"Sales Department Member",
		filters=filters,
		fields=["parent", "commission_rate"],
		order_by="creation asc",
		limit=1,
	)
	return rows[0] if rows else None


def belongs_to(user: str, department: str) -> bool:
	"""The user works in ``department``: an active member of it, or its manager."""
	return department in member_departments(user) or department in managed_departments(user)


def check_membership(doc, method=None) -> None:
	"""doc_events ``validate``: a record (or row) that names a salesperson and a department names one the
	salesperson works in — the department's policy gives the commission rate, its manager the scope. Checked
	when either changes, so a record kept from before a move stays as it was."""
	if doc.meta.module != "Sales CRM":
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	stored = {row.name: row for row in before.get_all_children()} if before else {}
	for record in [doc, *doc.get_all_children()]:
		person, department = record.get("sales_person"), record.get("sales_department")
		if not person or not department or not isinstance(person, str) or not isinstance(department, str):
			continue
		if not record.meta.has_field("sales_person") or not record.meta.has_field("sales_department"):
			continue
		old = before if record is doc else stored.get(record.name)
		if old and old.get("sales_person") == person and old.get("sales_department") == department:
			continue
		if belongs_to(person, department):
			continue
		from sales_crm.validation import record_label

		where = record_label(doc)
		if record is not doc:
			where = _("{0}, row {1}").format(where, record.idx)
		frappe.throw(
			_("{0}: {1} does not work in Sales Department {2}").format(
				where, frappe.bold(person), frappe.bold(department)
			),
			frappe.ValidationError,
			title=_("Not a Member"),
		)
