"""Who sees which sales records (FLOW.md "Permissions"), enforced for list, get, link search, reports,
REST and exports through ``permission_query_conditions`` and ``has_permission``.

- Sales User: their own records (``sales_person`` = themselves), unowned customers, and the
  unassigned leads of their own departments.
- Sales Manager: that, plus every record of the departments they manage.
- Sales Director, System Manager: everything.
- Accounts User: every order, contract, receivable, receipt and commission (and the customers).

One ``Scope`` per user answers all of them, so the SQL of a list and the check of one document agree.
"""

from __future__ import annotations

import hashlib
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

import frappe
from frappe.database.utils import DefaultOrderBy
from frappe.model.db_query import DatabaseQuery
from frappe.utils import cint

from sales_crm.constants import LINK_SCOPED, SCOPED
from sales_crm.org import SALES_ROLES, SEE_ALL_ROLES, managed_departments, member_departments, roles
from sales_crm.rules.scope import EMPTY, EQ, IN, NOT_IN, capped_sum, disjoint_parts


def owner_fields(doctype: str) -> tuple[bool, bool]:
	"""(has a sales_person field, has a sales_department field), from the DocType's meta."""
	meta = frappe.get_meta(doctype)
	return meta.has_field("sales_person"), meta.has_field("sales_department")


ACCOUNTS_SEE_ALL = {
	"Sales Customer",
	"Sales Contract",
	"Customer Order",
	"Sales Receivable",
	"Sales Receipt",
	"Sales Credit Offset",
	"Salesperson Commission",
	"Customer Commission",
}


@dataclass(frozen=True)
class Scope:
	"""What one user may see of one DocType. ``everything`` wins; otherwise any listed rule admits a row."""

	everything: bool = False
	own: str | None = None  # sales_person = own
	departments: frozenset = field(default_factory=frozenset)  # sales_department in departments
	unassigned_lead_departments: frozenset = field(default_factory=frozenset)
	unowned: bool = False  # sales_person empty (shared masters)

	def admits(self, doctype: str, sales_person: str | None, sales_department: str | None) -> bool:
		if self.everything:
			return True
		if self.own and sales_person == self.own:
			return True
		if sales_department and sales_department in self.departments:
			return True
		owner = sales_person if owner_fields(doctype)[0] else sales_department
		if self.unowned and not owner:
			return True
		return bool(
			doctype == "Sales Lead"
			and not sales_person
			and sales_department in self.unassigned_lead_departments
		)


def scope_for(doctype: str, user: str | None = None) -> Scope:
	user = user or frappe.session.user
	if user == "Administrator":
		return Scope(everything=True)
	held = roles(user)
	if held & SEE_ALL_ROLES:
		return Scope(everything=True)
	if "Accounts User" in held and doctype in ACCOUNTS_SEE_ALL:
		return Scope(everything=True)
	if not held & SALES_ROLES:
		return Scope()
	has_person, _has_department = owner_fields(doctype)
	members = member_departments(user)
	departments = managed_departments(user) if "Sales Manager" in held else frozenset()
	if doctype == "Sales Plan":
		# a salesperson reads the plans of their departments; a manager those of the departments they manage
		return Scope(departments=departments | members, unowned=True)
	return Scope(
		own=user if has_person else None,
		departments=departments,
		unassigned_lead_departments=members,
		unowned=doctype == "Sales Customer",
	)


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` hook: the scope as a SQL condition on the DocType's table."""
	part = getattr(frappe.local, "sales_crm_scope_part", None)
	if part and part[0] == doctype and part[1] == (user or frappe.session.user):
		# counting one disjoint part of the scope (count_in_parts)
		return part[2]
	scope = scope_for(doctype, user)
	if scope.everything:
		return ""
	if doctype in WALK_LIST_ORDER and _broad(doctype, scope):
		if len(_parts(doctype, scope)) > 1 and _asked_by_a_list_page(doctype):
			return _walk_condition(doctype, scope)
		return _rules_condition(doctype, scope, wrap_department=True)
	return _rules_condition(doctype, scope)


def scope_condition(doctype: str, user: str | None = None) -> str:
	"""The user's scope of a scoped or link-scoped DocType as a condition on its table ("" = every row,
	"1=0" = none), for a subquery: never the list page's walk (``_walk_condition``)."""
	if doctype in LINK_SCOPED:
		return link_query_conditions(user, doctype)
	scope = scope_for(doctype, user)
	return "" if scope.everything else _rules_condition(doctype, scope)


def scoped_parents(child: str) -> list[str]:
	"""The scoped and link-scoped DocTypes that hold ``child`` as a table, from their meta (custom fields
	included)."""
	return [
		parent
		for parent in (*SCOPED, *LINK_SCOPED)
		if any(df.options == child for df in frappe.get_meta(parent).get_table_fields())
	]


def child_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` for "*": the rows of a child table of a scoped DocType (read as
	records through get_list, get_value, reportview, link search) are those whose parent the user's scope
	admits. Frappe v15 checks only the role on the parent DocType there, so a salesperson read every
	contract's items with ``parent=Sales Contract``. Rows of other parents keep Frappe's rules; every other
	DocType gets no condition."""
	if not doctype or doctype in SCOPED or doctype in LINK_SCOPED or not frappe.get_meta(doctype).istable:
		return ""
	parents = scoped_parents(doctype)
	if not parents:
		return ""
	table = f"`tab{doctype}`"
	rules, limited = [f"ifnull({table}.`parenttype`, '') not in ({_sql_list(parents)})"], False
	for parent in parents:
		condition = scope_condition(parent, user)
		is_parent = f"{table}.`parenttype` = {frappe.db.escape(parent)}"
		if not condition:
			rules.append(is_parent)
			continue
		limited = True
		if condition != "1=0":
			rules.append(
				f"({is_parent} and {table}.`parent` in (select `tab{parent}`.`name` from `tab{parent}` where {condition}))"
			)
	return "(" + " or ".join(rules) + ")" if limited else ""


def _link_scoped_user(user: str) -> bool:
	"""Whether the user's contacts and sites are scoped: a holder of the app's sales or finance roles who
	does not see everything. Other roles (other apps' users) keep Frappe's rules."""
	if user == "Administrator":
		return False
	held = roles(user)
	return bool(held & (SALES_ROLES | {"Accounts User"})) and not held & SEE_ALL_ROLES


def link_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` of Contact and Address: one that links a scoped record (a customer,
	a lead …) through its Dynamic Links is seen by whoever may read one of those records; one that links
	none of them, by whoever created it."""
	user = user or frappe.session.user
	if not _link_scoped_user(user):
		return ""
	table = f"`tab{doctype}`"
	admitted = []
	for target in SCOPED:
		condition = scope_condition(target, user)
		is_target = f"dl.`link_doctype` = {frappe.db.escape(target)}"
		if not condition:
			admitted.append(is_target)
		elif condition != "1=0":
			admitted.append(
				f"({is_target} and dl.`link_name` in (select `tab{target}`.`name` from `tab{target}` where {condition}))"
			)
	links = (
		f"select 1 from `tabDynamic Link` dl where dl.`parenttype` = {frappe.db.escape(doctype)}"
		f" and dl.`parent` = {table}.`name`"
	)
	rules = [f"exists ({links} and ({' or '.join(admitted)}))"] if admitted else []
	rules.append(
		f"({table}.`owner` = {frappe.db.escape(user)}"
		f" and not exists ({links} and dl.`link_doctype` in ({_sql_list(SCOPED)})))"
	)
	return "(" + " or ".join(rules) + ")"


def has_link_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""``has_permission`` of Contact and Address, as ``link_query_conditions`` reads: any linked scoped
	record the user may read admits an existing one; a new one must link only such records (a salesperson
	may not file a contact on a colleague's customer). None (Frappe's rules) for users it does not scope."""
	user = user or frappe.session.user
	if not _link_scoped_user(user):
		return None
	links = [
		(row.link_doctype, row.link_name)
		for row in doc.get("links") or []
		if row.link_doctype in SCOPED and row.link_name
	]
	is_new = getattr(doc, "is_new", lambda: False)()
	if not links:
		return is_new or doc.get("owner") == user
	readable = [record_in_scope(target, name, user) for target, name in links]
	return all(readable) if is_new else any(readable)


def record_in_scope(doctype: str, name: str, user: str | None = None) -> bool:
	"""Whether the user's scope of ``doctype`` admits the stored record ``name`` (False if none)."""
	scope = scope_for(doctype, user)
	has_person, has_department = owner_fields(doctype)
	fields = [f for f, has in (("sales_person", has_person), ("sales_department", has_department)) if has]
	row = frappe.db.get_value(doctype, name, ["name", *fields], as_dict=True)
	if not row:
		return False
	return scope.everything or scope.admits(doctype, row.get("sales_person"), row.get("sales_department"))


def readable_names(doctype: str, names, user: str | None = None) -> set[str]:
	"""Which of ``names`` the user may read: through their list (role, row scope, User Permissions; one
	query), and for the rest through ``frappe.has_permission`` (a record shared with them)."""
	user = user or frappe.session.user
	names = set(names)
	if frappe.get_meta(doctype).istable:
		return {name for name in names if _shared_with(doctype, name, user)}
	try:
		seen = set(
			frappe.get_list(
				doctype,
				filters={"name": ["in", sorted(names)]},
				pluck="name",
				limit_page_length=len(names),
				user=user,
			)
		)
	except frappe.PermissionError:
		frappe.clear_last_message()
		seen = set()
	for name in names - seen:
		if _shared_with(doctype, name, user):
			seen.add(name)
	return seen


def _shared_with(doctype: str, name: str, user: str) -> bool:
	"""``frappe.has_permission`` of one stored record; for a child row, of its parent record (Frappe v15
	checks a child row given by name against its parent DocType's role only: the row's ``parent_doc`` is
	not loaded)."""
	if frappe.get_meta(doctype).istable:
		row = frappe.db.get_value(doctype, name, ["parenttype", "parent"], as_dict=True)
		if not row or not row.parenttype or not row.parent:
			return False
		doctype, name = row.parenttype, row.parent
	return bool(
		frappe.db.exists(doctype, name)
		and frappe.has_permission(doctype, "read", name, user=user, throw=False)
	)


def _asked_by_a_list_page(doctype: str) -> bool:
	"""Whether the query this condition is for is a list page of ``doctype``: rows (no aggregate, no group
	by) in ``modified`` order, a page at a time. Frappe's hook is not told the query, so it is read from
	the ``DatabaseQuery`` that asks (``get_permission_query_conditions`` calls ``frappe.call``, which
	calls the hook). The walk (``_walk_condition``) serves a page; an aggregate or a report's subquery is
	served best by the index ranges of ``_rules_condition`` (a salesperson's lead counts by status: 53 ms
	with the ranges, 1.3 s along ``modified`` at 1M leads). Anything unexpected answers no."""
	frame = sys._getframe(1)
	for _depth in range(4):
		frame = frame.f_back
		if frame is None:
			return False
		query = frame.f_locals.get("self")
		if isinstance(query, DatabaseQuery):
			break
	else:
		return False
	if getattr(query, "doctype", None) != doctype or getattr(query, "group_by", None):
		return False
	if not getattr(query, "limit_page_length", None):
		return False
	if any("(" in str(field) for field in getattr(query, "fields", None) or ()):
		return False
	order_by = getattr(query, "order_by", None)
	if not order_by or order_by == DefaultOrderBy:
		order_by = frappe.get_meta(doctype).sort_field or "modified"
	first = str(order_by).split(",")[0].replace("`", "").split()
	return bool(first) and first[0].split(".")[-1].lower() == "modified"


def _rules_condition(doctype: str, scope: Scope, wrap_department: bool = False) -> str:
	"""The scope's rules as an OR of index ranges. ``wrap_department``: the department rule without an
	index range, for a broad scope outside a list page (an aggregate, a report's subquery through
	reporting.visible), which then reads one covering index instead of merging two (issue 11)."""
	table = f"`tab{doctype}`"
	has_person, has_department = owner_fields(doctype)
	rules = []
	if scope.own:
		rules.append(f"{table}.`sales_person` = {frappe.db.escape(scope.own)}")
	if scope.departments and has_department:
		department = f"{table}.`sales_department`"
		if wrap_department:
			department = f"ifnull({department}, '')"
		rules.append(f"{department} in ({_sql_list(scope.departments)})")
	owner_field = "sales_person" if has_person else "sales_department"
	# "is null or = ''" rather than coalesce(): an index can serve it (issue 11)
	unowned = f"({table}.`{owner_field}` is null or {table}.`{owner_field}` = '')"
	if scope.unowned:
		rules.append(unowned)
	if doctype == "Sales Lead" and scope.unassigned_lead_departments:
		rules.append(
			f"({unowned} and {table}.`sales_department` in ({_sql_list(scope.unassigned_lead_departments)}))"
		)
	return "(" + " or ".join(rules) + ")" if rules else "1=0"


def _walk_condition(doctype: str, scope: Scope) -> str:
	"""A broad scope of several rules, for a list page: the same rows, written so that MariaDB walks the
	widened ``modified`` index (modified desc, sales_person, sales_department) as a range and tests each
	entry's owner columns in the index (index condition pushdown), reading the rows of a page only — no
	index range of an owner column to merge, no row read for an entry out of scope (issue 11).
	``modified is not null`` is that range: Frappe sets ``modified`` on every row."""
	table = f"`tab{doctype}`"
	person = f"ifnull({table}.`sales_person`, '')"
	department = f"ifnull({table}.`sales_department`, '')"
	rules = []
	if scope.own:
		rules.append(f"{person} = {frappe.db.escape(scope.own)}")
	if scope.departments and owner_fields(doctype)[1]:
		rules.append(f"{department} in ({_sql_list(scope.departments)})")
	if scope.unowned:
		rules.append(f"{person} = ''")
	if doctype == "Sales Lead" and scope.unassigned_lead_departments:
		rules.append(f"({person} = '' and {department} in ({_sql_list(scope.unassigned_lead_departments)}))")
	return f"(({' or '.join(rules)}) and {table}.`modified` is not null)"


def add_scope_indexes(doctype: str) -> None:
	"""``on_doctype_update`` of the scoped DocTypes: a salesperson's list — their own rows, newest first —
	reads (sales_person, modified) in order, a page's 20 entries, as Administrator's list reads ``modified``;
	their own part of a count (``scope_parts``) is one range of it (issue 11)."""
	if frappe.db.has_column(doctype, "sales_person"):
		frappe.db.add_index(doctype, ["sales_person", "modified"], index_name="sales_person_modified_index")
	if doctype in WALK_LIST_ORDER:
		widen_modified_index(doctype)


# Frappe's ``modified`` index, widened on the DocTypes whose broad scopes walk it (_walk_condition)
WIDE_MODIFIED = (("modified", "D"), ("sales_person", "A"), ("sales_department", "A"))


def widen_modified_index(doctype: str) -> None:
	"""Replace Frappe's ``modified`` index of ``doctype`` (created with the table) by (modified desc,
	sales_person, sales_department): it serves every query the narrow one served, and a list page of a
	broad scope reads it forwards as a range, testing the owner columns in the index. Only ``modified``
	leads it, so MariaDB has no narrower copy to prefer."""
	table = f"tab{doctype}"
	rows = frappe.db.sql(f"show index from `{table}` where Key_name = 'modified'", as_dict=True)
	current = tuple((r.Column_name, r.Collation) for r in sorted(rows, key=lambda r: r.Seq_in_index))
	if current == WIDE_MODIFIED:
		return
	drop = "drop index `modified`, " if rows else ""
	frappe.db.sql_ddl(
		f"alter table `{table}` {drop}add index `modified` (`modified` desc, `sales_person`, `sales_department`)"
	)


# DocTypes whose broad scopes are written to walk the widened ``modified`` index on a list page
# (_walk_condition), and to read one covering index elsewhere (_rules_condition)
WALK_LIST_ORDER = {"Sales Lead", "Sales Opportunity", "Customer Order", "Sales Receivable"}
BROAD_SHARE = 0.05


def _parts(doctype: str, scope: Scope) -> list:
	has_person, has_department = owner_fields(doctype)
	return disjoint_parts(
		own=scope.own,
		departments=scope.departments,
		unowned=scope.unowned,
		unassigned_lead_departments=scope.unassigned_lead_departments,
		lead=doctype == "Sales Lead",
		has_person=has_person,
		has_department=has_department,
	)


def _broad(doctype: str, scope: Scope) -> bool:
	"""Whether the scope holds at least ``BROAD_SHARE`` of the DocType's rows (its parts' index range
	counts against the table's row estimate, kept an hour): a list page of a broad scope finds its rows
	soon along ``modified``; a narrow one is served best by its index ranges."""
	fingerprint = "|".join(
		[
			doctype,
			scope.own or "",
			",".join(sorted(scope.departments)),
			",".join(sorted(scope.unassigned_lead_departments)),
			str(int(scope.unowned)),
		]
	)
	key = f"sales_crm:scope_share:{hashlib.sha1(fingerprint.encode()).hexdigest()}"
	share = frappe.cache.get_value(key)
	if share is None:
		table = f"`tab{doctype}`"
		total = frappe.db.sql(
			"select table_rows from information_schema.tables where table_schema = database() and table_name = %s",
			f"tab{doctype}",
		)
		rows = sum(
			frappe.db.sql(f"select count(*) from {table} where {_part_sql(table, part)}")[0][0]
			for part in _parts(doctype, scope)
		)
		share = rows / max(int(total[0][0] or 0) if total else 0, rows, 1)
		frappe.cache.set_value(key, share, expires_in_sec=3600)
	return share >= BROAD_SHARE


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	"""``has_permission`` hook: a document outside the user's scope is refused for every operation."""
	scope = scope_for(doc.doctype, user)
	if scope.everything:
		return True
	if getattr(doc, "is_new", lambda: False)():
		# a new document is checked by what it claims: a salesperson may not file records for another
		return _admits_new(doc, scope)
	has_person, has_department = owner_fields(doc.doctype)
	return scope.admits(
		doc.doctype,
		doc.get("sales_person") if has_person else None,
		doc.get("sales_department") if has_department else None,
	)


def _admits_new(doc, scope: Scope) -> bool:
	"""A new record may name as its owner the creator, or someone of a department they manage."""
	has_person, has_department = owner_fields(doc.doctype)
	department = doc.get("sales_department") if has_department else None
	if has_person:
		person = doc.get("sales_person")
		if not person or person == scope.own:
			return True
	elif not department:
		return True
	return bool(department and department in scope.departments)


def _sql_list(values) -> str:
	return ", ".join(frappe.db.escape(v) for v in sorted(values))


def scope_parts(doctype: str, user: str | None = None) -> list[str] | None:
	"""The user's scope of ``doctype`` as SQL conditions that no row satisfies twice and whose union is
	``query_conditions`` (sales_crm/rules/scope.py); None when it is one condition or everything."""
	user = user or frappe.session.user
	scope = scope_for(doctype, user)
	if scope.everything:
		return None
	parts = _parts(doctype, scope)
	if len(parts) < 2:
		return None
	table = f"`tab{doctype}`"
	return [_part_sql(table, part) for part in parts]


def _part_sql(table: str, part) -> str:
	return "(" + " and ".join(_term_sql(table, term) for term in part) + ")"


def _term_sql(table: str, term) -> str:
	column = f"{table}.`{term.column}`"
	if term.kind == EQ:
		return f"{column} = {frappe.db.escape(term.values[0])}"
	if term.kind == IN:
		return f"{column} in ({_sql_list(term.values)})"
	if term.kind == EMPTY:
		return f"({column} is null or {column} = '')"
	if term.kind == NOT_IN:
		return f"ifnull({column}, '') not in ({_sql_list(term.values)})"
	raise ValueError(term.kind)


@contextmanager
def _scope_part(doctype: str, condition: str):
	previous = getattr(frappe.local, "sales_crm_scope_part", None)
	frappe.local.sales_crm_scope_part = (doctype, frappe.session.user, condition)
	try:
		yield
	finally:
		frappe.local.sales_crm_scope_part = previous


def count_in_parts(doctype: str, count, limit: int = 0) -> int:
	"""``count()`` — a count through Frappe's list query, with its role check, filters and User
	Permissions — summed over the disjoint parts of the user's scope: each part is one index range, where
	the whole scope is an OR that MariaDB serves by merging indexes or reading one whole (issue 11).
	With ``limit``, each part's count is capped at it and so is the sum, as the desk's list count is."""
	return capped_sum(_per_part(doctype, count), limit)


def _per_part(doctype: str, run):
	"""``run()`` once per disjoint part of the user's scope of ``doctype`` (the part stands in for the
	scope in Frappe's list query), or once when the scope is one condition or everything."""
	parts = scope_parts(doctype) if doctype in SCOPED else None
	if parts is None:
		yield run()
		return
	for condition in parts:
		with _scope_part(doctype, condition):
			yield run()


@frappe.whitelist()
@frappe.read_only()
def get_list_count() -> int:
	"""``frappe.desk.reportview.get_count`` (overridden in hooks), the desk's list and report counts: the
	app's DocTypes are counted part by part of the user's scope (``count_in_parts``); the figure is the
	same as Frappe's."""
	from frappe.desk.reportview import get_count as frappe_list_count

	form = frappe._dict(frappe.local.form_dict)
	doctype = form.get("doctype")
	if doctype not in SCOPED:
		return frappe_list_count()

	def count():
		frappe.local.form_dict = frappe._dict(form)
		return frappe_list_count()

	try:
		return count_in_parts(doctype, count, cint(form.get("limit")))
	finally:
		frappe.local.form_dict = form


@frappe.whitelist()
@frappe.read_only()
def get_group_by_count(doctype: str, current_filters: str, field: str) -> list[dict]:
	"""``frappe.desk.listview.get_group_by_count`` (overridden in hooks), the list sidebar's counts. For
	the app's DocTypes every field counts the rows the user's list shows, part by part of the scope (one
	index range each) — "Assigned To" too, which Frappe v15 counts over every record of the DocType with
	no permission check, so that a salesperson saw how many leads each colleague was assigned."""
	from frappe.desk.listview import get_group_by_count as frappe_group_by_count
	from frappe.model import is_default_field

	if doctype not in SCOPED:
		return frappe_group_by_count(doctype, current_filters, field)
	filters = frappe.parse_json(current_filters)
	if (
		field != "assigned_to"
		and not frappe.get_meta(doctype).has_field(field)
		and not is_default_field(field)
	):
		frappe.throw(frappe._("{0} is not a field of {1}").format(field, frappe._(doctype)))

	def groups():
		if field == "assigned_to":
			return _assignment_counts(doctype, filters)
		return frappe.get_list(
			doctype,
			filters=filters,
			group_by=f"`tab{doctype}`.`{field}`",
			fields=["count(*) as count", f"`{field}` as name"],
			order_by="count desc",
		)

	# a manager's scope (their departments' rows, or their own) counts fastest part by part: the department
	# part is one index range; a salesperson's is served as one query by the covering report indexes
	split = bool(scope_for(doctype).departments)
	totals: dict = {}
	for rows in _per_part(doctype, groups) if split else [groups()]:
		for row in rows:
			totals[row["name"]] = totals.get(row["name"], 0) + row["count"]
	data = [
		frappe._dict(name=name, count=count)
		for name, count in sorted(totals.items(), key=lambda item: (-item[1], str(item[0])))
	]
	if field == "owner":  # the user's own first, as Frappe shows it
		data.sort(key=lambda row: row.name != frappe.session.user)
	return data[:50]


def _assignment_counts(doctype: str, filters) -> list[dict]:
	"""Open assignments (ToDos of System Users) per assignee, over the records the user's list shows."""
	names = frappe.get_list(doctype, filters=filters, fields=[f"`tab{doctype}`.`name`"], order_by="", run=0)
	return frappe.db.sql(
		f"""select todo.allocated_to as name, count(*) as count
		from `tabToDo` todo join `tabUser` user on user.name = todo.allocated_to
		where todo.status != 'Cancelled' and user.user_type = 'System User'
			and todo.reference_type = {frappe.db.escape(doctype)} and todo.reference_name in ({names})
		group by todo.allocated_to""",
		as_dict=True,
	)


@frappe.whitelist()
@frappe.read_only()
def get_count(doctype: str, filters=None, debug=False, cache=False) -> int:
	"""``frappe.client.get_count`` (overridden in hooks): Frappe v15 counts without any permission check.
	The app's DocTypes are counted through the user's list — its role permission, row scope and User
	Permissions — so a count never reveals a row the list hides; other DocTypes as Frappe counts them."""
	from frappe.client import get_count as frappe_get_count
	from frappe.utils import get_safe_filters

	if (
		doctype not in SCOPED
		and doctype not in LINK_SCOPED
		and frappe.db.get_value("DocType", doctype, "module") != "Sales CRM"
		and not (
			frappe.db.exists("DocType", doctype) and frappe.is_table(doctype) and scoped_parents(doctype)
		)
	):
		return frappe_get_count(doctype, filters=filters, debug=debug, cache=cache)
	if frappe.is_table(doctype):
		# rows of a child table are counted through their parent's list, which knows its scope
		frappe.throw(
			frappe._("Count {0} through the list of its parent").format(frappe._(doctype)),
			frappe.PermissionError,
		)
	if not frappe.has_permission(doctype, "read"):
		frappe.throw(frappe._("Not permitted to read {0}").format(frappe._(doctype)), frappe.PermissionError)
	filters = get_safe_filters(filters)

	def count():
		rows = frappe.get_list(doctype, filters=filters, fields=["count(*) as count"], limit=1)
		return rows[0].count if rows else 0

	return count_in_parts(doctype, count)


def _department_reach(user: str) -> tuple[bool, frozenset, frozenset]:
	"""(sees every department, departments the user may read, departments the user may edit)."""
	if user == "Administrator":
		return True, frozenset(), frozenset()
	held = roles(user)
	if held & SEE_ALL_ROLES:
		return True, frozenset(), frozenset()
	managed = managed_departments(user) if "Sales Manager" in held else frozenset()
	readable = managed | member_departments(user)
	if "Accounts User" in held:
		return False, None, managed  # finance reads every department (commissions), edits none
	return False, readable, managed


def department_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""Sales Department's list: a manager's own departments and the ones a user is a member of."""
	everything, readable, _managed = _department_reach(user or frappe.session.user)
	if everything or readable is None:
		return ""
	if not readable:
		return "1=0"
	names = ", ".join(frappe.db.escape(name) for name in sorted(readable))
	return f"`tabSales Department`.`name` in ({names})"


def department_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""A manager edits only the departments they manage; members and finance read theirs."""
	everything, readable, managed = _department_reach(user or frappe.session.user)
	if everything:
		return True
	if ptype in (None, "read", "select", "print", "email", "export", "report", "share"):
		return readable is None or doc.name in readable or doc.name in managed
	return bool(doc.name) and doc.name in managed and not getattr(doc, "is_new", lambda: False)()
