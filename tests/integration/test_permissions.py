"""Row-level permissions: each role sees and touches exactly its records, on every path."""

import frappe
import pytest
from factories import make_customer, make_department, make_product, make_user
from frappe.desk.search import search_link

from sales_crm.reporting import visible as report_scope


@pytest.fixture
def org():
	"""Two departments: A (manager ma, salespeople a1, a2) and B (manager mb, salesperson b1)."""
	o = frappe._dict(
		a1=make_user("perm-a1@example.com", "Sales User"),
		a2=make_user("perm-a2@example.com", "Sales User"),
		b1=make_user("perm-b1@example.com", "Sales User"),
		ma=make_user("perm-ma@example.com", "Sales User", "Sales Manager"),
		mb=make_user("perm-mb@example.com", "Sales User", "Sales Manager"),
		director=make_user("perm-director@example.com", "Sales User", "Sales Director"),
		accounts=make_user("perm-accounts@example.com", "Accounts User"),
	)
	o.dept_a = make_department(o.ma, [o.a1, o.a2]).name
	o.dept_b = make_department(o.mb, [o.b1]).name
	return o


def lead(org, sales_person=None, department=None):
	from sales_crm.org import belongs_to

	frappe.set_user("Administrator")
	# a salesperson's lead in a department they do not work in is one kept from before they moved: no save
	# makes one (org.check_membership), so the set-up writes its department directly
	moved = bool(sales_person and department and not belongs_to(sales_person, department))
	doc = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": f"Perm {frappe.generate_hash(length=6)}",
			"lead_source": "Advertising Response",
			"sales_person": sales_person,
			"sales_department": None if moved else department,
		}
	).insert()
	if moved:
		doc.db_set("sales_department", department, update_modified=False)
	return doc


def visible(user, doctype, names):
	frappe.set_user(user)
	listed = set(frappe.get_list(doctype, filters={"name": ["in", list(names)]}, pluck="name"))
	single = {n for n in names if frappe.has_permission(doctype, "read", frappe.get_doc(doctype, n))}
	assert listed == single, f"{user}: list and get disagree on {doctype}"
	return single


def test_leads_by_role(org):
	unassigned_a = lead(org, department=org.dept_a).name
	unassigned_b = lead(org, department=org.dept_b).name
	own_a1 = lead(org, org.a1, org.dept_a).name
	own_a2 = lead(org, org.a2, org.dept_a).name
	own_b1 = lead(org, org.b1, org.dept_b).name
	every = {unassigned_a, unassigned_b, own_a1, own_a2, own_b1}

	assert visible(org.a1, "Sales Lead", every) == {unassigned_a, own_a1}
	assert visible(org.a2, "Sales Lead", every) == {unassigned_a, own_a2}
	assert visible(org.b1, "Sales Lead", every) == {unassigned_b, own_b1}
	assert visible(org.ma, "Sales Lead", every) == {unassigned_a, own_a1, own_a2}
	assert visible(org.mb, "Sales Lead", every) == {unassigned_b, own_b1}
	assert visible(org.director, "Sales Lead", every) == every
	frappe.set_user(org.accounts)
	assert not frappe.has_permission("Sales Lead", "read")  # no DocType permission at all

	frappe.set_user(org.a1)
	doc = frappe.get_doc("Sales Lead", own_a2)
	with pytest.raises(frappe.PermissionError):
		doc.check_permission("write")
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("Sales Lead", own_b1).check_permission("read")


def test_orders_by_role_and_finance_sees_all(org):
	frappe.set_user("Administrator")
	product = make_product(standard_rate=10).name
	names = {}
	for user, dept in ((org.a1, org.dept_a), (org.a2, org.dept_a), (org.b1, org.dept_b)):
		customer = make_customer(sales_person=user, sales_department=dept).name
		names[user] = (
			frappe.get_doc(
				{
					"doctype": "Customer Order",
					"customer": customer,
					"sales_person": user,
					"tax_rate": 0,
					"items": [{"product": product, "qty": 1, "price_list_rate": 10}],
				}
			)
			.insert()
			.name
		)
	every = set(names.values())
	assert visible(org.a1, "Customer Order", every) == {names[org.a1]}
	assert visible(org.ma, "Customer Order", every) == {names[org.a1], names[org.a2]}
	assert visible(org.accounts, "Customer Order", every) == every
	assert visible(org.director, "Customer Order", every) == every


def test_salesperson_cannot_file_records_for_another(org):
	frappe.set_user(org.a1)
	customer = make_customer().name
	assert frappe.db.get_value("Sales Customer", customer, "sales_person") == org.a1
	doc = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": "Not mine",
			"customer": customer,
			"sales_person": org.a2,
		}
	)
	with pytest.raises(frappe.PermissionError):
		doc.insert()
	own = frappe.get_doc(
		{"doctype": "Sales Opportunity", "opportunity_name": "Mine", "customer": customer}
	).insert()
	assert (own.sales_person, own.sales_department) == (org.a1, org.dept_a)


def test_link_search_offers_only_visible_customers(org):
	frappe.set_user("Administrator")
	mine = make_customer(customer_name="Zebra Mine Ltd", sales_person=org.a1).name
	theirs = make_customer(customer_name="Zebra Theirs Ltd", sales_person=org.b1).name
	shared = make_customer(customer_name="Zebra Shared Ltd").name
	frappe.set_user(org.a1)
	found = {row["value"] for row in search_link("Sales Customer", "Zebra")}
	assert mine in found and shared in found and theirs not in found


def test_report_criterion_matches_the_list(org):
	unassigned_a = lead(org, department=org.dept_a).name
	own_b1 = lead(org, org.b1, org.dept_b).name
	table = frappe.qb.DocType("Sales Lead")
	query = frappe.qb.from_(table).select(table.name).where(table.name.isin([unassigned_a, own_b1]))
	condition = report_scope(table, "Sales Lead", org.a1)
	assert {r[0] for r in query.where(condition).run()} == {unassigned_a}
	assert report_scope(table, "Sales Lead", org.director) is None


def test_reports_follow_user_permissions(org):
	"""A User Permission narrows the list, and the reports' scope with it (no report sees wider)."""
	from frappe.permissions import add_user_permission

	own_a = lead(org, org.a1, org.dept_a).name
	other = frappe.get_doc(
		{"doctype": "Sales Department", "department_name": f"UP {frappe.generate_hash(length=6)}"}
	).insert(ignore_permissions=True)
	own_other = lead(org, org.a1, other.name).name
	add_user_permission("Sales Department", org.dept_a, org.a1, applicable_for="Sales Lead")
	frappe.set_user(org.a1)
	listed = set(frappe.get_list("Sales Lead", filters={"name": ["in", [own_a, own_other]]}, pluck="name"))
	table = frappe.qb.DocType("Sales Lead")
	query = frappe.qb.from_(table).select(table.name).where(table.name.isin([own_a, own_other]))
	reported = {r[0] for r in query.where(report_scope(table, "Sales Lead")).run()}
	assert listed == reported == {own_a}


def desk_count(doctype, filters, limit=0):
	"""The desk's list count (frappe.desk.reportview.get_count, as the app overrides it)."""
	from sales_crm.permissions import get_list_count

	frappe.local.form_dict = frappe._dict(
		doctype=doctype, filters=frappe.as_json(filters), fields="[]", distinct="false", limit=limit
	)
	return get_list_count()


def test_counts_add_up_the_scope_s_parts_to_the_list(org):
	"""A scope of several rules is counted part by part (permissions.count_in_parts): the desk's count, its
	"1000+" cap and frappe.client.get_count always equal the number of rows the list shows."""
	from sales_crm.permissions import get_count, scope_parts

	frappe.set_user("Administrator")
	# ma manages A and belongs to C, so ma's leads scope has three parts: A's rows, ma's own rows
	# outside A, and C's unassigned leads
	dept_c = make_department(org.mb, [org.ma]).name
	names = {
		lead(org, department=org.dept_a).name,
		lead(org, department=org.dept_b).name,
		lead(org, department=dept_c).name,
		lead(org).name,  # no owner, no department
		lead(org, org.a1, org.dept_a).name,
		lead(org, org.b1, org.dept_b).name,
		lead(org, org.ma, org.dept_b).name,  # ma's own, outside A
		lead(org, org.ma).name,  # ma's own, given ma's department (org.department_of: C, where ma belongs)
		lead(org, org.ma, org.dept_a).name,  # ma's own, inside A: counted once
		lead(org, org.b1, dept_c).name,  # assigned in C: not ma's
	}
	by_name = [["name", "in", sorted(names)]]
	assert len(scope_parts("Sales Lead", org.ma)) == 3
	expected = {
		org.ma: 6,  # A's three, ma's own outside A (two), C's unassigned one
		org.a1: 2,  # A's unassigned lead and a1's own
		org.b1: 3,  # B's unassigned lead, b1's two own
		org.mb: 6,  # B's three and C's three, the departments mb manages
		org.director: len(names),
	}
	for user, count in expected.items():
		frappe.set_user(user)
		listed = frappe.get_list("Sales Lead", filters=by_name, pluck="name")
		assert len(listed) == count, user
		assert desk_count("Sales Lead", by_name) == count, user
		assert desk_count("Sales Lead", by_name, limit=3) == min(count, 3), user
		assert get_count("Sales Lead", filters=by_name) == count, user
		# a filter applies to every part
		open_ones = [*by_name, ["sales_person", "is", "not set"]]
		unassigned = frappe.get_list("Sales Lead", filters=open_ones, pluck="name")
		assert desk_count("Sales Lead", open_ones) == len(unassigned), user
		# and the list after a count sees the whole scope again
		assert sorted(frappe.get_list("Sales Lead", filters=by_name, pluck="name")) == sorted(listed)


def test_a_department_change_reaches_the_scope_at_once(org):
	"""Departments are cached per user (org.py): saving a department forgets them."""
	unassigned_b = lead(org, department=org.dept_b).name
	assert unassigned_b not in visible(org.a1, "Sales Lead", {unassigned_b})
	frappe.set_user("Administrator")
	department = frappe.get_doc("Sales Department", org.dept_b)
	department.append("members", {"user": org.a1, "commission_rate": 1, "is_active": 1})
	department.save(ignore_permissions=True)
	assert visible(org.a1, "Sales Lead", {unassigned_b}) == {unassigned_b}
	frappe.set_user("Administrator")
	department.reload()
	department.members[-1].is_active = 0
	department.save(ignore_permissions=True)
	assert visible(org.a1, "Sales Lead", {unassigned_b}) == set()
	# a manager named on a department manages it at once
	frappe.set_user("Administrator")
	department.manager = org.ma
	department.save(ignore_permissions=True)
	assert visible(org.ma, "Sales Lead", {unassigned_b}) == {unassigned_b}


@pytest.mark.parametrize("broad", [True, False])
def test_a_broad_scope_s_list_page_walks_and_shows_the_same_rows(org, broad, monkeypatch):
	"""A broad scope's list page (rows in modified order, a page at a time) is written to walk the widened
	modified index (permissions._walk_condition); an aggregate and a report's subquery keep the index
	ranges. Every form admits exactly the rows the document check admits, for every actor."""
	from sales_crm import permissions

	monkeypatch.setattr(permissions, "BROAD_SHARE", 0 if broad else 2)  # every scope broad, or none
	dept_c = make_department(org.mb, [org.ma]).name
	names = {
		lead(org, department=org.dept_a).name,
		lead(org, department=org.dept_b).name,
		lead(org, department=dept_c).name,
		lead(org).name,
		lead(org, org.a1, org.dept_a).name,
		lead(org, org.b1, org.dept_b).name,
		lead(org, org.ma, org.dept_b).name,
		lead(org, org.b1, dept_c).name,
	}
	by_name = {"name": ["in", sorted(names)]}
	table = frappe.qb.DocType("Sales Lead")
	for user in (org.a1, org.a2, org.b1, org.ma, org.mb):
		expected = visible(user, "Sales Lead", names)  # the document check (and the unpaged list)
		frappe.set_user(user)
		page = {"filters": by_name, "order_by": "modified desc", "limit_page_length": 100}
		assert ("is not null" in frappe.get_list("Sales Lead", **page, run=0)) == broad, user
		assert set(frappe.get_list("Sales Lead", **page, pluck="name")) == expected, user
		for aggregate in (
			{"fields": ["count(*) as n"]},
			{"fields": ["status", "count(*) as n"], "group_by": "status"},
		):
			assert "is not null" not in frappe.get_list("Sales Lead", filters=by_name, **aggregate, run=0)
		assert frappe.get_list("Sales Lead", filters=by_name, fields=["count(*) as n"])[0].n == len(expected)
		frappe.set_user("Administrator")
		query = frappe.qb.from_(table).select(table.name).where(table.name.isin(sorted(names)))
		assert {r[0] for r in query.where(report_scope(table, "Sales Lead", user)).run()} == expected
