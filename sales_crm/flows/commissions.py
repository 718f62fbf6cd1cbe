"""Salesperson and customer commissions on the site: who earns what, when, and who pays it.

- Signing a contract accrues its Basic commission; cancelling the contract cancels it (not once paid).
- ``generate_salesperson_commissions`` drafts the periodic (monthly … annual) commissions.
- Receipts move the Collected Amount commissions and the customers' paid amounts: the document chain
  (``sales_crm.chain``) refreshes them.
- ``pay_salesperson_commissions`` pays what is outstanding.
The arithmetic is ``sales_crm.rules.commissions``; amounts of salesperson commissions are in company currency.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, getdate, now_datetime, strip_html_tags, today

from sales_crm import jobs, owned
from sales_crm.org import (
	COMMISSION_GENERATORS,
	COMMISSION_PAYERS,
	department_members,
	department_of,
	has_role,
	managed_departments,
	member_row,
	require_role,
)
from sales_crm.rules import commissions as rules
from sales_crm.utils import company_currency, get_settings
from sales_crm.validation import throw

SPC = "Salesperson Commission"
SYNC_CONTRACTS = 500  # a period with up to this many contracts is drafted in the request; more by a job
JOB_TIMEOUT = 4 * 3600


# --- the department's commission policy -------------------------------------------------------------


def department_policy(department: str | None) -> frappe._dict:
	"""The department's explicit commission policy (Sales Department, "Commission Policy" section):

	- ``basic``: whether each signed contract accrues a Basic commission, at ``basic_rate`` (a member's
	  own rate replaces it);
	- ``basis``: Contract Amount or Collected Amount;
	- ``periodic_type``: the one periodic type paid (Monthly … Annual), empty when none is set;
	- ``scheme``: how periodic relates to Basic — "Tiered Bonus" (the tier rate on top of Basic) or
	  "Top-up to Tier Rate" (the tier rate less the Basic rate each contract earned);
	- ``tiers``: ``(min_achievement, rate)`` of plan achievement.
	"""
	values = (
		frappe.db.get_value(
			"Sales Department",
			department,
			[
				"commission_basis",
				"basic_commission",
				"basic_commission_rate",
				"periodic_commission_type",
				"periodic_scheme",
			],
			as_dict=True,
		)
		if department
		else None
	) or frappe._dict(basic_commission=1)
	tiers = (
		frappe.get_all(
			"Sales Commission Tier",
			filters={
				"parent": department,
				"parenttype": "Sales Department",
				"parentfield": "commission_tiers",
			},
			fields=["min_achievement", "commission_rate"],
			order_by="min_achievement asc",
		)
		if department
		else []
	)
	return frappe._dict(
		basis=values.commission_basis or rules.CONTRACT_AMOUNT,
		basic=bool(values.basic_commission),
		basic_rate=flt(values.basic_commission_rate),
		periodic_type=values.periodic_commission_type or None,
		scheme=values.periodic_scheme or rules.TIERED_BONUS,
		tiers=[(flt(t.min_achievement), flt(t.commission_rate)) for t in tiers],
	)


def policy_rate(sales_person: str | None, department: str | None) -> frappe._dict:
	"""The Basic rate the policy gives this salesperson: ``rate`` (0 when the department pays no Basic
	commission) and ``basic`` (whether it pays one)."""
	department = department or department_of(sales_person)
	policy = department_policy(department)
	member = member_row(sales_person, department) if sales_person else None
	rate = rules.basic_rate(member.commission_rate if member else 0, policy.basic_rate)
	return frappe._dict(rate=rate if policy.basic else 0.0, basic=policy.basic, policy=policy)


def period_rate_for(policy, sales_person: str | None, department: str | None, achievement) -> float:
	"""The periodic rate the policy gives ``sales_person`` at ``achievement`` (% of plan)."""
	member = member_row(sales_person, department) if sales_person else None
	return rules.period_rate(policy.tiers, achievement, member.commission_rate if member else 0)


# --- figures -------------------------------------------------------------------------------------


def signed_contracts(from_date, to_date, sales_person: str | None = None) -> list[frappe._dict]:
	contract = frappe.qb.DocType("Sales Contract")
	query = (
		frappe.qb.from_(contract)
		.select(
			contract.name,
			contract.sales_person,
			contract.sales_department,
			contract.contract_type,
			contract.base_grand_total,
		)
		.where(
			(contract.docstatus == 1)
			& contract.sales_person.isnotnull()
			& (contract.sales_person != "")
			& (contract.signed_on >= from_date)
			& (contract.signed_on <= to_date)
		)
		.orderby(contract.sales_person)
		.orderby(contract.signed_on)
		.orderby(contract.name)
	)
	if sales_person:
		query = query.where(contract.sales_person == sales_person)
	return query.run(as_dict=True)


def plan_targets(sales_people: list[str], from_date, to_date) -> dict[str, list[tuple]]:
	"""Order targets ``(start, end, amount)`` of submitted plans touching the period, per salesperson."""
	if not sales_people:
		return {}
	target = frappe.qb.DocType("Sales Plan Target")
	plan = frappe.qb.DocType("Sales Plan")
	rows = (
		frappe.qb.from_(target)
		.join(plan)
		.on(plan.name == target.parent)
		.select(target.sales_person, target.period_start, target.period_end, target.target_order_amount)
		.where(
			(plan.docstatus == 1)
			& (target.parenttype == "Sales Plan")
			& target.sales_person.isin(sales_people)
			& (target.period_start <= to_date)
			& (target.period_end >= from_date)
		)
		.run()
	)
	targets = defaultdict(list)
	for person, start, end, amount in rows:
		targets[person].append((getdate(start), getdate(end), flt(amount)))
	return targets


# --- Basic commissions: on signing and cancelling ---------------------------------------------------


def basic_commissions(contract: str) -> list[str]:
	return frappe.get_all(
		SPC,
		filters={"commission_type": "Basic", "sales_contract": contract, "docstatus": ["<", 2]},
		pluck="name",
		order_by="creation asc",
	)


def update_basic_commission(contract) -> None:
	"""Called by the contract on submit (accrue its Basic commission) and on cancel (cancel it)."""
	if contract.docstatus == 2:
		cancel_basic_commissions(contract)
	elif contract.docstatus == 1:
		make_basic_commission(contract)


def make_basic_commission(contract) -> str | None:
	"""The signed contract's Basic commission for its salesperson, drafted for approval."""
	if not contract.sales_person:
		return None
	existing = basic_commissions(contract.name)
	if existing:
		return existing[0]
	department = contract.sales_department or department_of(contract.sales_person)
	policy = department_policy(department)
	if not policy.basic:
		return None
	doc = frappe.get_doc(
		{
			"doctype": SPC,
			"commission_name": _("Basic commission on {0}").format(contract.name),
			"commission_type": "Basic",
			"sales_person": contract.sales_person,
			"sales_department": department,
			"commission_date": contract.signed_on or today(),
			"sales_contract": contract.name,
			"contract_type": contract.contract_type,
			"contract_amount": contract.base_grand_total,
			"currency": company_currency(),
			"commission_basis": policy.basis,
			# the contract's rate: the policy's, or another one a director approved on the contract
			"commission_rate": contract.commission_rate,
		}
	)
	doc.flags.ignore_permissions = True  # the salesperson signs; the system drafts on their behalf
	doc.insert()  # a draft: a Sales Manager or Director approves it (Salesperson Commission Workflow)
	return doc.name


def cancel_basic_commissions(contract) -> None:
	for name in basic_commissions(contract.name):
		doc = frappe.get_doc(SPC, name, for_update=True)
		doc.flags.ignore_permissions = True
		if doc.docstatus == 1:
			doc.cancel()  # refused (naming the commission) once anything is paid
		else:
			frappe.delete_doc(SPC, name, ignore_permissions=True)


# --- periodic commissions ------------------------------------------------------------------------


def generate_salesperson_commissions(commission_type: str, from_date, to_date) -> dict:
	"""Draft one commission per salesperson with contracts signed in the period, a row per contract.

	A second run for the same salesperson, type and period updates the draft; a submitted one is left
	alone and reported under ``skipped``. A period of more than ``SYNC_CONTRACTS`` contracts is drafted by
	a job on the ``long`` queue instead: the answer is ``{"job_id", "status": "queued", "contracts"}`` and
	``commission_status(job_id)`` gives its progress and, once finished, this same answer (issue 11).
	"""
	require_role(COMMISSION_GENERATORS, _("Generating salesperson commissions"))
	if commission_type not in rules.PERIODIC_TYPES:
		frappe.throw(
			_("Commission Type must be one of {0}, not {1}").format(
				", ".join(_(t) for t in rules.PERIODIC_TYPES), frappe.bold(commission_type)
			)
		)
	if not from_date or not to_date or getdate(from_date) > getdate(to_date):
		frappe.throw(
			_("From Date ({0}) must be on or before To Date ({1})").format(from_date, to_date),
			title=_("Invalid Period"),
		)
	from_date, to_date = getdate(from_date), getdate(to_date)
	contracts = contracts_by_person(from_date, to_date)
	total = sum(len(rows) for rows in contracts.values())
	if total > SYNC_CONTRACTS:
		return enqueue_generation(commission_type, from_date, to_date, total)
	targets = plan_targets(list(contracts), from_date, to_date)
	result = {"created": [], "updated": [], "skipped": [], "not_in_policy": []}
	for person, rows in contracts.items():
		_record(result, draft_commission(person, rows, commission_type, from_date, to_date, targets))
	return result


def contracts_by_person(from_date, to_date) -> dict[str, list]:
	"""The period's signed contracts of the salespeople the user may generate for, by salesperson."""
	scope = managed_sales_people()
	contracts = defaultdict(list)
	for row in signed_contracts(from_date, to_date):
		if scope is None or row.sales_person in scope:
			contracts[row.sales_person].append(row)
	return contracts


def _record(result: dict, outcome: tuple) -> None:
	bucket, name = outcome
	if bucket:
		result[bucket].append(name)


def draft_commission(person, rows, commission_type, from_date, to_date, targets) -> tuple:
	"""One salesperson's periodic commission drafted or updated: ``(bucket, name)`` for the answer."""
	department = department_of(person) or rows[0].sales_department
	policy = department_policy(department)
	if policy.periodic_type and policy.periodic_type != commission_type:
		return "not_in_policy", person  # the department pays another periodic type
	# the second of two generations at once finds the first's draft here and updates it (salespeople are
	# taken in name order on every path, so two generations never wait on each other in a circle)
	lock_periods_of(person)
	existing = frappe.db.get_values(
		SPC,
		{
			"sales_person": person,
			"commission_type": commission_type,
			"from_date": from_date,
			"to_date": to_date,
			"docstatus": ["<", 2],
		},
		["name", "docstatus"],
		order_by="docstatus desc, creation asc",
		as_dict=True,
		for_update=True,
	)
	if existing and existing[0].docstatus == 1:
		return "skipped", existing[0].name
	own = existing[0].name if existing else None
	refuse_overlap(person, commission_type, from_date, to_date, exclude=own)
	paid = in_periodic_commissions([row.name for row in rows], exclude=own)
	rows = [row for row in rows if row.name not in paid]  # a contract is paid by one periodic run only
	if not rows:
		return None, None
	doc = frappe.get_doc(SPC, own, for_update=True) if own else frappe.new_doc(SPC)
	target = rules.target_for_period(targets.get(person, []), from_date, to_date)
	actual = sum(flt(row.base_grand_total) for row in rows)
	achievement = rules.achievement(actual, target) if target is not None else None
	basic_rates = basic_rates_of([row.name for row in rows]) if policy.scheme == rules.TOP_UP else {}
	doc.update(
		{
			"commission_name": _("{0} commission {1} – {2}").format(_(commission_type), from_date, to_date),
			"commission_type": commission_type,
			"sales_person": person,
			"sales_department": department,
			"commission_date": to_date,
			"from_date": from_date,
			"to_date": to_date,
			"currency": company_currency(),
			"commission_basis": policy.basis,
			"target_amount": target or 0,
			"achievement": achievement or 0,
			"commission_rate": period_rate_for(policy, person, department, achievement),
		}
	)
	doc.set(
		"contracts",
		[
			{
				"sales_contract": row.name,
				"contract_type": row.contract_type,
				"contract_amount": row.base_grand_total,
				"basic_rate": basic_rates.get(row.name, 0),
			}
			for row in rows
		],
	)
	doc.flags.ignore_permissions = True  # the caller's role was checked above
	with owned.by_server():  # the rows' amounts and Basic rates are the ones read above
		doc.save()
	return ("updated" if existing else "created"), doc.name


# --- periodic commissions as a background job -------------------------------------------------------


def enqueue_generation(commission_type: str, from_date, to_date, contracts: int) -> dict:
	job_id = jobs.new_id("commission-job")
	state = {"job_id": job_id, "status": "queued", "user": frappe.session.user, "contracts": contracts}
	jobs.save(job_id, state)
	frappe.enqueue(
		"sales_crm.flows.commissions.run_generation_job",
		queue=jobs.QUEUE,
		timeout=JOB_TIMEOUT,
		job_id=job_id,
		commission_type=commission_type,
		from_date=str(from_date),
		to_date=str(to_date),
		commission_job_id=job_id,
	)
	return {"job_id": job_id, "status": "queued", "contracts": contracts}


def run_generation_job(commission_type: str, from_date, to_date, commission_job_id: str) -> None:
	"""The ``long`` queue's side of a large period, as the user who asked: one commit per salesperson
	(a rerun updates the drafts, so a period sent again after a failure is safe), progress, the answer
	in the cache for ``commission_status``."""
	job_id = commission_job_id
	state = jobs.load(job_id) or {"job_id": job_id, "user": frappe.session.user}
	from_date, to_date = getdate(from_date), getdate(to_date)
	contracts = contracts_by_person(from_date, to_date)
	targets = plan_targets(list(contracts), from_date, to_date)
	result = {"created": [], "updated": [], "skipped": [], "not_in_policy": []}
	state.update(status="started", total=len(contracts), done=0, started_on=str(now_datetime()))
	jobs.save(job_id, state)
	try:
		for done, (person, rows) in enumerate(contracts.items(), start=1):
			_record(result, draft_commission(person, rows, commission_type, from_date, to_date, targets))
			frappe.db.commit()
			state.update(done=done, result=result)
			jobs.save(job_id, state)
			frappe.publish_progress(
				done * 100 / len(contracts),
				title=_("Generating salesperson commissions"),
				description=_("{0} of {1} salespeople").format(done, len(contracts)),
				task_id=job_id,
			)
	except Exception as error:
		frappe.db.rollback()
		state.update(
			status="failed", result=result, error=strip_html_tags(str(error)) or type(error).__name__
		)
		jobs.save(job_id, state)
		raise
	state.update(status="finished", result=result, finished_on=str(now_datetime()))
	jobs.save(job_id, state)


def commission_status(job_id: str) -> dict:
	"""Where a large generation stands: ``status`` queued/started/finished/failed, ``done`` of ``total``
	salespeople, and ``result`` (what ``generate_salesperson_commissions`` answers for a small period);
	``error`` says why a failed one stopped."""
	return jobs.state_for_caller(
		job_id,
		_("Commission generation {0} not found"),
		_("Not permitted to read commission generation {0}"),
	)


def lock_periods_of(person: str) -> None:
	"""A salesperson's periodic commissions are checked and written one request at a time, whatever the
	path (the generator, a REST insert, the desk): two at once would each find no commission of the period
	and each write one, paying the same contracts twice. The lock is the salesperson's row; the checks that
	follow it are locking reads, which see what the request before committed (a plain read would see this
	transaction's snapshot, taken before the wait)."""
	frappe.db.get_value("User", person, "name", for_update=True)


def refuse_overlap(person: str, commission_type: str, from_date, to_date, exclude: str | None = None):
	"""A salesperson's periodic commissions of one type never cover a day twice: a period that overlaps
	another (draft or approved) one's, the very same period included, is refused, naming it. A re-run of
	the generator updates its own draft (``exclude``) instead."""
	lock_periods_of(person)
	others = frappe.db.get_values(
		SPC,
		{
			"sales_person": person,
			"commission_type": commission_type,
			"docstatus": ["<", 2],
			"from_date": ["<=", to_date],
			"to_date": [">=", from_date],
			"name": ["!=", exclude or ""],
		},
		["name", "from_date", "to_date"],
		as_dict=True,
		for_update=True,
	)
	clash = others
	if clash:
		frappe.throw(
			_("{0} {1} commission of {2} for {3} – {4} overlaps {5} ({6} – {7})").format(
				_(SPC),
				_(commission_type),
				person,
				from_date,
				to_date,
				clash[0].name,
				clash[0].from_date,
				clash[0].to_date,
			),
			title=_("Overlapping Period"),
		)


def in_periodic_commissions(contracts: list[str], exclude: str | None = None) -> dict[str, str]:
	"""Contracts already in a (draft or approved) periodic commission other than ``exclude``: contract →
	that commission."""
	if not contracts:
		return {}
	detail = frappe.qb.DocType("Salesperson Commission Detail")
	commission = frappe.qb.DocType(SPC)
	rows = (
		frappe.qb.from_(detail)
		.join(commission)
		.on(commission.name == detail.parent)
		.select(detail.sales_contract, commission.name)
		.where(
			(detail.parenttype == SPC)
			& detail.sales_contract.isin(contracts)
			& (commission.docstatus < 2)
			& (commission.name != (exclude or ""))
		)
		.for_update()  # after ``lock_periods_of``: what the request before committed
		.run()
	)
	return dict(rows)


def basic_rates_of(contracts: list[str]) -> dict[str, float]:
	"""The rate of each contract's (draft or approved) Basic commission."""
	if not contracts:
		return {}
	rows = frappe.get_all(
		SPC,
		filters={"commission_type": "Basic", "sales_contract": ["in", contracts], "docstatus": ["<", 2]},
		fields=["sales_contract", "commission_rate"],
	)
	return {row.sales_contract: flt(row.commission_rate) for row in rows}


def managed_sales_people() -> set[str] | None:
	"""Whose commissions the user may generate: everyone (``None``) for finance, else the members of the
	departments the Sales Manager manages."""
	if has_role({"Accounts User", "System Manager"}):
		return None
	return set(department_members(managed_departments(frappe.session.user), active_only=False))


def run_monthly_commission_job() -> None:
	"""Scheduler (monthly): draft the previous month's Monthly commissions, when switched on."""
	if not get_settings().enable_monthly_commission_job:
		return
	start, end = rules.previous_month(getdate(today()))
	generate_salesperson_commissions("Monthly", start, end)


# --- payouts -------------------------------------------------------------------------------------


def pay_salesperson_commissions(names: list[str]) -> list[dict]:
	"""Pay the outstanding amount of each accrued commission; already paid ones are reported as such."""
	require_role(COMMISSION_PAYERS, _("Paying salesperson commissions"))
	if not names:
		frappe.throw(_("Choose at least one commission to pay"))
	result = []
	for name in sorted(set(names)):
		if not frappe.db.exists(SPC, name):
			frappe.throw(_("Salesperson Commission {0} not found").format(name), frappe.DoesNotExistError)
		doc = frappe.get_doc(SPC, name, for_update=True)
		doc.check_permission("write")
		if doc.docstatus != 1:
			throw(
				doc, _("only an approved commission can be paid (it is {0})").format(_(doc.status)), "status"
			)
		due = rules.outstanding(doc.accrued_amount, doc.paid_amount)
		if due > 0:
			doc.paid_amount = flt(doc.paid_amount) + due
			doc.save()
		result.append(
			{"name": doc.name, "paid": max(due, 0), "paid_amount": doc.paid_amount, "status": doc.status}
		)
	return result
