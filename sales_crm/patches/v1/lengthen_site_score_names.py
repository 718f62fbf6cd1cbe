"""Customer Site Score records are named by the first characters of sha1(customer, newline, site)
(``flows.mining.site_score_name``), which the run upserts by. The name grew from 10 to 20 characters, so
that two sites cannot share a record; the records named the old way are renamed in place (MariaDB's sha1 of
the same text, in utf8mb4, is Python's of its UTF-8), so the next run updates them instead of adding a
second record per site."""

import frappe

from sales_crm.flows.mining import SITE_SCORE_NAME_LENGTH


def execute():
	frappe.db.sql(
		f"""update `tabCustomer Site Score`
		set name = left(sha1(concat(customer, char(10), address)), {SITE_SCORE_NAME_LENGTH})
		where char_length(name) < {SITE_SCORE_NAME_LENGTH} and customer is not null and address is not null"""
	)
