"""The order rows repeat their order's salesperson and date (``chain.ROW_CARRIES``): fill them on the rows
that exist, in slices of orders so that no one statement locks the whole table. Rows already equal to
their order's are left as they are, so a re-run writes nothing."""

import frappe

from sales_crm.chain import fill_carried

SLICE = 20_000


def execute():
	fill_carried_rows(["Customer Order"])


def fill_carried_rows(parenttypes) -> None:
	"""Each row of ``parenttypes`` takes the fields it repeats of its document (``chain.fill_carried``)."""
	for parenttype in parenttypes:
		for first, last in slices(parenttype):
			fill_carried(parenttype, first, last)
			frappe.db.commit()  # nosemgrep: a slice at a time, so an interrupted run resumes where it stopped


def slices(doctype: str):
	"""(first, last) name of each run of ``SLICE`` records in name order, read a slice at a time from the
	primary key: a site's millions of names are never held at once."""
	after = ""
	while True:
		names = frappe.db.sql_list(
			f"select name from `tab{doctype}` where name > %(after)s order by name limit {SLICE}",
			{"after": after},
		)
		if not names:
			return
		yield names[0], names[-1]
		after = names[-1]
