"""The order rows repeat their order's salesperson and date (``chain.ROW_CARRIES``): fill them on the rows
that exist, in slices of orders so that no one statement locks the whole table. Rows already equal to
their order's are left as they are, so a re-run writes nothing."""

import frappe

from sales_crm.chain import ROW_CARRIES

SLICE = 20_000


def execute():
	for parenttype, (table, fields) in ROW_CARRIES.items():
		child = frappe.get_meta(parenttype).get_field(table).options
		sets = ", ".join(f"row.`{field}` = doc.`{field}`" for field in fields)
		differs = " or ".join(f"not (row.`{field}` <=> doc.`{field}`)" for field in fields)
		for first, last in slices(parenttype):
			frappe.db.sql(
				f"""update `tab{child}` row join `tab{parenttype}` doc on doc.name = row.parent
				set {sets}
				where row.parenttype = %(parenttype)s and row.parentfield = %(table)s
					and doc.name between %(first)s and %(last)s and ({differs})""",
				{"parenttype": parenttype, "table": table, "first": first, "last": last},
			)
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
