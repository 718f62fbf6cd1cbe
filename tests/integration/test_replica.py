"""The scale-out path on this machine (issue 11, item 5; docs/SCALING.md "Read replicas").

A second ``mariadbd`` on loopback follows the primary by GTID replication (tests/integration/replica.py),
and the test site reads from it (``read_from_replica``, ``replica_host``, ``replica_db_port``) while a
real gunicorn serves it. The replica's general log shows what the site sends it: query reports, list
views, counts and number cards go there; writes, workflow actions, submits and form reads do not, and
reach it through replication. When the replica stops applying changes, falls further behind than
``replica_max_lag_seconds`` or is killed, the app reads from the primary (sales_crm/replica.py), so
reports stay current and answer with HTTP 200.

The replica runs as the user the tests run as. With a bench present, a replica that cannot start fails
this module: it is never skipped.
"""

import json
import re
import time
from datetime import date

import frappe
import pymysql
import pytest
from factories import make_customer, make_product
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils import random_string
from replica import Replica
from server import Server

from sales_crm import replica as app_replica
from sales_crm.reporting import weighted_pipeline

CHECK_SECONDS = 1  # replica_check_seconds for the test site: how long a health verdict is cached
MAX_LAG = 2  # replica_max_lag_seconds for the test site
WRITE = re.compile(r"^\s*(insert|update|delete|replace|create|alter|drop|truncate)\b", re.IGNORECASE)
SOURCE = "800 Hotline"


def clear_health():
	frappe.cache().delete_value(app_replica.CACHE_KEY)


def wait_for_verdict(ok: bool, timeout: float = 15):
	"""The next probe's verdict (the cached one expires after CHECK_SECONDS)."""
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		clear_health()
		state = app_replica.health(frappe._dict(frappe.get_site_config(), **SITE_REPLICA_CONF))
		if state["ok"] is ok:
			clear_health()
			return state
		time.sleep(0.2)
	raise AssertionError(f"the replica's verdict did not become ok={ok}: {state}")


SITE_REPLICA_CONF = {}


@pytest.fixture(scope="module")
def replica(bench, site):
	rep = Replica(bench, site)
	config = bench.sites / site / "site_config.json"
	original = config.read_text()
	try:
		rep.start()
		SITE_REPLICA_CONF.update(
			read_from_replica=1,
			replica_host="127.0.0.1",
			replica_db_port=rep.port,
			replica_max_lag_seconds=MAX_LAG,
			replica_check_seconds=CHECK_SECONDS,
		)
		config.write_text(json.dumps({**json.loads(original), **SITE_REPLICA_CONF}, indent=1, sort_keys=True))
		clear_health()
		yield rep
	finally:
		config.write_text(original)
		SITE_REPLICA_CONF.clear()
		rep.stop()
		clear_health()


@pytest.fixture(scope="module")
def server(bench, site, replica):
	srv = Server(bench, site, workers=2).start()
	yield srv
	srv.stop()


@pytest.fixture(scope="module")
def admin(server):
	from benchsite import ADMIN_PASSWORD

	return server.session("Administrator", ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def masters(site, replica):
	"""Committed on the primary (the server is another process); replicated before the tests read."""
	customer = make_customer().name
	product = make_product(standard_rate=100).name
	frappe.db.commit()
	replica.wait_caught_up()
	return frappe._dict(customer=customer, product=product)


# ---------------------------------------------------------------------- what the site asks


def new_lead(admin, tag: str) -> dict:
	return admin.insert(
		{
			"doctype": "Sales Lead",
			"company_name": f"Replica Co {tag}",
			"lead_source": SOURCE,
			"email": f"replica-{tag.lower()}@example.com",
		}
	)


def primary_source_count() -> int:
	"""This year's leads of SOURCE, counted on the primary by the test's own connection."""
	frappe.db.rollback()  # a fresh snapshot: the server committed in another connection
	year = date.today().year
	return frappe.db.count(
		"Sales Lead",
		{"lead_source": SOURCE, "creation": ["between", [f"{year}-01-01", f"{year}-12-31 23:59:59.999999"]]},
	)


def report_leads(admin) -> int:
	"""Lead Source Effectiveness (a query report) for SOURCE this year, as the desk runs it."""
	result = admin.ok(
		"frappe.desk.query_report.run",
		report_name="Lead Source Effectiveness",
		filters={},
		ignore_prepared_report=1,
	)
	return next((row["leads"] for row in result["result"] if row.get("lead_source") == SOURCE), 0)


def list_names(admin, tag: str) -> list[str]:
	"""The Sales Lead list view filtered on the tag, as the desk asks for it."""
	result = admin.ok(
		"frappe.desk.reportview.get",
		doctype="Sales Lead",
		fields=["`tabSales Lead`.`name`"],
		filters=[["Sales Lead", "company_name", "like", f"%{tag}%"]],
	)
	return [row[0] for row in result.get("values", [])] if result else []


def counts(admin, tag: str) -> tuple[int, int]:
	"""The list's count (reportview.get_count) and frappe.client.get_count (the app's override)."""
	filters = [["Sales Lead", "company_name", "like", f"%{tag}%"]]
	return (
		admin.ok("frappe.desk.reportview.get_count", doctype="Sales Lead", filters=filters),
		admin.ok("frappe.client.get_count", doctype="Sales Lead", filters=filters),
	)


def logged(replica, call) -> tuple[object, list[str]]:
	"""What ``call()`` returns, and the queries the site's user sent the replica meanwhile (the
	health probe's left out)."""
	replica.clear_log()
	value = call()
	return value, replica.site_queries()


def assert_reads_return_to_the_replica(replica, admin, tag: str, names: list[str], timeout: float = 20):
	"""Once the replica has caught up, the list is read there again. Right after replication restarts
	the replica can report a lag for a moment, so the app may keep the primary for a check or two."""
	deadline = time.monotonic() + timeout
	while True:
		listed, queries = logged(replica, lambda: list_names(admin, tag))
		assert listed == names
		if any("tabSales Lead" in q for q in queries):
			return
		if time.monotonic() > deadline:
			state = frappe.cache().get_value(app_replica.CACHE_KEY)
			raise AssertionError(f"reads did not return to the replica in {timeout} s; last verdict {state}")
		time.sleep(0.5)


def read_on_replica(replica, sql: str, args=None):
	return replica.query(sql.replace("DB.", f"`{replica.db_name}`."), args)


# ---------------------------------------------------------------------- tests


def test_reads_go_to_the_replica_and_writes_to_the_primary(replica, admin, masters):
	assert wait_for_verdict(True)["reason"].startswith("replica is")
	tag = random_string(8)

	lead, queries = logged(replica, lambda: new_lead(admin, tag))
	assert lead["name"] and queries == [], f"an insert sent queries to the replica: {queries}"
	lead_update = admin.update("Sales Lead", lead["name"], {"address": "updated on the primary"})
	assert lead_update.ok, lead_update.text

	quotation, queries = logged(
		replica,
		lambda: admin.insert(
			{
				"doctype": "Sales Quotation",
				"title": f"Replica {tag}",
				"customer": masters.customer,
				"items": [{"product": masters.product, "qty": 2, "price_list_rate": 100}],
			}
		),
	)
	approved, more = logged(
		replica,
		lambda: admin.ok("frappe.model.workflow.apply_workflow", doc=quotation, action="Approve"),
	)
	assert (approved["status"], approved["docstatus"]) == ("Approved", 1)
	assert queries == [] and more == [], f"writes sent queries to the replica: {queries + more}"

	# a form's read is served by the primary (Frappe reads documents there)
	form, queries = logged(replica, lambda: admin.get("Sales Lead", lead["name"]))
	assert form["address"] == "updated on the primary" and queries == []

	# every write reached the replica through replication, not from the site
	replica.wait_caught_up()
	assert read_on_replica(
		replica, "SELECT address FROM DB.`tabSales Lead` WHERE name = %s", (lead["name"],)
	) == [{"address": "updated on the primary"}]
	assert read_on_replica(
		replica, "SELECT docstatus, status FROM DB.`tabSales Quotation` WHERE name = %s", (quotation["name"],)
	) == [{"docstatus": 1, "status": "Approved"}]

	# reports, lists, counts and number cards are read on the replica, and show what the primary holds
	expected = primary_source_count()
	card = frappe.get_doc("Number Card", "Outstanding Receivables").as_json()
	reads = {
		"query report": (lambda: report_leads(admin), expected, "tabSales Lead"),
		"list view": (lambda: list_names(admin, tag), [lead["name"]], "tabSales Lead"),
		"counts": (lambda: counts(admin, tag), (1, 1), "tabSales Lead"),
		"custom number card": (
			lambda: admin.ok("sales_crm.reporting.weighted_pipeline"),
			{"value": float(weighted_pipeline()["value"]), "fieldtype": "Currency"},
			"tabSales Opportunity",
		),
		"document number card": (
			lambda: admin.ok("frappe.desk.doctype.number_card.number_card.get_result", doc=card, filters=[]),
			get_result(card, []),
			"tabSales Receivable",
		),
	}
	for what, (call, want, table) in reads.items():
		value, queries = logged(replica, call)
		assert value == want, f"{what}: {value!r}, expected {want!r}"
		assert any(table in q for q in queries), f"{what} was not read on the replica: {queries}"
		writes = [q for q in queries if WRITE.match(q)]
		assert writes == [], f"{what} wrote to the replica: {writes}"


def test_a_lagging_replica_is_not_read(replica, admin):
	"""The SQL thread stops: the replica falls behind. Writes and forms are unaffected; reports, lists and
	counts go to the primary (up to date) until the replica has caught up again."""
	replica.stop_sql_thread()
	try:
		tag = random_string(8)
		lead = new_lead(admin, tag)  # a write while the replica lags
		assert admin.get("Sales Lead", lead["name"])["company_name"] == f"Replica Co {tag}"
		stale = read_on_replica(
			replica, "SELECT name FROM DB.`tabSales Lead` WHERE name = %s", (lead["name"],)
		)
		assert stale == [], "the replica applied a change with its SQL thread stopped"
		state = wait_for_verdict(False)
		assert "SQL thread is No" in state["reason"]

		expected = primary_source_count()
		for what, call, want in (
			("query report", lambda: report_leads(admin), expected),
			("list view", lambda: list_names(admin, tag), [lead["name"]]),
			("counts", lambda: counts(admin, tag), (1, 1)),
		):
			value, queries = logged(replica, call)
			assert value == want, f"{what} on a lagging replica: {value!r}, expected {want!r}"
			assert queries == [], f"{what} was read on the lagging replica: {queries}"
	finally:
		replica.start_sql_thread()

	replica.wait_caught_up()
	assert_reads_return_to_the_replica(replica, admin, tag, [lead["name"]])


def test_a_replica_further_behind_than_the_bound_is_not_read(replica, admin):
	"""Replication runs but applies each change 15 s late (MASTER_DELAY): once the replica is more than
	replica_max_lag_seconds behind, reads go to the primary; once it has caught up, back to the replica."""
	replica.set_delay(15)
	try:
		tag = random_string(8)
		lead = new_lead(admin, tag)
		state = wait_for_verdict(False, timeout=12)
		assert "behind (more than 2 s)" in state["reason"], state
		assert (
			read_on_replica(replica, "SELECT name FROM DB.`tabSales Lead` WHERE name = %s", (lead["name"],))
			== []
		)
		names, queries = logged(replica, lambda: list_names(admin, tag))
		assert names == [lead["name"]] and queries == []
		replica.wait_caught_up(timeout=30)
	finally:
		replica.set_delay(0)
	assert_reads_return_to_the_replica(replica, admin, tag, [lead["name"]])


def test_frappe_alone_fails_when_the_replica_is_down():
	"""What the app covers: Frappe v15's read_only() connects to the replica without a fallback."""
	conf = frappe.local.conf
	saved = {key: conf.get(key) for key in ("read_from_replica", "replica_host", "replica_db_port")}
	from server import free_port

	conf.update(read_from_replica=1, replica_host="127.0.0.1", replica_db_port=free_port())
	try:
		with pytest.raises(pymysql.err.OperationalError):
			frappe.read_only()(lambda: frappe.db.sql("select 1"))()
		forget_replica_connection()
		# the app's hook sees the dead replica and sends this request's reads to the primary
		clear_health()
		app_replica.use_replica_if_healthy()
		assert not conf.read_from_replica
		assert frappe.read_only()(lambda: frappe.db.sql("select 1"))() == ((1,),)
	finally:
		conf.update(saved)
		forget_replica_connection()
		clear_health()


def forget_replica_connection():
	"""frappe.connect_replica() connects once per request; this process is one long request."""
	for attr in ("replica_db", "primary_db"):
		if hasattr(frappe.local, attr):
			delattr(frappe.local, attr)


def test_a_dead_replica_is_not_read(replica, admin):
	"""The replica's server is killed: reports, lists and counts answer from the primary with HTTP 200."""
	tag = random_string(8)
	lead = new_lead(admin, tag)
	replica.kill()
	state = wait_for_verdict(False)
	assert "cannot connect" in state["reason"]
	lead2 = new_lead(admin, tag)  # writes never needed the replica
	expected = primary_source_count()
	assert report_leads(admin) == expected
	assert sorted(list_names(admin, tag)) == sorted([lead["name"], lead2["name"]])
	assert counts(admin, tag) == (2, 2)
	assert admin.ok("sales_crm.reporting.overdue_receivables")["fieldtype"] == "Currency"
