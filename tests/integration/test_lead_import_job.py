"""Large lead intakes as background jobs, run by a real RQ worker (``bench worker --queue long``) that the
tests start and stop: enqueue → worker → progress → per-row results by job id; and an intake that
survives its worker being killed mid-job (external ids: sent again, nothing is created twice).

The worker commits, so these tests remove what they made."""

import json

import frappe
import pytest
from frappe.utils import random_string
from server import ProgressEvents, Worker, wait_for_job

from sales_crm import api
from sales_crm.flows import lead_import


@pytest.fixture
def tag():
	tag = f"JOB{random_string(8).upper()}"
	yield tag
	frappe.db.rollback()
	names = frappe.get_all("Sales Lead", filters={"external_id": ("like", f"{tag}-%")}, pluck="name")
	if names:
		frappe.db.delete("Sales Lead Product", {"parent": ("in", names), "parenttype": "Sales Lead"})
		frappe.db.delete("Sales Lead", {"name": ("in", names)})
	frappe.db.commit()


def rows_for(tag: str, count: int) -> list[dict]:
	return [
		{
			"external_id": f"{tag}-{i:05d}",
			"company_name": f"Job Co {tag} {i}",
			"lead_source": "Marketing Campaign",
			"phone": f"+86 21 {i + 10_000_000}",
			"own_products": [{"product_name": "Pump", "annual_volume": i}],
		}
		for i in range(count)
	]


def imported(tag: str) -> dict[str, int]:
	"""external id → how many leads carry it, as committed (a fresh snapshot)."""
	frappe.db.rollback()
	rows = frappe.db.sql(
		"select external_id, count(*) from `tabSales Lead` where external_id like %s group by external_id",
		(f"{tag}-%",),
	)
	return dict(rows)


def test_small_batches_stay_in_the_request():
	answer = api.import_leads([{"company_name": f"Sync {random_string(10)}", "lead_source": "800 Hotline"}])
	assert isinstance(answer, list) and answer[0]["status"] == "created"


def test_a_large_batch_runs_in_a_worker_with_progress_and_per_row_results(worker, tag):
	rows = rows_for(tag, lead_import.SYNC_ROWS + 40)
	rows[7]["lead_source"] = "Carrier Pigeon"  # an error row
	rows[9] = {**rows[3], "external_id": f"{tag}-dup"}  # the same company as row 3
	del rows[11]["company_name"]

	events = ProgressEvents()
	answer = api.import_leads(json.dumps(rows))
	assert set(answer) == {"job_id", "status", "total"}
	assert (answer["status"], answer["total"]) == ("queued", len(rows))
	assert imported(tag) == {}  # the request imported nothing itself

	state = wait_for_job(api.import_status, answer["job_id"], timeout=600)
	assert state["status"] == "finished", state
	assert state["done"] == state["total"] == len(rows)
	results = state["results"]
	assert [r["row"] for r in results] == list(range(len(rows)))
	statuses = {r["row"]: r["status"] for r in results if r["status"] != "created"}
	assert statuses == {7: "error", 9: "duplicate", 11: "error"}
	assert results[9]["of"] == results[3]["name"]
	assert "Carrier Pigeon" in results[7]["message"] or "Lead Source" in results[7]["message"]

	counts = imported(tag)
	assert len(counts) == len(rows) - 3 and set(counts.values()) == {1}
	lead = frappe.get_doc("Sales Lead", results[0]["name"])
	assert (lead.external_id, lead.origin, lead.owner) == (
		f"{tag}-00000",
		"Marketing Subsystem",
		"Administrator",
	)
	assert [p.annual_volume for p in lead.own_products] == [0]

	# the worker published its progress for the job's task room, up to 100 %
	progress = events.percents(answer["job_id"])
	assert progress and progress == sorted(progress) and progress[-1] == 100, progress
	assert len(progress) >= len(rows) // lead_import.PROGRESS_EVERY


def test_import_status_is_the_callers_own(worker, tag):
	from factories import make_user

	answer = api.import_leads(json.dumps(rows_for(tag, lead_import.SYNC_ROWS + 1)))
	wait_for_job(api.import_status, answer["job_id"], lambda s: s["status"] == "finished", timeout=600)
	frappe.set_user(make_user(f"import-other-{random_string(5)}@example.com", "Sales User", "Sales Manager"))
	with pytest.raises(frappe.PermissionError):
		api.import_status(answer["job_id"])
	frappe.set_user("Administrator")
	with pytest.raises(frappe.DoesNotExistError):
		api.import_status("lead-import-nosuchjob")


@pytest.mark.out_of_process  # it starts and kills its own workers
def test_a_batch_sent_again_after_its_worker_was_killed_creates_each_lead_once(bench, tag):
	rows = rows_for(tag, 320)
	first_worker = Worker(bench, "long").start()
	try:
		first = api.import_leads(json.dumps(rows))
		wait_for_job(
			api.import_status,
			first["job_id"],
			lambda s: s["done"] >= 2 * lead_import.PROGRESS_EVERY,
			timeout=300,
		)
	finally:
		first_worker.kill()
	partial = imported(tag)
	assert 0 < len(partial) < len(rows), "the worker was to be killed mid-job"
	assert set(partial.values()) == {1}
	assert api.import_status(first["job_id"])["status"] in ("started", "failed")  # never "finished"

	second_worker = Worker(bench, "long").start()
	try:
		again = api.import_leads(json.dumps(rows))
		state = wait_for_job(api.import_status, again["job_id"], timeout=600)
	finally:
		second_worker.stop()
	assert state["status"] == "finished", state
	counts = imported(tag)
	assert counts == {row["external_id"]: 1 for row in rows}  # every lead exactly once
	by_status = {}
	for result in state["results"]:
		by_status.setdefault(result["status"], []).append(result)
	assert len(by_status["created"]) == len(rows) - len(partial)
	assert {r["external_id"] for r in by_status["duplicate"]} == set(partial)
	assert set(by_status) == {"created", "duplicate"}
