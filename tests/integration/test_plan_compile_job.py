"""Compiling a large Sales Plan runs as a job on the ``long`` queue, through a real RQ worker (``bench
worker --queue long``) that the test starts: enqueue → worker → progress → outcome by job id. A small
plan stays in the request. The worker commits, so the test removes what it made."""

import frappe
import pytest
from factories import make_customer, make_product, sales_team, selling_doc
from frappe.utils import random_string
from server import wait_for_job

from sales_crm import api
from sales_crm.flows import plans as plan_flow


@pytest.fixture
def world():
	"""Committed: a team, two products, February orders and a draft plan of three empty rows."""
	team = sales_team()
	a, b = make_product().name, make_product().name
	customer = make_customer().name
	orders = []
	for person, rows in ((team.sales, [(a, 1, 100), (b, 2, 150)]), (team.other_sales, [(b, 1, 70)])):
		doc = selling_doc(
			"Customer Order",
			[{"product": p, "qty": q, "price_list_rate": r} for p, q, r in rows],
			customer=customer,
			sales_person=person,
			sales_department=team.department,
			order_date="2026-02-10",
			tax_rate=0,
		)
		doc.submit()
		orders.append(doc.name)
	plan = frappe.get_doc(
		{
			"doctype": "Sales Plan",
			"plan_name": f"Job plan {random_string(5)}",
			"fiscal_year": "2026",
			"period_type": "Monthly",
			"sales_department": team.department,
			"growth_factor": 2,
			"targets": [
				{"sales_person": team.sales, "period": "2026-03"},
				{"sales_person": team.other_sales, "period": "2026-03"},
				{"sales_person": team.sales, "period": "2026-04"},
			],
		}
	).insert()
	frappe.db.commit()
	yield frappe._dict(team=team, a=a, b=b, plan=plan.name, orders=orders)
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.db.delete("Sales Plan Target", {"parent": plan.name})
	frappe.db.delete("Sales Plan", {"name": plan.name})
	for name in orders:
		doc = frappe.get_doc("Customer Order", name)
		doc.cancel()
		doc.delete()
	frappe.db.commit()


def test_a_small_plan_compiles_in_the_request(world):
	frappe.set_user(world.team.manager)
	answer = api.compile_sales_plan(world.plan)
	assert answer.doctype == "Sales Plan"
	assert [r.target_order_amount for r in answer.targets] == [800, 140, 0]  # February × 2
	frappe.db.rollback()


def test_a_large_plan_compiles_in_a_worker(worker, world, monkeypatch):
	monkeypatch.setattr(plan_flow, "SYNC_TARGETS", 2)  # three rows count as large here
	frappe.set_user(world.team.manager)
	answer = api.compile_sales_plan(world.plan, by_product=1)
	assert answer["status"] == "queued" and answer["total"] == 3
	frappe.db.commit()  # the request ends: the job is in Redis, nothing of the plan changed yet

	state = wait_for_job(api.compile_status, answer["job_id"])
	assert state["status"] == "finished", state
	assert state["plan"] == world.plan and state["targets"] == 6
	# two previous periods (February, March) filled, then two periods' product targets added
	assert (state["done"], state["periods"]) == (4, 4)

	frappe.db.rollback()  # a fresh snapshot: what the worker committed
	plan = frappe.get_doc("Sales Plan", world.plan)
	got = sorted((r.sales_person, r.product or "", r.period, r.target_order_amount) for r in plan.targets)
	t = world.team
	assert got == sorted(
		[
			(t.sales, "", "2026-03", 800),  # (100 + 300) × 2
			(t.other_sales, "", "2026-03", 140),
			(t.sales, "", "2026-04", 0),  # March sold nothing
			(t.sales, world.a, "2026-03", 200),
			(t.sales, world.b, "2026-03", 600),
			(t.other_sales, world.b, "2026-03", 140),
		]
	)
	assert plan.total_target_order_amount == 940

	# someone else cannot read the job; an unknown id is not found
	frappe.set_user(t.sales)
	with pytest.raises(frappe.PermissionError):
		api.compile_status(answer["job_id"])
	with pytest.raises(frappe.DoesNotExistError):
		api.compile_status("plan-compile-nonexistent")


@pytest.mark.out_of_process  # it starts and kills its own workers
def test_a_compilation_whose_worker_was_killed_mid_job_compiles_once_when_sent_again(
	bench, world, monkeypatch, capsys
):
	from server import Worker, wait_for_lock_wait

	monkeypatch.setattr(plan_flow, "SYNC_TARGETS", 2)
	frappe.set_user(world.team.manager)
	# the test holds the plan's row: the job computes every period, then waits to save it, and is killed there
	frappe.db.sql("select name from `tabSales Plan` where name = %s for update", world.plan)
	first_worker = Worker(bench, "long").start()
	try:
		first = api.compile_sales_plan(world.plan, by_product=1)
		wait_for_lock_wait("tabSales Plan", world.plan)
	finally:
		first_worker.kill()
	frappe.db.rollback()
	plan = frappe.get_doc("Sales Plan", world.plan)
	assert len(plan.targets) == 3 and plan.total_target_order_amount == 0  # nothing of the killed job
	assert api.compile_status(first["job_id"])["status"] == "started"  # never "finished"

	second_worker = Worker(bench, "long").start()
	try:
		again = api.compile_sales_plan(world.plan, by_product=1)
		frappe.db.commit()
		state = wait_for_job(api.compile_status, again["job_id"])
	finally:
		second_worker.stop()
	assert state["status"] == "finished", state
	frappe.db.rollback()
	plan = frappe.get_doc("Sales Plan", world.plan)
	rows = [(r.sales_person, r.product or "", r.period) for r in plan.targets]
	assert len(rows) == len(set(rows)) == 6  # each target once: the killed run added none
	assert plan.total_target_order_amount == 940
	with capsys.disabled():
		print(
			f"\nfault: RQ worker SIGKILLed mid plan compilation: the plan unchanged; sent again, {len(rows)} targets once each"
		)
