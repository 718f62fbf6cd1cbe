"""Generating periodic commissions as a background job, run by a real RQ worker (``bench worker --queue
long``) that the test starts and stops: enqueue → worker → progress → the answer by job id; a small period
stays in the request.

The worker reads committed rows only and commits what it drafts, so this test commits its contracts in a
period of its own and removes what it made."""

import frappe
import pytest
from factories import sales_team
from server import ProgressEvents, wait_for_job
from test_commissions import as_user, sign_contract

from sales_crm import api
from sales_crm.flows import commissions

SPC = "Salesperson Commission"
PERIOD = ("2031-07-01", "2031-07-31")


@pytest.fixture
def committed_team():
	"""A department whose two salespeople signed five contracts in ``PERIOD``, committed for the worker."""
	team = sales_team()
	team.contracts = {
		team.sales: [
			sign_contract(team.sales, 1, amount, signed_on=f"2031-07-{day:02d}")
			for day, amount in ((3, 1000), (9, 2500), (20, 400))
		],
		team.other_sales: [
			sign_contract(team.other_sales, 1, amount, signed_on=f"2031-07-{day:02d}")
			for day, amount in ((5, 2000), (31, 600))
		],
	}
	frappe.db.commit()
	yield team
	frappe.db.rollback()
	people = [team.sales, team.other_sales]
	commissions_made = frappe.get_all(SPC, filters={"sales_person": ("in", people)}, pluck="name")
	contracts = frappe.get_all("Sales Contract", filters={"sales_person": ("in", people)}, pluck="name")
	for doctype, names, child in (
		(SPC, commissions_made, "Salesperson Commission Detail"),
		("Sales Contract", contracts, "Sales Contract Item"),
	):
		if names:
			frappe.db.delete(child, {"parent": ("in", names)})
			frappe.db.delete(doctype, {"name": ("in", names)})
	frappe.db.commit()


def drafted(team) -> dict[str, list[tuple]]:
	"""Committed Monthly commissions of the team in ``PERIOD``: salesperson → [(contract, amount)]."""
	frappe.db.rollback()  # a fresh snapshot: what the worker committed
	found = {}
	for name, person in frappe.get_all(
		SPC,
		filters={"sales_person": ("in", [team.sales, team.other_sales]), "commission_type": "Monthly"},
		fields=["name", "sales_person"],
		as_list=True,
	):
		doc = frappe.get_doc(SPC, name)
		assert (str(doc.from_date), str(doc.to_date), doc.docstatus) == (*PERIOD, 0)
		found.setdefault(person, []).append(
			sorted((row.sales_contract, row.contract_amount) for row in doc.contracts)
		)
	return found


def test_a_small_period_stays_in_the_request(committed_team):
	as_user(committed_team.manager)
	answer = api.generate_salesperson_commissions("Monthly", *PERIOD)
	assert set(answer) == {"created", "updated", "skipped", "not_in_policy"}
	assert len(answer["created"]) == 2
	frappe.db.rollback()


def test_a_large_period_runs_in_a_worker_with_progress_and_its_answer(worker, committed_team, monkeypatch):
	team = committed_team
	monkeypatch.setattr(commissions, "SYNC_CONTRACTS", 4)  # five contracts: more than the request drafts
	events = ProgressEvents()
	as_user(team.manager)
	answer = api.generate_salesperson_commissions("Monthly", *PERIOD)
	assert answer == {"job_id": answer["job_id"], "status": "queued", "contracts": 5}
	assert drafted(team) == {}  # the request drafted nothing itself

	as_user(team.manager)
	state = wait_for_job(api.commission_status, answer["job_id"])
	assert state["status"] == "finished", state
	assert (state["done"], state["total"]) == (2, 2)
	expected = {
		person: [sorted((c.name, c.base_grand_total) for c in contracts)]
		for person, contracts in team.contracts.items()
	}
	assert drafted(team) == expected
	as_user(team.manager)
	result = state["result"]
	assert len(result["created"]) == 2 and not result["updated"] and not result["skipped"]
	assert set(result["created"]) == set(
		frappe.get_all(
			SPC, filters={"sales_person": ("in", list(expected)), "commission_type": "Monthly"}, pluck="name"
		)
	)

	# the same period in the request now updates those drafts: the job drafted what the request would have
	monkeypatch.setattr(commissions, "SYNC_CONTRACTS", 500)
	again = api.generate_salesperson_commissions("Monthly", *PERIOD)
	assert sorted(again["updated"]) == sorted(result["created"]) and not again["created"]
	frappe.db.rollback()

	progress = events.percents(answer["job_id"])
	assert progress == [50, 100], progress

	# the answer is the caller's own
	as_user(team.other_sales)
	with pytest.raises(frappe.PermissionError):
		api.commission_status(answer["job_id"])
	as_user("Administrator")
	with pytest.raises(frappe.DoesNotExistError):
		api.commission_status("commission-job-nosuchjob")


@pytest.mark.out_of_process  # it starts and kills its own workers
def test_a_period_sent_again_after_its_worker_was_killed_mid_job_drafts_each_commission_once(
	bench, committed_team, monkeypatch, capsys
):
	from server import Worker, wait_for_lock_wait

	team = committed_team
	as_user(team.manager)
	api.generate_salesperson_commissions("Monthly", *PERIOD)  # drafts in the request, committed
	frappe.db.commit()
	before = drafted(team)
	# the job redrafts each salesperson's commission with one commit per salesperson; the test holds the
	# second one's row (what every writer of their periodic commissions locks first), so the job commits
	# the first, waits on the second, and is killed there. (Holding the second's draft instead made the
	# job wait already on the first whenever the two drafts were neighbours in the salesperson index: the
	# first's locking read also locks the next entry.)
	as_user(team.manager)
	second = list(commissions.contracts_by_person(*map(frappe.utils.getdate, PERIOD)))[1]
	monkeypatch.setattr(commissions, "SYNC_CONTRACTS", 4)
	first_worker = Worker(bench, "long").start()
	try:
		frappe.db.sql("select name from `tabUser` where name = %s for update", second)
		as_user(team.manager)
		first = api.generate_salesperson_commissions("Monthly", *PERIOD)
		wait_for_lock_wait("tabUser", second)  # commissions.lock_periods_of
		as_user(team.manager)
		assert api.commission_status(first["job_id"])["done"] == 1
	finally:
		first_worker.kill()
	frappe.db.rollback()
	as_user(team.manager)
	assert api.commission_status(first["job_id"])["status"] == "started"  # never "finished"
	assert drafted(team) == before

	second_worker = Worker(bench, "long").start()
	try:
		as_user(team.manager)
		again = api.generate_salesperson_commissions("Monthly", *PERIOD)
		state = wait_for_job(api.commission_status, again["job_id"])
	finally:
		second_worker.stop()
	assert state["status"] == "finished", state
	assert len(state["result"]["updated"]) == 2 and not state["result"]["created"]
	after = drafted(team)
	assert after == before  # one draft per salesperson, each contract once
	assert (
		frappe.db.count(
			SPC, {"sales_person": ("in", [team.sales, team.other_sales]), "commission_type": "Monthly"}
		)
		== 2
	)
	with capsys.disabled():
		print(
			f"\nfault: RQ worker SIGKILLed mid commission job (1 of 2 salespeople committed): sent again, {len(after)} commissions, each contract once"
		)
