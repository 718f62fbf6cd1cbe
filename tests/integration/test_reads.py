"""``sales_crm.reads`` answers what ``frappe.get_all`` / ``frappe.db.get_value`` answer for the same filters."""

import frappe

from sales_crm import reads

PARENTS = ["Sales Receivable", "Customer Order", "Sales Receipt"]
FIELDS = ["name", "parent", "fieldname", "fieldtype", "idx"]


def as_set(rows):
	return {tuple(row[f] for f in FIELDS) for row in rows}


def test_rows_match_get_all_for_equalities_and_lists():
	ours = reads.rows("DocField", {"parent": PARENTS, "fieldtype": "Currency"}, FIELDS)
	theirs = frappe.get_all(
		"DocField", filters={"parent": ["in", PARENTS], "fieldtype": "Currency"}, fields=FIELDS
	)
	assert len(ours) > 10
	assert as_set(ours) == as_set(theirs)


def test_rows_keep_the_order_asked_for():
	ours = reads.rows("DocField", {"parent": "Customer Order"}, ["fieldname", "idx"], order_by="idx")
	theirs = frappe.get_all(
		"DocField", filters={"parent": "Customer Order"}, fields=["fieldname", "idx"], order_by="idx asc"
	)
	assert [r.fieldname for r in ours] == [r.fieldname for r in theirs]
	assert [r.idx for r in ours] == sorted(r.idx for r in ours)


def test_an_empty_list_matches_nothing_without_a_query():
	before = frappe.db.sql("show session status like 'Questions'")[0][1]
	assert reads.rows("DocField", {"parent": []}, ["name"]) == []
	assert reads.column("DocField", {"parent": set()}, "name") == []
	after = frappe.db.sql("show session status like 'Questions'")[0][1]
	assert int(after) - int(before) == 1  # the second status read itself


def test_one_record_and_one_value():
	assert reads.row(
		"DocType", "Customer Order", ["name", "module", "is_submittable"]
	) == frappe.db.get_value("DocType", "Customer Order", ["name", "module", "is_submittable"], as_dict=True)
	assert reads.value("DocType", "Sales Receipt", "module") == "Sales CRM"
	assert reads.column("DocType", {"name": ["Customer Order", "Nope"]}, "name") == ["Customer Order"]
	assert reads.row("DocType", "no such doctype", ["name"]) is None
	assert reads.row("DocType", None, ["name"]) is None  # never "the first record", as a None filter would
	assert reads.value("DocType", "x' or '1'='1", "name") is None  # values are parameters


def test_names_are_the_codes_own_and_a_value_never_reaches_the_text():
	import pytest

	for bad in ("name`; drop table x; --", "a-b", "", "name) or (1=1"):
		with pytest.raises(ValueError):
			reads.rows("DocField", {"parent": "Customer Order"}, [bad])
		with pytest.raises(ValueError):
			reads.rows("DocField", {bad: "Customer Order"}, ["name"])
	with pytest.raises(ValueError):
		reads.rows("DocField`; --", {}, ["name"])
	# a list of values is parameters too
	assert reads.column("DocType", {"name": ["Customer Order", "x') or ('1'='1"]}, "name") == [
		"Customer Order"
	]


def test_lock_takes_the_rows_named_and_no_other():
	from lock_probe import LockProbe

	names = reads.column("DocType", {"module": "Sales CRM"}, "name")
	named, other = sorted(names)[:2], sorted(names)[2]
	probe = LockProbe()
	try:
		assert probe.free("DocType", named[0]) and probe.free("DocType", other)
		reads.lock("DocType", named + named)  # a name given twice is locked once
		assert [probe.free("DocType", name) for name in named] == [False, False]
		assert probe.free("DocType", other)
	finally:
		frappe.db.rollback()
		probe.close()


def test_the_sums_of_one_table_never_read_that_table():
	"""``chain.roll_up`` sets every sum due on one table in one statement: the same as one statement each
	only while no sum reads the table it is set on (a figure the statement has set or not yet)."""
	from sales_crm import chain

	assert [r for r in chain.ROLLUPS if r.source == r.target] == []
	assert len({r.target for r in chain.ROLLUPS}) < len(chain.ROLLUPS)  # some tables do have several
