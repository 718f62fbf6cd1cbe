"""Fill the duplicate-matching keys (sales_crm.rules.normalize) of the leads and customers stored before
the keys existed, in chunks, without touching ``modified``."""

import frappe

from sales_crm.rules import normalize

CHUNK = 5000


def execute():
	fill("Sales Customer", "customer_name", {"phone": "phone_key"})
	fill("Sales Lead", "company_name", {"phone": "phone_key", "mobile": "mobile_key"})


def fill(doctype: str, name_field: str, phone_fields: dict[str, str]) -> int:
	table = frappe.qb.DocType(doctype)
	columns = [table.name, table[name_field], table.email, *(table[f] for f in phone_fields)]
	done, after = 0, ""
	while True:
		rows = (
			frappe.qb.from_(table)
			.select(*columns)
			.where(table.name > after)
			.orderby(table.name)
			.limit(CHUNK)
			.run(as_dict=True)
		)
		if not rows:
			return done
		updates = {}
		for row in rows:
			values = {
				"company_key": normalize.company_key(row[name_field]),
				"email_key": normalize.email_key(row.email),
			}
			for field, key_field in phone_fields.items():
				values[key_field] = normalize.phone_key(row[field])
			updates[row.name] = values
		frappe.db.bulk_update(doctype, updates, chunk_size=500, update_modified=False)
		frappe.db.commit()  # a million rows in chunks, not one transaction
		done += len(rows)
		after = rows[-1].name
