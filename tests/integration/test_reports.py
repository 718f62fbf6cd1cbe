"""The analyses (FLOW.md "Analyses") on a small hand-built world whose figures are worked out by hand.

Two salespeople of one department; every report is run through ``frappe.desk.query_report.run`` as the
user who reads it, so the row scope (a Sales User sees only their own figures) is part of what is tested.

S1 (team.sales):
  L1 Marketing Campaign → O1 (10 × 100) → Q1 accepted 1000 → C1 → order 1000, invoiced
      A 600 (invoice today-60, due today-45), B 300 (invoice today-10, no due date), D 100 (due today+10);
      receipt today-5 pays A 500 and B 100
  L3 800 Hotline, Lost
  L4 Marketing Campaign → O3 (3 × 100) → Q3 rejected 300; O3 stays open at Quotation
S2 (team.other_sales):
  L2 800 Hotline → O2 (4 × 50) → Q2 accepted 200 → C2 → order 200, invoice C 200 (invoice today-50,
      due today-40) paid in full by a receipt today-5
  O4 (no lead) 500 expected, open at Needs Tracking
"""

import random

import frappe
import pytest
from factories import deliver_all, make_customer, make_product, sales_team, sent_statements
from frappe.desk.query_report import run
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, get_first_day, get_last_day, getdate, random_string

from sales_crm import api
from sales_crm.flows import leads
from sales_crm.flows.commissions import pay_salesperson_commissions

REPORTS = (
	"Sales Funnel Conversion",
	"Receivable Ageing",
	"Salesperson Commission Summary",
	"Customer Commission Summary",
	"Lead Source Effectiveness",
	"Opportunity Pipeline",
	"Quotation Win Rate",
	"Customer Value Analysis",
)


def today(days: int = 0):
	return add_days(getdate(), days)


def make_lead(sales_person, department, source):
	return frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": f"Report Co {random_string(8)}",
			"lead_source": source,
			"origin": "Direct Entry",
			"contact_name": "Han Meimei",
			"phone": f"+86-21-{random.randint(10000000, 99999999)}",
			"sales_person": sales_person,
			"sales_department": department,
		}
	).insert()


def opportunity_from_lead(lead, product, qty, rate):
	opportunity = frappe.get_doc("Sales Opportunity", leads.convert_lead(lead.name))
	opportunity.append("items", {"product": product, "qty": qty, "rate": rate})
	opportunity.save()
	return opportunity


def quotation_for(opportunity, decision):
	quotation = frappe.get_doc(api.make_quotation(opportunity.name))
	quotation.tax_rate = 0
	quotation.insert()
	quotation = apply_workflow(quotation, "Approve")
	return apply_workflow(frappe.get_doc("Sales Quotation", quotation.name), decision)


def order_for(quotation):
	contract = frappe.get_doc(api.make_contract(quotation.name))
	contract.insert()
	contract.submit()
	# its Basic commission is drafted for approval: approved here (Salesperson Commission Workflow)
	for name in frappe.get_all(
		"Salesperson Commission", filters={"sales_contract": contract.name, "docstatus": 0}, pluck="name"
	):
		frappe.get_doc("Salesperson Commission", name).submit()
	order = frappe.get_doc(api.make_order(contract.name))
	order.insert()
	order.submit()
	return contract, order


def invoice(order, number, invoice_date, amount, due_date):
	deliver_all(order.name)
	return api.invoice_order(order.name, f"{number}-{random_string(5)}", str(invoice_date), amount, due_date)


def pay(order, amounts: dict, receipt_date):
	receipt = frappe.get_doc(api.make_receipt(order.name))
	receipt.receipt_date = receipt_date
	receipt.allocations = [a for a in receipt.allocations if a.sales_receivable in amounts]
	for row in receipt.allocations:
		row.allocated_amount = amounts[row.sales_receivable]
	receipt.insert()
	receipt.submit()
	return receipt


def customer_commission(contract, rate):
	return frappe.get_doc(
		{
			"doctype": "Customer Commission",
			"commission_name": f"Rebate {contract.name}",
			"sales_contract": contract.name,
			"commission_basis": "Sales Amount",
			"commission_rate": rate,
			"from_date": str(today(-30)),
			"to_date": str(today()),
		}
	).insert()


@pytest.fixture
def world():
	team = sales_team()
	frappe.db.set_value("Sales Department", team.department, "commission_basis", "Contract Amount")
	s1, s2 = team.sales, team.other_sales
	product = make_product(standard_rate=100).name
	w = frappe._dict(team=team, s1=s1, s2=s2)

	l1 = make_lead(s1, team.department, "Marketing Campaign")
	o1 = opportunity_from_lead(l1, product, 10, 100)
	q1 = quotation_for(o1, "Customer Accepted")
	c1, order1 = order_for(q1)
	a = invoice(order1, "A", today(-60), 600, str(today(-45)))
	b = invoice(order1, "B", today(-10), 300, None)
	frappe.db.set_value("Sales Receivable", b, "due_date", None)
	d = invoice(order1, "D", today(-1), 100, str(today(10)))
	pay(order1, {a: 500, b: 100}, today(-5))

	l3 = make_lead(s1, team.department, "800 Hotline")
	frappe.db.set_value("Sales Lead", l3.name, {"status": "Lost", "lost_reason": "No budget"})
	l4 = make_lead(s1, team.department, "Marketing Campaign")
	o3 = opportunity_from_lead(l4, product, 3, 100)
	quotation_for(o3, "Customer Rejected")

	l2 = make_lead(s2, team.department, "800 Hotline")
	o2 = opportunity_from_lead(l2, product, 4, 50)
	q2 = quotation_for(o2, "Customer Accepted")
	c2, order2 = order_for(q2)
	c = invoice(order2, "C", today(-50), 200, str(today(-40)))
	pay(order2, {c: 200}, today(-5))

	o4 = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": "Direct deal",
			"customer": make_customer().name,
			"sales_person": s2,
			"sales_department": team.department,
			"expected_revenue": 500,
		}
	).insert()
	# O3 spent four days tracking needs before its quotation
	first = frappe.get_all(
		"Sales Opportunity Stage", filters={"parent": o3.name, "stage": "Needs Tracking"}, pluck="name"
	)[0]
	frappe.db.set_value(
		"Sales Opportunity Stage",
		first,
		{"entered_on": f"{today(-20)} 00:00:00", "left_on": f"{today(-16)} 00:00:00"},
	)

	customer_commission(c1, 5)
	second = customer_commission(c2, 10)
	frappe.db.set_value(
		"Customer Commission", second.name, {"status": "Executing", "commission_paid_amount": 5}
	)

	w.update(
		o1=o1,
		o2=o2,
		o3=o3,
		o4=o4,
		c1=c1,
		c2=c2,
		order1=order1,
		order2=order2,
		a=a,
		b=b,
		c=c,
		d=d,
		x1=l1.reload().customer,
		x2=l2.reload().customer,
		department=team.department,
	)
	return w


def report(name, user="Administrator", **filters):
	frappe.set_user(user)
	try:
		result = run(name, filters)
	finally:
		frappe.set_user("Administrator")
	rows = [row for row in result["result"] if isinstance(row, dict)]
	return frappe._dict(rows=rows, chart=result.get("chart"), summary=result.get("report_summary"))


def by(rows, key):
	return {row[key]: row for row in rows}


def past_year() -> dict:
	return {"from_date": str(today(-365)), "to_date": str(today(1))}


# ---------------------------------------------------------------- every report, empty and shaped


def test_reports_on_an_empty_selection():
	team = sales_team()
	for name in REPORTS:
		result = report(name, team.sales, sales_person=team.sales, **past_year())
		numbers = [
			v
			for row in result.rows
			for k, v in row.items()
			if isinstance(v, int | float) and k != "stage_probability"
		]
		assert not any(numbers), (name, result.rows)  # a pipeline still lists its stages, with zeros
		assert isinstance(result.summary, list) and result.summary, name
		assert all({"value", "label", "datatype", "indicator"} <= set(s) for s in result.summary), name


def test_reports_shape(world):
	for name in REPORTS:
		result = report(name, **past_year())
		assert result.rows, name
		assert result.chart and result.chart["data"]["labels"] and result.chart["data"]["datasets"], name
		module = frappe.get_module(f"sales_crm.sales_crm.report.{frappe.scrub(name)}.{frappe.scrub(name)}")
		group_by = "customer" if name == "Receivable Ageing" else "sales_person"
		takes_filters = module.get_columns.__code__.co_argcount
		columns = (
			module.get_columns(frappe._dict(group_by=group_by)) if takes_filters else module.get_columns()
		)
		fieldnames = {c["fieldname"] for c in columns}
		for row in result.rows:
			assert set(row) <= fieldnames, (name, set(row) - fieldnames)


# ---------------------------------------------------------------- the figures


def test_funnel_by_salesperson(world):
	rows = by(report("Sales Funnel Conversion", group_by="sales_person", **past_year()).rows, "group")
	s1, s2 = rows[world.s1], rows[world.s2]
	assert (s1["lead_count"], s1["opportunity_count"], s1["opportunity_amount"]) == (3, 2, 1300)
	assert (s1["quotation_count"], s1["quotation_amount"], s1["contract_count"]) == (2, 1300, 1)
	assert (s1["order_count"], s1["order_amount"], s1["collected_count"]) == (1, 1000, 0)
	assert s1["lead_to_opportunity"] == pytest.approx(66.67)
	assert (s1["quotation_to_contract"], s1["order_to_collected"]) == (50, 0)
	assert (s2["lead_count"], s2["opportunity_count"], s2["opportunity_amount"]) == (1, 2, 700)
	assert (s2["order_count"], s2["collected_count"], s2["collected_amount"]) == (1, 1, 200)
	assert s2["lead_to_opportunity"] == 200  # the direct opportunity O4 came from no lead
	# counts are whole numbers in the answer, the collected ones (summed in SQL) too
	assert all(
		type(row[f"{stage}_count"]) is int for row in rows.values() for stage in ("order", "collected")
	)


def test_funnel_by_month_adds_up_to_the_figures_by_salesperson(world):
	"""By month, the stages dated by day are added up from their figures per salesperson and day: every
	count and amount of the scope, once, as by salesperson; the counts whole numbers."""
	fields = [
		f"{stage}_count" for stage in ("lead", "opportunity", "quotation", "contract", "order", "collected")
	]
	fields += [f"{stage}_amount" for stage in ("opportunity", "quotation", "contract", "order", "collected")]

	def totals(group_by, user="Administrator"):
		rows = report(
			"Sales Funnel Conversion",
			user,
			group_by=group_by,
			sales_department=world.department,
			**past_year(),
		).rows
		assert all(type(row[f]) is int for row in rows for f in fields if f.endswith("_count"))
		return {f: round(sum(row[f] for row in rows), 2) for f in fields}

	by_month = totals("month")
	assert by_month == totals("sales_person")
	assert by_month["order_count"] >= 2 and by_month["quotation_amount"] > 0 and by_month["contract_count"]
	# a salesperson's months hold their own records only, as their row by salesperson does
	mine = totals("month", world.s1)
	assert mine == totals("sales_person", world.s1) and mine["order_count"] < by_month["order_count"]


def funnel_by_source(world) -> dict:
	"""The department's funnel per lead source, by group."""
	report_rows = report(
		"Sales Funnel Conversion", group_by="lead_source", **past_year(), sales_department=world.department
	).rows
	return by(report_rows, "group")


def test_funnel_by_lead_source_and_restricted_view(world):
	rows = funnel_by_source(world)
	campaign, hotline = rows["Marketing Campaign"], rows["800 Hotline"]
	assert (campaign["lead_count"], campaign["opportunity_count"], campaign["contract_count"]) == (2, 2, 1)
	assert (hotline["lead_count"], hotline["order_count"], hotline["collected_amount"]) == (2, 1, 200)
	assert rows["Not Set"]["opportunity_amount"] == 500

	# S1 sees only S1's records, whatever they ask for
	mine = report("Sales Funnel Conversion", world.s1, group_by="sales_person", **past_year())
	assert [row["group"] for row in mine.rows] == [world.s1]
	other = report(
		"Sales Funnel Conversion", world.s1, group_by="sales_person", sales_person=world.s2, **past_year()
	)
	assert not other.rows
	assert mine.summary[0]["value"] == 3


def test_every_deal_carries_its_lead_source_and_follows_a_change_of_it(world):
	"""An opportunity carries its lead's source, its quotations, contracts and orders the opportunity's
	(chain.ATTRIBUTION); a change of the lead's source reaches them all, submitted ones too, and the funnel
	per source follows. A deal without a lead has none, and no client sets one."""
	deals = {
		"Sales Opportunity": [world.o1.name],
		"Sales Quotation": frappe.get_all("Sales Quotation", {"opportunity": world.o1.name}, pluck="name"),
		"Sales Contract": [world.c1.name],
		"Customer Order": [world.order1.name],
	}

	def sources():
		return {
			(doctype, name): frappe.db.get_value(doctype, name, "lead_source")
			for doctype, names in deals.items()
			for name in names
		}

	assert len(sources()) == 4 and set(sources().values()) == {"Marketing Campaign"}
	assert frappe.db.get_value("Sales Opportunity", world.o4.name, "lead_source") is None

	before = funnel_by_source(world)
	lead = frappe.get_doc("Sales Lead", frappe.db.get_value("Sales Opportunity", world.o1.name, "sales_lead"))
	lead.lead_source = "Customer Referral"
	lead.save()
	assert set(sources().values()) == {"Customer Referral"}
	after = funnel_by_source(world)
	assert (
		after["Customer Referral"]["order_count"] == 1 and after["Customer Referral"]["contract_count"] == 1
	)
	assert after["Marketing Campaign"]["contract_count"] == before["Marketing Campaign"]["contract_count"] - 1

	# typed by a client: refused, on a deal with a lead and on one without
	for doctype, name in (("Sales Opportunity", world.o1.name), ("Sales Opportunity", world.o4.name)):
		doc = frappe.get_doc(doctype, name)
		doc.lead_source = "800 Hotline"
		with pytest.raises(frappe.ValidationError, match=r"lead_source|Lead Source"):
			doc.save()
	assert frappe.db.get_value("Sales Opportunity", world.o4.name, "lead_source") is None
	assert set(sources().values()) == {"Customer Referral"}

	# a site from before (the patch) or rows inserted past the controllers (the demo): filled set-based
	from sales_crm import chain

	for doctype, names in deals.items():
		frappe.db.sql(f"update `tab{doctype}` set lead_source = null where name in %(n)s", {"n": names})
	chain.fill_attribution()
	assert set(sources().values()) == {"Customer Referral"}
	assert frappe.db.get_value("Sales Opportunity", world.o4.name, "lead_source") is None


def test_receivable_ageing(world):
	rows = by(
		report("Receivable Ageing", group_by="customer", report_date=str(today()), **past_year()).rows,
		"party",
	)
	x1 = rows[world.x1]
	assert x1["outstanding_amount"] == 400  # A 100 + B 200 + D 100
	assert (x1["not_due"], x1["range_0_30"], x1["range_31_60"], x1["range_61_90"], x1["range_90_above"]) == (
		100,
		200,  # B, without a due date, aged by its invoice date (10 days)
		100,  # A, 45 days past due
		0,
		0,
	)
	assert (x1["receivables"], x1["collected_in_period"]) == (3, 600)
	# X2 paid everything: no ageing row (it read Invoiced 0 beside the 200 it paid)
	assert world.x2 not in rows
	assert all(row["total_amount"] >= row["outstanding_amount"] > 0 for row in rows.values()), rows

	# as of the day before the receipts: nothing collected yet on those receivables
	earlier = by(
		report("Receivable Ageing", group_by="sales_person", report_date=str(today(-6)), **past_year()).rows,
		"party",
	)
	s1, s2 = earlier[world.s1], earlier[world.s2]
	# D (invoiced yesterday) did not exist yet
	assert (s1["outstanding_amount"], s1["range_31_60"], s1["range_0_30"], s1["not_due"]) == (
		900,
		600,
		300,
		0,
	)
	assert (s2["outstanding_amount"], s2["range_31_60"]) == (200, 200)  # 34 days past due


def test_receivable_ageing_per_salesperson_reads_whole_months_from_the_kept_figures(world):
	"""Per salesperson, what the period collected is read for its whole months from the monthly figures kept
	per salesperson (Sales Person Month) when the user sees every receipt, and from the receipts otherwise
	(the manager) or for the days of a part month: the same figures either way."""
	paid_on = today(-5)
	month = {"from_date": str(get_first_day(paid_on)), "to_date": str(get_last_day(paid_on))}
	longer = {
		"from_date": str(add_days(get_first_day(paid_on), -3)),
		"to_date": str(add_days(get_last_day(paid_on), 3)),
	}

	def collected(user, period):
		out = []
		sent = sent_statements(
			lambda: out.extend(
				report(
					"Receivable Ageing", user, group_by="sales_person", report_date=str(today(-6)), **period
				).rows
			)
		)
		reads = (
			any("from `tabsales person month`" in s.lower() for s in sent),
			any("from `tabsales receipt` force index" in s.lower() for s in sent),
		)
		return {row["party"]: row["collected_in_period"] for row in out}, reads

	for period, reads in ((month, (True, False)), (longer, (True, True))):
		figures, read = collected("Administrator", period)
		assert (figures[world.s1], figures[world.s2], read) == (600, 200, reads), period
		figures, read = collected(world.team.manager, period)
		assert (figures[world.s1], figures[world.s2], read) == (600, 200, (False, True)), period


def test_receivable_ageing_manager_sees_the_department(world):
	rows = report(
		"Receivable Ageing",
		world.team.manager,
		group_by="sales_person",
		report_date=str(today(-6)),  # when both still owed
		**past_year(),
	).rows
	assert {row["party"] for row in rows} == {world.s1, world.s2}
	customers = report("Customer Commission Summary", world.team.manager, **past_year()).rows
	assert {row["customer"] for row in customers} == {world.x1, world.x2}


def test_receivable_ageing_restricted(world):
	# as of the day before S2's customer paid: S2 owed its 200 then
	rows = report(
		"Receivable Ageing", world.s2, group_by="sales_person", report_date=str(today(-6)), **past_year()
	).rows
	assert [row["party"] for row in rows] == [world.s2]
	assert rows[0]["collected_in_period"] == 200 and rows[0]["outstanding_amount"] == 200
	# paid since: nothing of S2 (nor anyone else's) is aged today
	assert not report(
		"Receivable Ageing", world.s2, group_by="sales_person", report_date=str(today()), **past_year()
	).rows


def test_receivable_ageing_lists_the_top_owing_and_sums_every_one(world):
	def ageing(top, group_by):
		frappe.set_user(world.team.manager)
		try:
			return run(
				"Receivable Ageing",
				{"group_by": group_by, "report_date": str(today(-6)), "top": top, **past_year()},
			)
		finally:
			frappe.set_user("Administrator")

	# as of the day before the receipts the department owed 900 (S1's customer X1) and 200 (S2's X2)
	for group_by, most, least in (("sales_person", world.s1, world.s2), ("customer", world.x1, world.x2)):
		both, one = ageing(2, group_by), ageing(1, group_by)
		assert [row["party"] for row in both["result"]] == [most, least]
		assert not both["message"]
		assert [row["party"] for row in one["result"]] == [most]
		assert one["message"] and "1" in one["message"]
		for result in (both, one):
			summary = {card["label"]: card["value"] for card in result["report_summary"]}
			assert (summary["Outstanding"], summary["Past Due"], summary["Open Receivables"]) == (
				1100,
				1100,
				3,
			)
			assert sum(result["chart"]["data"]["datasets"][0]["values"]) == 1100
	refused = ageing("all", "customer")
	assert not refused["result"] and "Top must be a whole number" in refused["message"]


def test_salesperson_commission_summary(world):
	basic = frappe.get_all(
		"Salesperson Commission", filters={"sales_contract": world.c2.name, "docstatus": 1}, pluck="name"
	)
	pay_salesperson_commissions(basic)
	period = {"from_date": str(today(-1)), "to_date": str(today(1))}
	rows = {
		(r["sales_person"], r["commission_type"]): r
		for r in report("Salesperson Commission Summary", **period).rows
	}
	s1, s2 = rows[(world.s1, "Basic")], rows[(world.s2, "Basic")]
	assert (s1["base_amount"], s1["accrued_amount"], s1["paid_amount"], s1["outstanding_amount"]) == (
		1000,
		20,
		0,
		20,
	)
	assert (s2["base_amount"], s2["accrued_amount"], s2["paid_amount"], s2["outstanding_amount"]) == (
		200,
		4,
		4,
		0,
	)
	mine = report("Salesperson Commission Summary", world.s1, **period).rows
	assert [r["sales_person"] for r in mine] == [world.s1]
	# the column names the salespeople of its rows (the desk shows the name; the rows keep the e-mail)
	frappe.set_user(world.s1)
	try:
		columns = run("Salesperson Commission Summary", period)["columns"]
	finally:
		frappe.set_user("Administrator")
	person = next(c for c in columns if c["fieldname"] == "sales_person")
	assert person["link_titles"] == {world.s1: frappe.db.get_value("User", world.s1, "full_name")}


def test_customer_commission_summary(world):
	rows = {
		(r["customer"], r["status"]): r for r in report("Customer Commission Summary", **past_year()).rows
	}
	one, two = rows[(world.x1, "Drafting")], rows[(world.x2, "Executing")]
	assert (one["sales_amount"], one["customer_paid_amount"], one["commission_amount"]) == (1000, 600, 50)
	assert (two["commission_amount"], two["commission_paid_amount"], two["commission_outstanding"]) == (
		20,
		5,
		15,
	)
	mine = report("Customer Commission Summary", world.s2, **past_year()).rows
	assert [r["customer"] for r in mine] == [world.x2]


def test_lead_source_effectiveness(world):
	rows = by(
		report("Lead Source Effectiveness", **past_year(), sales_department=world.department).rows,
		"lead_source",
	)
	campaign, hotline = rows["Marketing Campaign"], rows["800 Hotline"]
	assert (campaign["leads"], campaign["converted"], campaign["lost"], campaign["conversion_rate"]) == (
		2,
		2,
		0,
		100,
	)
	assert (campaign["won_opportunities"], campaign["won_revenue"]) == (1, 1000)
	assert (hotline["leads"], hotline["converted"], hotline["lost"], hotline["conversion_rate"]) == (
		2,
		1,
		1,
		50,
	)
	assert (hotline["won_opportunities"], hotline["won_revenue"]) == (1, 200)
	assert campaign["avg_cycle_days"] < 0.1  # converted within the test
	mine = by(report("Lead Source Effectiveness", world.s2, **past_year()).rows, "lead_source")
	assert set(mine) == {"800 Hotline"} and mine["800 Hotline"]["won_revenue"] == 200


def test_opportunity_pipeline(world):
	rows = by(
		report("Opportunity Pipeline", **past_year(), sales_department=world.department).rows, "sales_stage"
	)
	assert list(rows) == ["Needs Tracking", "Solution Design", "Quotation", "Contract Signing"]
	tracking, quoting = rows["Needs Tracking"], rows["Quotation"]
	assert (tracking["opportunities"], tracking["open_amount"], tracking["weighted_amount"]) == (1, 500, 100)
	assert (quoting["opportunities"], quoting["open_amount"], quoting["weighted_amount"]) == (1, 300, 180)
	assert rows["Contract Signing"]["opportunities"] == 0  # O1 and O2 are won, not open
	# Needs Tracking stays: O3 four days, O1, O2 and O4 (still there) a moment each
	assert tracking["avg_days_in_stage"] == pytest.approx(1.0, abs=0.05)
	mine = by(report("Opportunity Pipeline", world.s1, **past_year()).rows, "sales_stage")
	assert mine["Needs Tracking"]["opportunities"] == 0 and mine["Quotation"]["opportunities"] == 1


def test_quotation_win_rate(world):
	rows = by(
		report("Quotation Win Rate", **past_year(), sales_department=world.department).rows, "sales_person"
	)
	s1, s2 = rows[world.s1], rows[world.s2]
	assert (s1["quotations"], s1["accepted_count"], s1["accepted_amount"]) == (2, 1, 1000)
	assert (s1["rejected_count"], s1["rejected_amount"], s1["win_rate"], s1["approved_total"]) == (
		1,
		300,
		50,
		2,
	)
	assert (s2["quotations"], s2["win_rate"], s2["approval_rate"]) == (1, 100, 100)
	assert s1["avg_approval_hours"] < 0.1
	assert list(by(report("Quotation Win Rate", world.s2, **past_year()).rows, "sales_person")) == [world.s2]


def test_customer_value_analysis(world):
	result = report("Customer Value Analysis", **past_year(), sales_department=world.department)
	rows = by(result.rows, "customer")
	# the chart's months add up to the rows: every order and receipt of the scope, once
	orders, collections = (dataset["values"] for dataset in result.chart["data"]["datasets"])
	assert sum(orders) == pytest.approx(sum(row["order_amount"] for row in rows.values()))
	assert sum(collections) == pytest.approx(sum(row["collected_amount"] for row in rows.values()))
	assert sum(orders) > 0 and sum(collections) > 0
	x1, x2 = rows[world.x1], rows[world.x2]
	assert (x1["orders"], x1["order_amount"], x1["collected_amount"]) == (1, 1000, 600)
	assert x1["avg_days_to_pay"] == pytest.approx(46.7)  # (500 × 55 + 100 × 5) / 600
	assert str(x1["last_order_date"]) == str(world.order1.order_date)
	assert (x2["orders"], x2["collected_amount"], x2["avg_days_to_pay"]) == (1, 200, 45)
	assert x1["orders_per_month"] == pytest.approx(1 / (367 / 30.4375), abs=0.01)
	assert set(by(report("Customer Value Analysis", world.s1, **past_year()).rows, "customer")) == {world.x1}


def test_customer_value_analysis_lists_the_top_and_sums_every_customer(world):
	def analysis(top):
		return run(
			"Customer Value Analysis", {"top": top, "sales_department": world.department, **past_year()}
		)

	full, one = analysis(500), analysis(1)
	rows = [row for row in full["result"] if isinstance(row, dict)]
	assert {world.x1, world.x2} <= {row["customer"] for row in rows} and not full["message"]
	ordering = [row["order_amount"] for row in rows if row["orders"]]
	assert ordering == sorted(ordering, reverse=True) and ordering[0] > 0
	assert [row["customer"] for row in one["result"]] == [rows[0]["customer"]]
	assert one["message"] and "1" in one["message"]
	# the summary and the chart count every customer, listed or not
	assert one["report_summary"] == full["report_summary"] and one["chart"] == full["chart"]
	summary = {card["label"]: card["value"] for card in full["report_summary"]}
	assert summary["Order Amount"] == pytest.approx(sum(row["order_amount"] for row in rows))
	assert summary["Collected"] == pytest.approx(sum(row["collected_amount"] for row in rows))
	# every receipt's allocations weighed together: X1's 600 at 46.7 days, X2's 200 at 45
	assert summary["Avg Days to Pay"] == pytest.approx((500 * 55 + 100 * 5 + 200 * 45) / 800, abs=0.05)


def test_customer_site_purchases_lists_the_top_customers_sites_and_counts_every_customer(world):
	def purchases(top):
		result = run(
			"Customer Site Purchases", {"top": top, "sales_department": world.department, **past_year()}
		)
		return result, [row for row in result["result"] if isinstance(row, dict)]

	(full, rows), (one, first) = purchases(500), purchases(1)
	customers = list(dict.fromkeys(row["customer"] for row in rows))
	assert {world.x1, world.x2} <= set(customers) and not full["message"]
	amounts = [sum(row["order_amount"] for row in rows if row["customer"] == c) for c in customers]
	assert amounts == sorted(amounts, reverse=True)  # the customers of highest order amount first
	assert {row["customer"] for row in first} == {customers[0]} and one["message"]
	assert first == [row for row in rows if row["customer"] == customers[0]]
	summary = {card["label"]: card["value"] for card in full["report_summary"]}
	assert one["report_summary"] == full["report_summary"]
	assert summary["Customers"] == len(customers)
	assert summary["Order Amount"] == pytest.approx(sum(amounts))
	assert summary["Sites"] == sum(1 for row in rows if row["customer_address"] != "Not Set")


def test_each_receipt_keeps_its_days_to_pay_and_the_patch_fills_them(world):
	"""The days to pay the report sums are kept on each receipt when it is saved; the patch computes the
	same figures for receipts saved before they were kept."""
	from sales_crm.patches.v1 import keep_days_to_pay_on_receipts

	fields = ["total_allocated_amount", "allocated_days", "days_to_pay"]
	names = frappe.get_all(
		"Sales Receipt", filters={"customer": world.x1, "docstatus": 1}, pluck="name", order_by="name"
	)
	kept = {name: frappe.db.get_value("Sales Receipt", name, fields) for name in names}
	# one receipt of two rows: 500 paid 55 days after its invoice, 100 paid 5 days after its
	assert list(kept.values()) == [(600, 500 * 55 + 100 * 5, 46.7)]
	frappe.db.sql(
		"""update `tabSales Receipt` set total_allocated_amount = 0, allocated_days = 0, days_to_pay = 0
		where name in %(names)s""",
		{"names": names},
	)
	try:
		keep_days_to_pay_on_receipts.fill(names[0], names[-1])
		assert {name: frappe.db.get_value("Sales Receipt", name, fields) for name in names} == kept
	finally:
		frappe.db.rollback()


def test_a_customer_the_user_may_not_read_keeps_its_name_hidden(world):
	"""``customer_names`` (Receivable Ageing, Customer Value Analysis) names a listed customer only where the
	user's list shows that customer."""
	from sales_crm.reporting import customer_names

	names = {c: frappe.db.get_value("Sales Customer", c, "customer_name") for c in (world.x1, world.x2)}
	assert all(names.values())
	assert customer_names([world.x1, world.x2]) == names
	frappe.set_user(world.s1)  # x2 is the other salesperson's customer
	try:
		assert customer_names([world.x1, world.x2]) == {world.x1: names[world.x1]}
	finally:
		frappe.set_user("Administrator")


def test_the_approvals_inbox_names_customers_and_salespeople_in_one_read(world):
	"""A director's inbox names each waiting quotation's customer and salesperson; the customers' names are
	one statement, and the salespeople's another, however many records wait."""
	product = make_product(standard_rate=100).name
	waiting = []
	for person in (world.s1, world.s2):
		lead = make_lead(person, world.department, "Marketing Campaign")
		quotation = frappe.get_doc(api.make_quotation(opportunity_from_lead(lead, product, 2, 100).name))
		quotation.tax_rate = 0
		waiting.append(quotation.insert())
	found = {}
	statements = sent_statements(lambda: found.update(report("Approvals Inbox", world.team.director)))
	rows = by(found["rows"], "document")
	for quotation in waiting:
		row = rows[quotation.name]
		assert row["customer_name"] == frappe.db.get_value(
			"Sales Customer", quotation.customer, "customer_name"
		)
		assert row["sales_person_name"] == frappe.utils.get_fullname(quotation.sales_person)
	assert len([q for q in statements if "from `tabsales customer`" in q.lower()]) == 1, statements
	assert len([q for q in statements if "full_name" in q and "from `tabuser`" in q.lower()]) == 1, statements


def test_the_scope_reads_a_table_s_own_rows_in_place(world):
	"""``visible`` on the DocType's own table gives the list's conditions as they are (read from the row or a
	covering index); on an alias, a subquery. Both keep the rows the user's list shows, no more."""
	from sales_crm.reporting import visible

	order, aliased = frappe.qb.DocType("Customer Order"), frappe.qb.DocType("Customer Order").as_("o")
	frappe.set_user(world.s1)
	try:
		direct, through = visible(order, "Customer Order"), visible(aliased, "Customer Order")
		assert "select" not in direct.get_sql() and "select" in through.get_sql()
		listed = set(frappe.get_list("Customer Order", pluck="name", limit_page_length=0))
		assert set(frappe.qb.from_(order).select(order.name).where(direct).run(pluck=True)) == listed
		assert set(frappe.qb.from_(aliased).select(aliased.name).where(through).run(pluck=True)) == listed
		everyone = frappe.db.count("Customer Order")
	finally:
		frappe.set_user("Administrator")
	assert 0 < len(listed) < everyone


def test_customer_names_are_read_in_bounded_slices(world):
	from sales_crm.reporting import customer_names

	# 1,000 names that match none sort before the two real ones and 1,500 after: the real ones are read
	# only if the second of three statements (of at most 1,000 names each) is
	before, after = [f"0 none {k:05}" for k in range(1000)], [f"~ none {k:05}" for k in range(1500)]
	assert max(before) < min(world.x1, world.x2) and max(world.x1, world.x2) < min(after)
	names = customer_names([*after, world.x1, *before, world.x2])
	assert names == {
		world.x1: frappe.db.get_value("Sales Customer", world.x1, "customer_name"),
		world.x2: frappe.db.get_value("Sales Customer", world.x2, "customer_name"),
	}
	assert customer_names([]) == {} and customer_names(None) == {}


def test_number_card_methods(world):
	from sales_crm.reporting import overdue_receivables, weighted_pipeline

	frappe.set_user(world.s1)
	try:
		assert weighted_pipeline()["value"] == pytest.approx(180)  # O3 only
		assert overdue_receivables()["value"] == pytest.approx(300)  # A 100 + B 200
	finally:
		frappe.set_user("Administrator")


# ---------------------------------------------------------------- the demo dataset


def test_demo_data_keeps_the_invariants():
	from sales_crm.demo import make_demo

	counts = make_demo(200, seed=20261127, commit=False)
	assert counts["Sales Lead"] == 200 and counts["Sales Opportunity"] and counts["Sales Receipt"]
	prefix = "DEMO20261127-%"

	def one(sql):
		return frappe.db.sql(sql, {"prefix": prefix})

	# receivable total = received + write-off + outstanding, never negative
	assert not one(
		"""select name from `tabSales Receivable` where name like %(prefix)s and (outstanding_amount < 0
		or abs(total_amount - received_amount - write_off_amount - outstanding_amount) > 0.005
		or abs(base_outstanding_amount - round(outstanding_amount * exchange_rate, 2)) > 0.005)"""
	)
	# invoiced = the order's receivables, never above its grand total
	assert not one(
		"""select o.name from `tabCustomer Order` o left join (select customer_order, sum(total_amount) total
		from `tabSales Receivable` where docstatus = 1 group by customer_order) r on r.customer_order = o.name
		where o.name like %(prefix)s and (abs(o.invoiced_amount - coalesce(r.total, 0)) > 0.005
		or o.invoiced_amount > o.grand_total + 0.005)"""
	)
	# a receivable's received and written-off amounts are its receipts' and offsets' allocations (submitted
	# rows: a row carries its parent's docstatus)
	assert not one(
		"""select ar.name from `tabSales Receivable` ar left join (select a.sales_receivable,
		sum(a.allocated_amount) allocated, sum(a.write_off_amount) written_off from `tabSales Receipt Allocation` a
		where a.docstatus = 1 group by a.sales_receivable) x
		on x.sales_receivable = ar.name where ar.name like %(prefix)s
		and (abs(ar.received_amount - coalesce(x.allocated, 0)) > 0.005
		or abs(ar.write_off_amount - coalesce(x.written_off, 0)) > 0.005)"""
	)
	# a receipt's money is its allocations
	assert not one(
		"""select r.name from `tabSales Receipt` r join (select parent, sum(allocated_amount) allocated
		from `tabSales Receipt Allocation` group by parent) a on a.parent = r.name
		where r.name like %(prefix)s and abs(r.paid_amount - a.allocated) > 0.005"""
	)
	# totals are their items'; the stage is the last of the stage history
	for doctype in ("Sales Quotation", "Sales Contract", "Customer Order"):
		assert not one(
			f"""select d.name from `tab{doctype}` d join (select parent, sum(amount) net from `tab{doctype} Item`
			group by parent) i on i.parent = d.name where d.name like %(prefix)s
			and (abs(d.net_total - i.net) > 0.005 or abs(d.grand_total - d.net_total - d.tax_amount) > 0.005)"""
		), doctype
	assert not one(
		"""select o.name from `tabSales Opportunity` o join `tabSales Opportunity Stage` h on h.parent = o.name
		and h.idx = (select max(idx) from `tabSales Opportunity Stage` where parent = o.name)
		where o.name like %(prefix)s and h.stage != o.sales_stage"""
	)
	# every source and status shows up
	assert set(
		frappe.get_all("Sales Lead", {"name": ("like", prefix)}, pluck="lead_source", distinct=True)
	) == {
		"Marketing Campaign",
		"Employee Referral",
		"800 Hotline",
		"Advertising Response",
		"Customer Referral",
	}
	assert set(frappe.get_all("Sales Lead", {"name": ("like", prefix)}, pluck="status", distinct=True)) == {
		"Unassigned",
		"Assigned",
		"Converted",
		"Lost",
	}
	for name in REPORTS:
		assert run(name, {"from_date": "2000-01-01", "to_date": "2100-12-31"})["result"], name
	# the contracts' payment plans (回款计划) are as the chain keeps them, and the plan views have rows
	plans_of_the_demo_are_the_chains(prefix, counts)
	for filters in ({"age_by": "plan"}, {"age_by": "plan", "group_by": "sales_person"}):
		assert run("Receivable Ageing", {"report_date": today(), **filters})["result"], filters
	assert run("Collection Plan vs Actual", {"from_date": "2000-01-01", "to_date": "2100-12-31"})["result"]


def plans_of_the_demo_are_the_chains(prefix: str, counts: dict) -> None:
	"""Every demo contract has its type's template's plan; its lines add up and settle what it collected
	(``invariants.plan_violations``); the chain settling them again changes nothing; a line waits undated
	exactly when its event has not happened; the payment terms are the plan in words."""
	from invariants import plan_violations

	from sales_crm.demo import PLAN_TEMPLATES
	from sales_crm.flows import collections

	contracts = frappe.get_all(
		"Sales Contract",
		{"name": ("like", prefix), "docstatus": 1},
		["name", "contract_type", "payment_terms_template", "signed_on", "collected_amount", "per_ordered"],
	)
	assert contracts and counts["Sales Payment Plan Line"] > len(contracts)
	assert plan_violations() == []
	fields = [
		"name",
		"idx",
		"due_rule",
		"days",
		"due_date",
		"received_amount",
		"outstanding_amount",
		"status",
	]

	def lines():
		return frappe.get_all(
			"Sales Payment Plan Line",
			{"parent": ("like", prefix), "parenttype": "Sales Contract"},
			fields,
			order_by="name",
		)

	stored = lines()
	names = [c.name for c in contracts]
	collections.refresh_plans("Sales Contract", names)
	assert lines() == stored
	by_contract = {}
	for line in stored:
		by_contract.setdefault(line.name.rsplit("-PL", 1)[0], []).append(line)
	terms = {t: len(collections.template_terms(t)) for t in set(PLAN_TEMPLATES.values())}
	statuses = set()
	for contract in contracts:
		plan = by_contract[contract.name]
		assert contract.payment_terms_template == PLAN_TEMPLATES[contract.contract_type]
		assert len(plan) == terms[contract.payment_terms_template], contract.name
		for line in plan:
			statuses.add(line.status)
			if line.due_rule == "Days After Signing":
				assert line.due_date == add_days(contract.signed_on, line.days), line
			elif not contract.per_ordered:
				assert line.due_date is None, line  # no order: nothing delivered or invoiced yet
			elif line.due_date:
				assert line.due_date >= add_days(contract.signed_on, line.days), line
	assert {"Received", "Planned"} <= statuses
	assert any(line.due_rule != "Days After Signing" and line.due_date for line in stored)
	doc = frappe.get_doc("Sales Contract", contracts[0].name)
	assert doc.payment_terms == collections.describe(doc)


def test_a_reports_rounding_is_frappes_for_every_value_and_method(monkeypatch):
	"""``reporting.rounder`` skips ``flt``'s arithmetic for a sum already at the cent: the same figure
	``flt`` gives, for database Decimals and floats alike, under every rounding method of the site."""
	from decimal import Decimal

	from frappe.utils import flt

	from sales_crm import reporting

	values = [
		Decimal("123.450000000"),
		Decimal("2.675000000"),
		Decimal("0.125"),
		Decimal("-1.005"),
		Decimal("99999999.995"),
		Decimal("1E+3"),
		Decimal("0"),
		1.005,
		2.675,
		0.125,
		-37212.31,
		10,
		0,
		None,
	]
	for method in ("Banker's Rounding (legacy)", "Banker's Rounding", "Commercial Rounding"):
		monkeypatch.setattr(frappe, "get_system_settings", lambda key, method=method: method)
		money = reporting.rounder(2)
		for value in values:
			expected = flt(value, 2, method)
			assert money(value) == expected and type(money(value)) is type(expected), (method, value)
