"""The order rows repeat their order's salesperson and date (``chain.ROW_CARRIES``): fill them on the rows
that exist, in slices of orders so that no one statement locks the whole table. Rows already equal to
their order's are left as they are, so a re-run writes nothing."""

import frappe

from sales_crm.chain import ROW_CARRIES

SLICE = 20_000


def execute():
	for parenttype, (table, fields) in ROW_CARRIES.items():
		names = frappe.db.sql_list(f"select name from `tab{parenttype}` order by name")
		child = frappe.get_meta(parenttype).get_field(table).options
		sets = ", ".join(f"row.`{field}` = doc.`{field}`" for field in fields)
		differs = " or ".join(f"not (row.`{field}` <=> doc.`{field}`)" for field in fields)
		for start in range(0, len(names), SLICE):
			chunk = names[start : start + SLICE]
			frappe.db.sql(
				f"""update `tab{child}` row join `tab{parenttype}` doc on doc.name = row.parent
				set {sets}
				where row.parenttype = %(parenttype)s and row.parentfield = %(table)s
					and doc.name between %(first)s and %(last)s and ({differs})""",
				{"parenttype": parenttype, "table": table, "first": chunk[0], "last": chunk[-1]},
			)
			frappe.db.commit()  # nosemgrep: a slice at a time, so an interrupted run resumes where it stopped
