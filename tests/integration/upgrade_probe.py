"""What the upgrade test reads from a site, run in a subprocess of the bench (cwd ``sites/``).

	python upgrade_probe.py SITE before OUT.json   # the old version's data (read with the old code on the path)
	python upgrade_probe.py SITE after OUT.json    # the same after `bench migrate`, plus the checks below

``before`` and ``after`` both record: which ``sales_crm`` was imported, which app DocTypes exist, every
stored row of the app's tables (to compare value by value), counts per DocType and docstatus, the sums of
every Currency and Float column, and the Patch Log. ``after`` also records the money invariants
(tests/integration/invariants.py), every report compared with its SQL twin (benchmarks/reports.py), and
what the current code does with the old records (a receipt cancelled and a new one posted, invariants
again, all rolled back). Only Frappe and SQL are used for ``before``: the old schema is not the current one.
"""

from __future__ import annotations

import json
import sys
import traceback
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import frappe

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent.parent
MODULE = "Sales CRM"
NUMERIC = ("Currency", "Float", "Int", "Percent")


def plain(value):
	"""A stored value as JSON can hold it, numbers and dates compared by value whatever their column type."""
	if isinstance(value, Decimal | float):
		return round(float(value), 6)
	if isinstance(value, datetime | date | time | timedelta):
		return str(value)
	if isinstance(value, bytes):
		return value.decode(errors="replace")
	return value


def app_doctypes() -> list[str]:
	return frappe.get_all(
		"DocType",
		filters={"module": MODULE, "issingle": 0, "is_virtual": 0},
		pluck="name",
		order_by="name",
	)


def numeric_columns(doctype: str) -> list[str]:
	return frappe.get_all(
		"DocField",
		filters={"parent": doctype, "fieldtype": ["in", NUMERIC]},
		pluck="fieldname",
		order_by="fieldname",
	)


def snapshot() -> dict:
	import sales_crm

	doctypes = app_doctypes()
	rows, counts, sums = {}, {}, {}
	for doctype in doctypes:
		table = f"tab{doctype}"
		data = frappe.db.sql(f"select * from `{table}`", as_dict=True)
		rows[doctype] = {r["name"]: {k: plain(v) for k, v in r.items()} for r in data}
		counts[doctype] = dict(
			frappe.db.sql(
				f"select docstatus, count(*) from `{table}` group by docstatus"
			)  # docstatus as text: JSON keys
		)
		counts[doctype] = {str(k): v for k, v in counts[doctype].items()}
		columns = numeric_columns(doctype)
		if columns:
			values = frappe.db.sql(
				"select " + ", ".join(f"coalesce(sum(`{c}`), 0)" for c in columns) + f" from `{table}`"
			)[0]
			sums[doctype] = {c: plain(v) for c, v in zip(columns, values, strict=True)}
	return {
		"module": sales_crm.__file__,
		"doctypes": doctypes,
		"rows": rows,
		"counts": counts,
		"sums": sums,
		"patches": frappe.get_all("Patch Log", pluck="patch"),
		"core_counts": {dt: frappe.db.count(dt) for dt in ("User", "Contact", "Address", "ToDo", "Workflow")},
	}


def twins() -> dict[str, list[str]]:
	"""Every report with a twin, run as Administrator over the whole period: {report: its differences}."""
	sys.path.insert(0, str(CHECKOUT / "benchmarks"))
	import reports
	from frappe.desk.query_report import run

	values = reports.params()
	# the reports count days from the site's date (Asia/Shanghai here), not the machine's
	today = frappe.utils.getdate()
	cutoff = today - timedelta(days=14)
	values.update(today=str(today), cutoff=str(cutoff), cutoff_next=str(cutoff + timedelta(days=1)))
	reports.follow_up_types()
	found = {}
	for name, (filters, keys, sql) in sorted(reports.TWINS.items()):
		output = run(name, {**reports.FILTERS, **filters})["result"]
		twin = frappe.db.sql(sql, values, as_dict=True)
		found[name] = {
			"rows": len([r for r in output if isinstance(r, dict)]),
			"problems": reports.compare(output, twin, keys),
		}
	return found


def recomputed(stored: dict) -> dict[str, list[str]]:
	"""Every roll-up and derived figure of chain.py recomputed over every record, as a submit recomputes
	those it reaches (after what every row repeats of its record: ``chain.ROW_CARRIES``), and every deal's
	lead source (``chain.ATTRIBUTION``); the stored values that the current code would change (a migrated
	site whose figures the current code would compute otherwise misses a patch). A figure a cent off is
	listed apart: old demo loaders rounded some estimates with Python's ``round`` where the controllers use
	``flt``. Rolled back."""
	from sales_crm import chain

	targets = {
		doctype: frappe.get_all(doctype, pluck="name", order_by="name") for doctype in chain.ROLLUP_ORDER
	}
	for parenttype in chain.ROW_CARRIES:  # what the rows repeat of their record, first: the dates roll up
		chain.fill_carried(parenttype)
	chain.roll_up(frappe._dict(flags=frappe._dict(chain_targets=targets)))
	chain.fill_attribution()  # and the lead source each deal carries from its lead
	found = {"changed": [], "cents": []}
	for doctype, rows in stored.items():
		for row in frappe.db.sql(f"select * from `tab{doctype}`", as_dict=True):
			old = rows.get(row["name"], {})
			for column, value in row.items():
				new, was = plain(value), old.get(column)
				if column in ("modified", "modified_by") or new == was:
					continue
				line = f"{doctype} {row['name']}.{column}: stored {was!r}, computed {new!r}"
				cent = isinstance(new, float) and isinstance(was, float) and abs(new - was) <= 0.0101
				found["cents" if cent else "changed"].append(line)
	frappe.db.rollback()
	return found


def exercise() -> dict:
	"""The current code on the old records: cancel a submitted receipt (its roll-ups recomputed from what
	is left), then post a new receipt against an outstanding receivable; the invariants must hold after
	each. Rolled back."""
	import invariants

	from sales_crm import api

	done = {}
	receipt = frappe.db.get_value(
		"Sales Receipt", {"docstatus": 1, "receipt_type": ["!=", "Refund"]}, "name", order_by="name"
	)
	if receipt:
		frappe.get_doc("Sales Receipt", receipt).cancel()
		done["cancelled"] = receipt
		done["after_cancel"] = invariants.violations(fresh=False)
	receivable = frappe.db.get_value(
		"Sales Receivable",
		{"docstatus": 1, "outstanding_amount": [">", 1]},
		["name", "customer", "outstanding_amount", "currency"],
		as_dict=True,
		order_by="name",
	)
	if receivable:
		pay = round(float(receivable.outstanding_amount) / 2, 2)
		doc = frappe.get_doc(api.make_receipt(receivable.name))
		doc.allocations[0].allocated_amount = pay
		doc.insert()
		doc.submit()
		done["posted"] = {"receipt": doc.name, "receivable": receivable.name, "amount": pay}
		done["after_post"] = invariants.violations(fresh=False)
		done["outstanding_after_post"] = plain(
			frappe.db.get_value("Sales Receivable", receivable.name, "outstanding_amount")
		)
		done["outstanding_before_post"] = plain(receivable.outstanding_amount)
	frappe.db.rollback()
	return done


def main(site: str, phase: str, out: str) -> int:
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		result = {"phase": phase, **snapshot()}
		if phase == "after":
			sys.path.insert(0, str(HERE))
			import invariants

			result["violations"] = invariants.violations()
			result["twins"] = twins()
			frappe.db.rollback()
			result["recomputed"] = recomputed(result["rows"])
			frappe.db.rollback()
			try:
				result["exercise"] = exercise()
			except Exception:
				frappe.db.rollback()
				result["exercise"] = {"error": traceback.format_exc()}
		Path(out).write_text(json.dumps(result, default=str))
	finally:
		frappe.db.rollback()
		frappe.destroy()
	return 0


if __name__ == "__main__":
	sys.exit(main(*sys.argv[1:4]))
