"""A scope's disjoint parts (sales_crm/rules/scope.py): every row the scope's rules admit is admitted by
exactly one part, and no other row by any part — checked over every combination of owner values."""

import itertools

import pytest

from sales_crm.rules.scope import (
	EMPTY,
	EQ,
	IN,
	NOT_IN,
	Term,
	capped_sum,
	disjoint_parts,
	part_admits,
	term_admits,
)

ME, PEER = "me@example.com", "peer@example.com"
EAST, WEST, NORTH = "East", "West", "North"
PEOPLE = (ME, PEER, "", None)
DEPARTMENTS = (EAST, WEST, NORTH, "", None)


def rules_admit(row, scope, has_person, has_department):
	"""The scope's rules as permissions.query_conditions writes them: an OR."""
	person = row.get("sales_person") if has_person else None
	department = row.get("sales_department") if has_department else None
	owner = person if has_person else department
	own = scope["own"] if has_person else None
	return bool(
		(own and person == own)
		or (has_department and department and department in scope["departments"])
		or (scope["unowned"] and not owner)
		or (
			scope["lead"]
			and has_person
			and has_department
			and not person
			and department in scope["lead_departments"]
		)
	)


SCOPES = [
	# a salesperson's leads: their own, and their departments' unassigned ones
	dict(own=ME, departments=set(), unowned=False, lead_departments={EAST}, lead=True),
	# a manager of East who belongs to West: East's rows, their own, West's unassigned leads
	dict(own=ME, departments={EAST}, unowned=False, lead_departments={WEST}, lead=True),
	# a manager who belongs to the department they manage
	dict(own=ME, departments={EAST, NORTH}, unowned=False, lead_departments={EAST}, lead=True),
	# a salesperson's orders: their own only (one part: counted as Frappe counts it)
	dict(own=ME, departments=set(), unowned=False, lead_departments={EAST}, lead=False),
	# a manager's customers: their departments', their own, and unowned customers
	dict(own=ME, departments={EAST}, unowned=True, lead_departments={WEST}, lead=False),
	# a nobody: no rule
	dict(own=None, departments=set(), unowned=False, lead_departments=set(), lead=False),
]


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("has_person,has_department", [(True, True), (True, False), (False, True)])
def test_every_admitted_row_is_in_exactly_one_part(scope, has_person, has_department):
	parts = disjoint_parts(
		own=scope["own"],
		departments=scope["departments"],
		unowned=scope["unowned"],
		unassigned_lead_departments=scope["lead_departments"],
		lead=scope["lead"],
		has_person=has_person,
		has_department=has_department,
	)
	for person, department in itertools.product(PEOPLE, DEPARTMENTS):
		row = {"sales_person": person, "sales_department": department}
		expected = rules_admit(row, scope, has_person, has_department)
		admitting = [part for part in parts if part_admits(part, row)]
		assert len(admitting) == (1 if expected else 0), (row, admitting)


def test_a_manager_s_scope_is_a_department_range_and_their_own_rows_outside_it():
	parts = disjoint_parts(
		own=ME,
		departments={EAST},
		unowned=False,
		unassigned_lead_departments={EAST},
		lead=True,
		has_person=True,
		has_department=True,
	)
	# the member department is the managed one: no third part for its unassigned leads
	assert parts == [
		(Term(IN, "sales_department", (EAST,)),),
		(Term(EQ, "sales_person", (ME,)), Term(NOT_IN, "sales_department", (EAST,))),
	]


def test_a_customer_s_unowned_part_covers_unassigned_leads_rule():
	parts = disjoint_parts(
		own=ME,
		departments=set(),
		unowned=True,
		unassigned_lead_departments={WEST},
		lead=True,
		has_person=True,
		has_department=True,
	)
	assert parts == [(Term(EQ, "sales_person", (ME,)),), (Term(EMPTY, "sales_person"),)]


def test_terms_treat_null_as_sql_does():
	assert not term_admits(Term(EQ, "sales_person", (ME,)), {"sales_person": None})
	assert not term_admits(Term(IN, "sales_department", (EAST,)), {})
	assert term_admits(Term(EMPTY, "sales_person"), {"sales_person": ""})
	assert term_admits(Term(EMPTY, "sales_person"), {"sales_person": None})
	# "outside the departments" holds for a row without a department: ifnull(col, '') not in (...)
	assert term_admits(Term(NOT_IN, "sales_department", (EAST,)), {"sales_department": None})
	assert not term_admits(Term(NOT_IN, "sales_department", (EAST,)), {"sales_department": EAST})
	with pytest.raises(ValueError):
		term_admits(Term("like", "sales_person", ("%",)), {})


@pytest.mark.parametrize(
	"counts,limit,expected",
	[
		([250_000, 3], 0, 250_003),
		([0, 0, 0], 0, 0),
		([400, 700], 1001, 1001),  # the desk shows "1000+"
		([400, 600], 1001, 1000),
		([1001, 5], 1001, 1001),
	],
)
def test_capped_sum(counts, limit, expected):
	assert capped_sum(counts, limit) == expected


def test_capped_sum_stops_reading_counts_at_the_cap():
	read = []

	def counts():
		for count in (1001, 7):
			read.append(count)
			yield count

	assert capped_sum(counts(), 1001) == 1001
	assert read == [1001]
