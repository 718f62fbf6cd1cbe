"""Receivable Ageing lists the parties owing the most (its ``top`` filter), not every party: the desk's total
row would add up the listed rows alone, beside a summary of every party. The report's JSON has no total row;
a site that had the report before keeps its own Report record (a record changed on the site is not synced
from the file again), so the flag is cleared here."""

import frappe

RANKINGS = ("Receivable Ageing",)


def execute():
	for name in RANKINGS:
		if frappe.db.exists("Report", name):
			frappe.db.set_value("Report", name, "add_total_row", 0, update_modified=False)
