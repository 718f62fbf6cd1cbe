"""Salesperson and customer commissions on the site: who earns what, when, and who pays it.

- Signing a contract accrues its Basic commission; cancelling the contract cancels it (not once paid).
- ``generate_salesperson_commissions`` drafts the periodic (monthly … annual) commissions.
- Receipts move the Collected Amount commissions and the customers' paid amounts (one call from the
  receipt: ``update_collected_commissions``).
- ``pay_salesperson_commissions`` pays what is outstanding.
The arithmetic is ``sales_crm.rules.commissions``; amounts of salesperson commissions are in company currency.
"""

from collections import defaultdict
from collections.abc import Iterable

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import flt, getdate, today

from sales_crm.rules import commissions as rules
from sales_crm.utils import company_currency, department_of, get_settings
from sales_crm.validation import throw

SPC = "Salesperson Commission"
GENERATORS = {"Sales Manager", "Accounts User", "System Manager"}
PAYERS = {"Accounts User", "System Manager"}


def _require_role(roles: set[str], what: str):
	if not roles & set(frappe.get_roles()):
		frappe.throw(
			_("{0} needs one of the roles {1}").format(what, ", ".join(_(r) for r in sorted(roles))),
			frappe.PermissionError,
		)


# --- configuration -------------------------------------------------------------------------------


def member_rate(user: str, department: str | None = None) -> float:
	"""The salesperson's own commission rate in their (or the given) Sales Department."""
	member = frappe.qb.DocType("Sales Department Member")
	query = (
		frappe.qb.from_(member)
		.select(member.commission_rate)
		.where((member.user == user) & (member.parenttype == "Sales Department") & (member.is_active == 1))
		.orderby(member.creation)
		.limit(1)
	)
	if department:
		query = query.where(member.parent == department)
	rows = query.run()
	if not rows and department:
		return member_rate(user)
	return flt(rows[0][0]) if rows else 0.0


def department_policy(department: str | None) -> tuple[str, list[tuple[float, float]]]:
	"""The department's commission basis and its tiers ``(min_achievement, rate)``."""
	if not department:
		return rules.CONTRACT_AMOUNT, []
	basis = frappe.db.get_value("Sales Department", department, "commission_basis") or rules.CONTRACT_AMOUNT
	tiers = frappe.get_all(
		"Sales Commission Tier",
		filters={"parent": department, "parenttype": "Sales Department", "parentfield": "commission_tiers"},
		fields=["min_achievement", "commission_rate"],
		order_by="min_achievement asc",
	)
	return basis, [(flt(t.min_achievement), flt(t.commission_rate)) for t in tiers]


# --- figures -------------------------------------------------------------------------------------


def collected_amounts(contracts: Iterable[str], base: bool = True) -> dict[str, float]:
	"""What customers have paid per contract (its submitted receivables' received amounts), in company
	currency (``base``) or in the contract's currency."""
	contracts = sorted({c for c in contracts if c})
	if not contracts:
		return {}
	receivable = frappe.qb.DocType("Sales Receivable")
	amount = receivable.received_amount * receivable.exchange_rate if base else receivable.received_amount
	rows = (
		frappe.qb.from_(receivable)
		.select(receivable.sales_contract, Sum(amount))
		.where(receivable.sales_contract.isin(contracts) & (receivable.docstatus == 1))
		.groupby(receivable.sales_contract)
		.run()
	)
	return {contract: flt(total, 2) for contract, total in rows}


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
	"""The signed contract's Basic commission for its salesperson, submitted (accrued) at once."""
	if not contract.sales_person:
		return None
	existing = basic_commissions(contract.name)
	if existing:
		return existing[0]
	department = contract.sales_department or department_of(contract.sales_person)
	basis, _tiers = department_policy(department)
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
			"commission_basis": basis,
			"commission_rate": rules.basic_rate(
				contract.commission_rate, member_rate(contract.sales_person, department)
			),
		}
	)
	doc.flags.ignore_permissions = True  # the salesperson signs; the system accrues on their behalf
	doc.insert()
	doc.submit()
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
	alone and reported under ``skipped``.
	"""
	_require_role(GENERATORS, _("Generating salesperson commissions"))
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

	scope = managed_sales_people()
	contracts = defaultdict(list)
	for row in signed_contracts(from_date, to_date):
		if scope is None or row.sales_person in scope:
			contracts[row.sales_person].append(row)
	targets = plan_targets(list(contracts), from_date, to_date)

	result = {"created": [], "updated": [], "skipped": []}
	for person, rows in contracts.items():
		existing = frappe.get_all(
			SPC,
			filters={
				"sales_person": person,
				"commission_type": commission_type,
				"from_date": from_date,
				"to_date": to_date,
				"docstatus": ["<", 2],
			},
			fields=["name", "docstatus"],
			order_by="docstatus desc, creation asc",
		)
		if existing and existing[0].docstatus == 1:
			result["skipped"].append(existing[0].name)
			continue
		doc = frappe.get_doc(SPC, existing[0].name, for_update=True) if existing else frappe.new_doc(SPC)
		department = department_of(person) or rows[0].sales_department
		basis, tiers = department_policy(department)
		target = rules.target_for_period(targets.get(person, []), from_date, to_date)
		actual = sum(flt(row.base_grand_total) for row in rows)
		achievement = rules.achievement(actual, target) if target is not None else None
		doc.update(
			{
				"commission_name": _("{0} commission {1} – {2}").format(
					_(commission_type), from_date, to_date
				),
				"commission_type": commission_type,
				"sales_person": person,
				"sales_department": department,
				"commission_date": to_date,
				"from_date": from_date,
				"to_date": to_date,
				"currency": company_currency(),
				"commission_basis": basis,
				"target_amount": target or 0,
				"achievement": achievement or 0,
				"commission_rate": rules.period_rate(tiers, achievement, member_rate(person, department)),
			}
		)
		doc.set(
			"contracts",
			[
				{
					"sales_contract": row.name,
					"contract_type": row.contract_type,
					"contract_amount": row.base_grand_total,
				}
				for row in rows
			],
		)
		doc.flags.ignore_permissions = True  # the caller's role was checked above
		doc.save()
		result["updated" if existing else "created"].append(doc.name)
	return result


def managed_sales_people() -> set[str] | None:
	"""Whose commissions the user may generate: everyone (``None``) for finance, else the members of the
	departments the Sales Manager manages."""
	if {"Accounts User", "System Manager"} & set(frappe.get_roles()):
		return None
	departments = frappe.get_all("Sales Department", filters={"manager": frappe.session.user}, pluck="name")
	if not departments:
		return set()
	return set(
		frappe.get_all(
			"Sales Department Member",
			filters={"parent": ["in", departments], "parenttype": "Sales Department"},
			pluck="user",
		)
	)


def run_monthly_commission_job() -> None:
	"""Scheduler (monthly): draft the previous month's Monthly commissions, when switched on."""
	if not get_settings().enable_monthly_commission_job:
		return
	start, end = rules.previous_month(getdate(today()))
	generate_salesperson_commissions("Monthly", start, end)


# --- collections ---------------------------------------------------------------------------------


def update_collected_commissions(contracts: Iterable[str]) -> None:
	"""A receipt was submitted or cancelled: move the Collected Amount commissions of its contracts and
	the customer commissions' paid amounts."""
	contracts = sorted({c for c in contracts if c})
	if not contracts:
		return
	commission = frappe.qb.DocType(SPC)
	detail = frappe.qb.DocType("Salesperson Commission Detail")
	open_collected = (commission.docstatus < 2) & (commission.commission_basis == rules.COLLECTED_AMOUNT)
	basic = (
		frappe.qb.from_(commission)
		.select(commission.name)
		.where(open_collected & commission.sales_contract.isin(contracts))
	)
	periodic = (
		frappe.qb.from_(detail)
		.join(commission)
		.on(commission.name == detail.parent)
		.select(commission.name)
		.where(open_collected & (detail.parenttype == SPC) & detail.sales_contract.isin(contracts))
	)
	names = set(basic.run(pluck=True)) | set(periodic.run(pluck=True))
	for name in sorted(names):  # in name order, so that concurrent receipts lock in the same order
		frappe.get_doc(SPC, name, for_update=True).update_collected()

	for name in frappe.get_all(
		"Customer Commission", filters={"sales_contract": ["in", contracts]}, pluck="name", order_by="name"
	):
		frappe.get_doc("Customer Commission", name, for_update=True).update_customer_paid()


# --- payouts -------------------------------------------------------------------------------------


def pay_salesperson_commissions(names: list[str]) -> list[dict]:
	"""Pay the outstanding amount of each accrued commission; already paid ones are reported as such."""
	_require_role(PAYERS, _("Paying salesperson commissions"))
	if not names:
		frappe.throw(_("Choose at least one commission to pay"))
	result = []
	for name in sorted(set(names)):
		if not frappe.db.exists(SPC, name):
			frappe.throw(_("Salesperson Commission {0} not found").format(name), frappe.DoesNotExistError)
		doc = frappe.get_doc(SPC, name, for_update=True)
		doc.check_permission("write")
		if doc.docstatus != 1:
			throw(doc, _("only an accrued (submitted) commission can be paid"), "status")
		due = rules.outstanding(doc.accrued_amount, doc.paid_amount)
		if due > 0:
			doc.paid_amount = flt(doc.paid_amount) + due
			doc.save()
		result.append(
			{"name": doc.name, "paid": max(due, 0), "paid_amount": doc.paid_amount, "status": doc.status}
		)
	return result
