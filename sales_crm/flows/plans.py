"""Sales plans on the site: compiling empty targets from the previous comparable period's orders — a
salesperson's whole orders, or (product targets) the order rows of one product."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import cstr, flt, now_datetime

from sales_crm import jobs
from sales_crm.rules import plans
from sales_crm.validation import throw


def order_amounts(sales_people: list[str], start, end) -> dict[str, float]:
	"""Submitted orders' company-currency grand total per salesperson, ordered between the two dates."""
	if not sales_people:
		return {}
	order = frappe.qb.DocType("Customer Order")
	rows = (
		frappe.qb.from_(order)
		.select(order.sales_person, Sum(order.base_grand_total))
		.where(
			(order.docstatus == 1)
			& order.sales_person.isin(sales_people)
			& (order.order_date >= start)
			& (order.order_date <= end)
		)
		.groupby(order.sales_person)
		.run()
	)
	return {person: flt(amount) for person, amount in rows}


def product_order_amounts(sales_people: list[str], start, end) -> dict[tuple[str, str], float]:
	"""Per (salesperson, product): the company-currency amount (before tax) of the product's rows on the
	salesperson's submitted orders between the two dates. The rows carry their order's salesperson and
	date (``chain.ROW_CARRIES``): read alone, through ``order_item_report_index``."""
	if not sales_people:
		return {}
	item = frappe.qb.DocType("Customer Order Item")
	rows = (
		frappe.qb.from_(item)
		.select(item.sales_person, item.product, Sum(item.base_amount))
		.where(
			(item.docstatus == 1)
			& item.sales_person.isin(sales_people)
			& (item.order_date >= start)
			& (item.order_date <= end)
		)
		.groupby(item.sales_person, item.product)
		.run()
	)
	return {(person, product): flt(amount) for person, product, amount in rows}


SYNC_TARGETS = 200  # a plan up to this many target rows is compiled in the request; a larger one by a job
JOB_TIMEOUT = 3600


def compile_or_enqueue(name: str, by_product: bool = False):
	"""Compile in the request, or, for a plan of more than ``SYNC_TARGETS`` rows, as a job on the
	``long`` queue: the answer is then ``{"job_id", "status": "queued", "total"}`` and
	``compile_status(job_id)`` says where it stands (``plan`` and ``targets`` once finished)."""
	plan = frappe.get_doc("Sales Plan", name)
	plan.check_permission("write")
	if plan.docstatus != 0:
		throw(plan, _("a submitted plan is frozen; amend it to change its targets"))
	if len(plan.targets) <= SYNC_TARGETS:
		return compile_sales_plan(name, by_product)
	job_id = jobs.new_id("plan-compile")
	state = {"job_id": job_id, "status": "queued", "user": frappe.session.user, "plan": name}
	state["total"] = len(plan.targets)
	jobs.save(job_id, state)
	frappe.enqueue(
		"sales_crm.flows.plans.run_compile_job",
		queue=jobs.QUEUE,
		timeout=JOB_TIMEOUT,
		job_id=job_id,
		plan=name,
		by_product=by_product,
		compile_job_id=job_id,
	)
	return {"job_id": job_id, "status": "queued", "total": len(plan.targets)}


def run_compile_job(plan: str, by_product: bool, compile_job_id: str) -> None:
	"""The ``long`` queue's side: compile, publish progress per previous period, keep the outcome."""
	job_id = compile_job_id
	state = jobs.load(job_id) or {"job_id": job_id, "user": frappe.session.user, "plan": plan}
	state.update(status="started", started_on=str(now_datetime()))
	jobs.save(job_id, state)

	def progress(done: int, total: int) -> None:
		state.update(done=done, periods=total)
		jobs.save(job_id, state)
		frappe.publish_progress(
			done * 100 / max(total, 1),
			title=_("Compiling Sales Plan {0}").format(plan),
			description=_("{0} of {1} periods").format(done, total),
			task_id=job_id,
		)

	try:
		doc = compile_sales_plan(plan, by_product, progress=progress)
		frappe.db.commit()  # nosemgrep: the job's own transaction
	except Exception:
		frappe.db.rollback()
		state.update(status="failed", message=strip_messages())
		jobs.save(job_id, state)
		raise
	state.update(status="finished", targets=len(doc.targets), finished_on=str(now_datetime()))
	jobs.save(job_id, state)


def strip_messages() -> str:
	return "; ".join(cstr(m) for m in (frappe.local.message_log or []))[:1000]


def compile_status(job_id: str) -> dict:
	"""Where a background compilation stands: ``status`` queued/started/finished/failed, ``done`` of
	``periods``, and, once finished, ``targets`` (the plan's rows)."""
	return jobs.state_for_caller(
		job_id, _("Plan compilation {0} not found"), _("Not permitted to read plan compilation {0}")
	)


def _job_failed(job_id: str) -> bool:
	from frappe.utils.background_jobs import get_job

	job = get_job(job_id)
	return job is None or job.get_status() in ("failed", "stopped", "canceled")


def compile_sales_plan(name: str, by_product: bool = False, progress=None):
	"""Fill every empty (zero) order target with the previous comparable period's actual orders of that
	salesperson (of that product, for a product target) × the plan's growth factor; with ``by_product``,
	also add a product target for every product a salesperson of the plan sold in the previous period
	(where the plan has none yet). Save the draft and return it."""
	plan = frappe.get_doc("Sales Plan", name)
	plan.check_permission("write")
	if plan.docstatus != 0:
		throw(plan, _("a submitted plan is frozen; amend it to change its targets"))
	empty, people = {}, {}
	for row in plan.targets:
		period = plans.parse_period(plan.period_type, row.period)
		if not (period and row.sales_person):
			continue
		people.setdefault(period, set()).add(row.sales_person)
		if not flt(row.target_order_amount):
			empty.setdefault(period.previous(), []).append(row)
	steps = len(empty) + (len(people) if by_product else 0)
	for done, (previous, rows) in enumerate(empty.items(), 1):  # grouped queries per previous period
		actual = order_amounts(
			sorted({r.sales_person for r in rows if not r.product}), previous.start, previous.end
		)
		by_item = product_order_amounts(
			sorted({r.sales_person for r in rows if r.product}), previous.start, previous.end
		)
		for row in rows:
			amount = (
				by_item.get((row.sales_person, row.product), 0)
				if row.product
				else actual.get(row.sales_person, 0)
			)
			row.target_order_amount = plans.compiled_target(amount, plan.growth_factor)
		if progress:
			progress(done, steps)
	if by_product:
		add_product_targets(plan, people, progress and (lambda done: progress(len(empty) + done, steps)))
	plan.save()
	return plan


def add_product_targets(plan, people: dict, progress=None) -> None:
	"""A product target for each product each salesperson sold in the period before, where none exists."""
	existing = {(row.sales_person, row.product, row.period) for row in plan.targets if row.product}
	for done, (period, sales_people) in enumerate(sorted(people.items(), key=lambda item: item[0].start), 1):
		previous = period.previous()
		sold = product_order_amounts(sorted(sales_people), previous.start, previous.end)
		for (person, product), amount in sorted(sold.items()):
			if product and (person, product, period.label) not in existing and flt(amount) > 0:
				plan.append(
					"targets",
					{
						"sales_person": person,
						"product": product,
						"period": period.label,
						"target_order_amount": plans.compiled_target(amount, plan.growth_factor),
					},
				)
		if progress:
			progress(done)
