"""``bench backup`` and a restore onto a new site (``bench new-site --source-sql``, Frappe's way of
starting a site from a backup) give the same records: every Sales CRM table's row count, the money sums the
invariants are written in, and every invariant holding on the restored site."""

import glob
import time

import frappe
import pytest
from factories import pipeline
from frappe.utils import random_string
from invariants import violations

from sales_crm import api

RESTORED = "sales-crm-restored.localhost"

SUMS = {
	"Sales Receivable": ("total_amount", "received_amount", "write_off_amount", "outstanding_amount"),
	"Customer Order": ("grand_total", "invoiced_amount", "received_amount"),
	"Sales Receipt": ("paid_amount", "unallocated_amount", "offset_amount", "refunded_amount"),
	"Sales Receipt Allocation": ("allocated_amount", "write_off_amount"),
	"Sales Credit Offset": ("total_amount",),
	"Sales Customer": ("credit_balance",),
	"Salesperson Commission": ("base_amount", "accrued_amount", "paid_amount", "outstanding_amount"),
}


def tables() -> list[str]:
	return frappe.get_all(
		"DocType",
		filters={"module": "Sales CRM", "issingle": 0, "is_virtual": 0},
		pluck="name",
		order_by="name",
	)


def figures() -> dict:
	"""Row counts of every Sales CRM table and the money sums, per docstatus, from ``frappe.db``."""
	out = {}
	for doctype in tables():
		out[doctype] = frappe.db.sql(f"select count(*) from `tab{doctype}`")[0][0]
	for doctype, fields in SUMS.items():
		columns = {f.fieldname for f in frappe.get_meta(doctype).fields}
		present = [f for f in fields if f in columns]
		rows = frappe.db.sql(
			f"""select docstatus, {", ".join(f"round(sum(`{f}`), 2)" for f in present)}
			from `tab{doctype}` group by docstatus order by docstatus"""
		)
		out[f"{doctype} sums"] = [tuple(float(v or 0) for v in row) for row in rows]
	return out


@pytest.fixture
def backup_dir(bench, tmp_path_factory):
	path = tmp_path_factory.mktemp("backup")
	path.chmod(0o777)
	yield path
	bench.drop_site(RESTORED)


@pytest.mark.out_of_process  # it runs bench commands and creates a site
def test_a_backup_restored_onto_a_new_site_has_the_same_records_and_sums(bench, site, backup_dir, capsys):
	books = pipeline("receivable")
	receipt = frappe.get_doc(api.make_receipt(books.receivable))
	receipt.paid_amount = receipt.allocations[0].allocated_amount = 250
	receipt.insert().submit()
	advance = frappe.get_doc(
		{
			"doctype": "Sales Receipt",
			"receipt_type": "Advance",
			"customer": books.customer,
			"currency": "CNY",
			"paid_amount": 120,
			"reference_no": f"B-{random_string(5)}",
		}
	).insert()
	advance.submit()
	frappe.db.commit()
	assert violations() == []
	original = figures()

	started = time.monotonic()
	bench.frappe("backup", "--backup-path", str(backup_dir), site=site)
	(sql,) = glob.glob(str(backup_dir / "*-database.sql.gz"))
	bench.drop_site(RESTORED)
	bench.frappe(
		"new-site", RESTORED, "--source-sql", sql, "--admin-password", "admin", "--no-mariadb-socket"
	)
	seconds = time.monotonic() - started

	conf = bench.site_config(RESTORED)
	primary = frappe.local.db
	from frappe.database import get_db

	frappe.local.db = get_db(
		host=frappe.conf.db_host,
		port=frappe.conf.db_port,
		user=conf["db_name"],
		password=conf["db_password"],
		cur_db_name=conf["db_name"],
	)
	try:
		restored = figures()
		broken = violations()
	finally:
		frappe.local.db.close()
		frappe.local.db = primary
	assert restored == original
	assert broken == []
	with capsys.disabled():
		print(
			f"\nfault: backup and restore onto a new site ({seconds:.0f} s): {len(tables())} tables' counts "
			f"({sum(v for v in original.values() if isinstance(v, int))} rows) and {len(SUMS)} DocTypes' money "
			"sums equal, invariants hold"
		)
