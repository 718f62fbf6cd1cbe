"""Salesperson commissions (Basic on signing, periodic, tiered, collected basis, payouts) and the customer
commission workflow, as the users who do each step. Every figure is computed by hand in the test."""

import frappe
import pytest
from factories import deliver_all, sales_team, selling_doc
from frappe.model.workflow import apply_workflow

from sales_crm import api

SPC = "Salesperson Commission"


@pytest.fixture
def team():
	return sales_team()


def as_user(user):
	frappe.set_user(user)


def sign_contract(
	sales_person, qty, rate, signed_on="2026-03-10", tax_rate=0, commission_rate=0, approve=True
):
	"""A contract of ``qty × rate`` (plus tax) signed (submitted) by the salesperson on ``signed_on``."""
	as_user("Administrator")  # products and customers are masters the salesperson does not create
	contract = selling_doc(
		"Sales Contract",
		[{"qty": qty, "price_list_rate": rate}],
		sales_person=sales_person,
		tax_rate=tax_rate,
		signed_on=signed_on,
		commission_rate=commission_rate,
	)
	contract = frappe.get_doc("Sales Contract", contract.name)
	if contract.needs_approval:
		# a rate other than the department's policy: the director approves it before the signature
		as_user(sales_person)
		contract = apply_workflow(contract, "Request Approval")
		as_user("Administrator")
		contract = apply_workflow(contract, "Approve")
	as_user(sales_person)
	contract = frappe.get_doc("Sales Contract", contract.name)
	contract.submit()
	if approve:
		# its Basic commission is drafted; the manager approves it (Salesperson Commission Workflow)
		as_user("Administrator")
		for name in frappe.get_all(
			SPC, filters={"sales_contract": contract.name, "docstatus": 0}, pluck="name"
		):
			apply_workflow(frappe.get_doc(SPC, name), "Approve")
		as_user(sales_person)
	return contract


def basic_of(contract) -> frappe._dict:
	names = frappe.get_all(
		SPC, filters={"commission_type": "Basic", "sales_contract": contract.name}, pluck="name"
	)
	assert len(names) == 1, names
	return frappe.get_doc(SPC, names[0])


def figures(doc):
	return (doc.base_amount, doc.commission_rate, doc.accrued_amount, doc.paid_amount, doc.outstanding_amount)


def set_department(team, **values):
	as_user("Administrator")
	department = frappe.get_doc("Sales Department", team.department)
	department.update(values)
	department.save()


def test_basic_commission_on_signing_and_its_cancellation(team):
	# 10 × 100 plus 13 % tax = 1,130.00; the contract's own 3 % → 33.90
	contract = sign_contract(team.sales, 10, 100, tax_rate=13, commission_rate=3)
	assert contract.grand_total == 1130
	commission = basic_of(contract)
	assert (commission.docstatus, commission.status, commission.sales_person) == (1, "Accrued", team.sales)
	assert (commission.contract_amount, commission.commission_basis, commission.sales_department) == (
		1130,
		"Contract Amount",
		team.department,
	)
	assert figures(commission) == (1130, 3, 33.9, 0, 33.9)

	# no contract rate: the salesperson's department rate (2 %) → 1,130.00 × 2 % = 22.60
	other = sign_contract(team.other_sales, 10, 100, tax_rate=13)
	assert figures(basic_of(other)) == (1130, 2, 22.6, 0, 22.6)

	# cancelling the contract cancels its commission
	as_user("Administrator")
	frappe.get_doc("Sales Contract", other.name).cancel()
	assert frappe.db.get_value(SPC, basic_of(other).name, ["docstatus", "status"]) == (2, "Cancelled")

	# … but not once the commission is paid: the error names the commission
	as_user(team.accounts)
	commission.paid_amount = 10
	commission.save()
	as_user("Administrator")
	with pytest.raises(frappe.ValidationError, match=commission.name):
		frappe.get_doc("Sales Contract", contract.name).cancel()


def test_payout_statuses_and_overpayment_refused(team):
	first = basic_of(sign_contract(team.sales, 10, 100, tax_rate=13, commission_rate=3))  # 33.90
	second = basic_of(sign_contract(team.sales, 5, 100, commission_rate=2))  # 500 × 2 % = 10.00

	# a salesperson cannot pay themselves
	with pytest.raises(frappe.PermissionError):
		api.pay_salesperson_commissions(first.name)

	as_user(team.accounts)
	first.paid_amount = 33.91
	with pytest.raises(frappe.ValidationError, match="Paid Amount"):
		first.save()
	first.reload()
	first.paid_amount = 10
	first.save()
	assert (first.status, first.outstanding_amount) == ("Partly Paid", 23.9)

	# the list view's "Pay Selected": each one's outstanding amount
	result = api.pay_salesperson_commissions(frappe.as_json([first.name, second.name]))
	assert sorted((r["name"], r["paid"], r["status"]) for r in result) == sorted(
		[(first.name, 23.9, "Paid"), (second.name, 10, "Paid")]
	)
	first.reload()
	assert figures(first) == (1130, 3, 33.9, 33.9, 0) and first.status == "Paid"
	# paying again pays nothing
	assert api.pay_salesperson_commissions(first.name) == [
		{"name": first.name, "paid": 0, "paid_amount": 33.9, "status": "Paid"}
	]


def test_monthly_commissions_generated_once_per_salesperson(team):
	a = sign_contract(team.sales, 1, 1000, signed_on="2026-03-05")
	b = sign_contract(team.sales, 1, 2500, signed_on="2026-03-20")
	c = sign_contract(team.other_sales, 1, 2000, signed_on="2026-03-31")
	sign_contract(team.sales, 1, 9999, signed_on="2026-04-01")  # another month

	with pytest.raises(frappe.PermissionError):
		api.generate_salesperson_commissions("Monthly", "2026-03-01", "2026-03-31")

	# another department's manager generates nothing for this department's salespeople
	as_user("Administrator")
	stranger = sales_team()
	as_user(stranger.manager)
	theirs = api.generate_salesperson_commissions("Monthly", "2026-03-01", "2026-03-31")
	assert theirs == {"created": [], "updated": [], "skipped": [], "not_in_policy": []}

	as_user(team.manager)
	result = api.generate_salesperson_commissions("Monthly", "2026-03-01", "2026-03-31")
	ours = {
		frappe.db.get_value(SPC, name, "sales_person"): name
		for name in result["created"]
		if frappe.db.get_value(SPC, name, "sales_person") in (team.sales, team.other_sales)
	}
	assert set(ours) == {team.sales, team.other_sales}

	mine = frappe.get_doc(SPC, ours[team.sales])
	assert (mine.commission_type, str(mine.from_date), str(mine.to_date), mine.docstatus) == (
		"Monthly",
		"2026-03-01",
		"2026-03-31",
		0,
	)
	assert [(r.sales_contract, r.contract_amount, r.commission_amount) for r in mine.contracts] == [
		(a.name, 1000, 20),
		(b.name, 2500, 50),
	]
	# no tiers: the department rate, 2 % of 3,500.00
	assert (mine.contract_amount, mine.status) == (3500, "Draft")
	assert figures(mine) == (3500, 2, 70, 0, 70)
	other = frappe.get_doc(SPC, ours[team.other_sales])
	assert [r.sales_contract for r in other.contracts] == [c.name] and other.accrued_amount == 40

	# a rerun updates the drafts instead of duplicating them
	again = api.generate_salesperson_commissions("Monthly", "2026-03-01", "2026-03-31")
	assert {ours[team.sales], ours[team.other_sales]} <= set(again["updated"])
	assert not {ours[team.sales], ours[team.other_sales]} & set(again["created"])
	count = frappe.db.count(SPC, {"sales_person": team.sales, "commission_type": "Monthly"})
	assert count == 1

	# approval is the manager's (finance pays, it does not approve); once approved, a rerun leaves it alone
	as_user(team.accounts)
	with pytest.raises(frappe.PermissionError, match="Approving"):
		frappe.get_doc(SPC, ours[team.sales]).submit()
	as_user(team.manager)
	frappe.get_doc(SPC, ours[team.sales]).submit()
	as_user(team.manager)
	third = api.generate_salesperson_commissions("Monthly", "2026-03-01", "2026-03-31")
	assert ours[team.sales] in third["skipped"]
	assert frappe.db.get_value(SPC, ours[team.sales], ["status", "accrued_amount"]) == ("Accrued", 70)


def test_tiered_rate_chosen_by_plan_achievement(team):
	set_department(
		team,
		commission_tiers=[
			{"min_achievement": 0, "commission_rate": 0},
			{"min_achievement": 80, "commission_rate": 2},
			{"min_achievement": 100, "commission_rate": 3},
		],
	)
	as_user(team.manager)
	plan = frappe.get_doc(
		{
			"doctype": "Sales Plan",
			"plan_name": "2026 monthly",
			"fiscal_year": "2026",
			"period_type": "Monthly",
			"sales_department": team.department,
			"targets": [
				{"sales_person": team.sales, "period": "2026-03", "target_order_amount": 4000},
				{"sales_person": team.other_sales, "period": "2026-03", "target_order_amount": 1000},
				{"sales_person": team.other_sales, "period": "2026-04", "target_order_amount": 1000},
			],
		}
	).insert()
	plan.submit()

	sign_contract(team.sales, 1, 1000, signed_on="2026-03-05")
	sign_contract(team.sales, 1, 2500, signed_on="2026-03-20")
	sign_contract(team.other_sales, 1, 1200, signed_on="2026-03-15")
	sign_contract(team.other_sales, 1, 700, signed_on="2026-04-15")

	as_user(team.accounts)
	march = api.generate_salesperson_commissions("Monthly", "2026-03-01", "2026-03-31")["created"]
	april = api.generate_salesperson_commissions("Monthly", "2026-04-01", "2026-04-30")["created"]
	by_person = {}
	for name in march + april:
		doc = frappe.get_doc(SPC, name)
		by_person[(doc.sales_person, str(doc.from_date))] = doc

	# 3,500 of 4,000 = 87.5 % → the 80 % tier, 2 % → 70.00
	mine = by_person[(team.sales, "2026-03-01")]
	assert (mine.target_amount, mine.achievement, mine.commission_rate, mine.accrued_amount) == (
		4000,
		87.5,
		2,
		70,
	)
	# 1,200 of 1,000 = 120 % → the 100 % tier, 3 % → 36.00
	theirs = by_person[(team.other_sales, "2026-03-01")]
	assert (theirs.achievement, theirs.commission_rate, theirs.accrued_amount) == (120, 3, 36)
	# 700 of 1,000 = 70 % → below 80 %, 0 %
	low = by_person[(team.other_sales, "2026-04-01")]
	assert (low.achievement, low.commission_rate, low.accrued_amount) == (70, 0, 0)


def receipt_for(receivable, amount, receipt_date="2026-03-25"):
	receipt = frappe.get_doc(api.make_receipt(receivable))
	receipt.receipt_date = receipt_date
	receipt.allocations[0].allocated_amount = amount
	receipt.insert()
	receipt.submit()
	return receipt


def test_collected_basis_follows_receipts_and_their_cancellation(team):
	set_department(team, commission_basis="Collected Amount")
	contract = sign_contract(team.sales, 10, 100, commission_rate=5)  # 1,000.00 at 5 %
	basic = basic_of(contract)
	assert (basic.commission_basis, basic.status) == ("Collected Amount", "Accrued")
	assert figures(basic) == (0, 5, 0, 0, 0)

	# the monthly draft and a customer commission on what the customer pays
	as_user(team.manager)
	(monthly,) = [
		name
		for name in api.generate_salesperson_commissions("Monthly", "2026-03-01", "2026-03-31")["created"]
		if frappe.db.get_value(SPC, name, "sales_person") == team.sales
	]
	as_user(team.sales)
	customer_commission = frappe.get_doc(
		{
			"doctype": "Customer Commission",
			"commission_name": "Agent fee",
			"sales_contract": contract.name,
			"commission_basis": "Paid Amount",
			"commission_rate": 10,
		}
	).insert()
	assert (customer_commission.customer_paid_amount, customer_commission.commission_amount) == (0, 0)

	order = frappe.get_doc(api.make_order(contract.name)).insert()
	order.submit()
	as_user(team.accounts)
	deliver_all(order.name)
	receivable = api.invoice_order(order.name, "INV-C1", "2026-03-15", 1000)

	# 400 collected: Basic 400 × 5 % = 20.00, the monthly draft 400 × 2 % = 8.00, the customer's 10 % = 40.00
	receipt = receipt_for(receivable, 400)
	basic.reload()
	assert figures(basic) == (400, 5, 20, 0, 20)
	monthly_doc = frappe.get_doc(SPC, monthly)
	assert (monthly_doc.base_amount, monthly_doc.accrued_amount, monthly_doc.contracts[0].base_amount) == (
		400,
		8,
		400,
	)
	assert frappe.db.get_value(
		"Customer Commission", customer_commission.name, ["customer_paid_amount", "commission_amount"]
	) == (400, 40)

	# the receipt is cancelled: everything goes back
	receipt.cancel()
	basic.reload()
	assert figures(basic) == (0, 5, 0, 0, 0)
	assert frappe.db.get_value(SPC, monthly, ["base_amount", "accrued_amount"]) == (0, 0)
	assert frappe.db.get_value(
		"Customer Commission", customer_commission.name, ["customer_paid_amount", "commission_amount"]
	) == (0, 0)

	# paid in full, the commission paid out: a cancellation that would take back paid commission is refused
	receipt = receipt_for(receivable, 1000)
	api.pay_salesperson_commissions(basic.name)
	basic.reload()
	assert figures(basic) == (1000, 5, 50, 50, 0) and basic.status == "Paid"
	with pytest.raises(frappe.ValidationError, match=basic.name):
		frappe.get_doc("Sales Receipt", receipt.name).cancel()


def test_customer_commission_workflow(team):
	contract = sign_contract(team.sales, 10, 100, tax_rate=13)  # 1,130.00

	as_user(team.sales)
	doc = frappe.get_doc(
		{
			"doctype": "Customer Commission",
			"commission_name": "Distributor rebate",
			"sales_contract": contract.name,
			"commission_rate": 5,
			"from_date": "2026-03-01",
			"to_date": "2026-12-31",
		}
	)
	doc.insert()
	assert (doc.status, doc.customer, doc.currency, doc.sales_amount, doc.sales_person) == (
		"Drafting",
		contract.customer,
		contract.currency,
		1130,
		team.sales,
	)
	assert doc.commission_amount == 56.5  # 1,130.00 × 5 %

	doc.commission_rate = 120
	with pytest.raises(frappe.ValidationError, match="Commission Rate"):
		doc.save()
	doc.reload()
	doc.from_date = "2027-01-01"
	with pytest.raises(frappe.ValidationError, match="From Date"):
		doc.save()
	doc.reload()

	doc = apply_workflow(doc, "Request Approval")
	assert doc.status == "Under Approval"

	# the salesperson cannot approve, neither by the action nor by writing the status
	with pytest.raises(frappe.ValidationError):
		apply_workflow(frappe.get_doc("Customer Commission", doc.name), "Approve")
	doc = frappe.get_doc("Customer Commission", doc.name)
	doc.status = "Executing"
	with pytest.raises(frappe.ValidationError):
		doc.save()

	as_user(team.director)
	doc = apply_workflow(frappe.get_doc("Customer Commission", doc.name), "Approve")
	assert doc.status == "Executing"

	# finance closes it only once the payment is recorded, and never more than the commission
	as_user(team.accounts)
	with pytest.raises(frappe.ValidationError):
		apply_workflow(frappe.get_doc("Customer Commission", doc.name), "Close")
	doc = frappe.get_doc("Customer Commission", doc.name)
	doc.commission_paid_amount = 56.51
	with pytest.raises(frappe.ValidationError, match="Commission Paid Amount"):
		doc.save()
	doc.reload()
	doc.commission_paid_amount = 56.5
	doc.save()
	doc = apply_workflow(frappe.get_doc("Customer Commission", doc.name), "Close")
	assert (doc.status, doc.commission_paid_amount) == ("Closed", 56.5)


def test_monthly_job_drafts_the_previous_month_when_switched_on(team):
	from frappe.utils import add_months, getdate, today

	from sales_crm.flows.commissions import run_monthly_commission_job
	from sales_crm.rules.commissions import previous_month

	start, end = previous_month(getdate(today()))
	sign_contract(team.sales, 1, 1500, signed_on=str(start))
	sign_contract(team.sales, 1, 900, signed_on=str(add_months(start, -1)))  # the month before: not in it

	as_user("Administrator")
	filters = {"sales_person": team.sales, "commission_type": "Monthly"}
	run_monthly_commission_job()  # off by default
	assert frappe.db.count(SPC, filters) == 0

	settings = frappe.get_single("Sales CRM Settings")
	settings.enable_monthly_commission_job = 1
	settings.save()
	run_monthly_commission_job()
	(name,) = frappe.get_all(SPC, filters=filters, pluck="name")
	doc = frappe.get_doc(SPC, name)
	assert (doc.from_date, doc.to_date, doc.docstatus) == (start, end, 0)
	assert (doc.contract_amount, doc.commission_rate, doc.accrued_amount) == (1500, 2, 30)


def _committed_on_another_connection(post) -> None:
	"""``post`` run and committed on a second connection to the site: another request, as this process's
	open transaction sees it (its snapshot is older)."""
	main = frappe.local.db
	conf = frappe.local.conf
	other = frappe.database.get_db(
		socket=conf.db_socket,
		host=conf.db_host,
		port=conf.db_port,
		user=conf.db_name,
		password=conf.db_password,
		cur_db_name=conf.db_name,
	)
	other.connect()
	frappe.local.db = other
	try:
		post()
		other.commit()
	finally:
		other.close()
		frappe.local.db = main


def test_a_commission_over_two_contracts_sums_what_each_collected_by_then(team):
	"""A monthly commission on collections over contracts A and B: a receipt on B committed by another request
	while this one's snapshot was older is in the commission this one's receipt on A recomputes."""
	set_department(team, commission_basis="Collected Amount")
	contracts = [sign_contract(team.sales, 10, 100) for _ in range(2)]  # 1,000.00 each
	as_user(team.manager)
	(monthly,) = [
		name
		for name in api.generate_salesperson_commissions("Monthly", "2026-03-01", "2026-03-31")["created"]
		if frappe.db.get_value(SPC, name, "sales_person") == team.sales
	]
	receivables = []
	for contract in contracts:
		as_user(team.sales)
		order = frappe.get_doc(api.make_order(contract.name)).insert()
		order.submit()
		as_user(team.accounts)
		deliver_all(order.name)
		receivables.append(api.invoice_order(order.name, f"INV-{order.name}", "2026-03-15", 1000))
	frappe.db.commit()
	frappe.db.rollback()
	# this transaction's snapshot: nothing collected on the monthly commission yet
	assert frappe.db.get_value(SPC, monthly, "base_amount") == 0
	_committed_on_another_connection(lambda: receipt_for(receivables[1], 300))
	receipt_for(receivables[0], 400)
	frappe.db.commit()
	frappe.db.rollback()
	doc = frappe.get_doc(SPC, monthly)
	assert {row.sales_contract: row.base_amount for row in doc.contracts} == {
		contracts[0].name: 400,
		contracts[1].name: 300,
	}
	assert doc.base_amount == 700
