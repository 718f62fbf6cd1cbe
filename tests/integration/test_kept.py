"""The monthly figures kept as documents are posted (``sales_crm.kept``), read by the reports in place of the
documents: each period, filter and scope gives what the documents give."""

import frappe
import pytest
from factories import make_customer, make_product, sales_team, selling_doc
from invariants import kept_violations

from sales_crm import reporting

CHARTS = (
	("Customer Order", "order_date", "base_grand_total", "order_person_report_index"),
	("Sales Receipt", "receipt_date", "base_paid_amount", "receipt_person_report_index"),
)


@pytest.fixture(scope="module")
def team():
	return sales_team()


def order(team, customer, day, amount):
	frappe.set_user("Administrator")
	product = make_product(standard_rate=amount).name
	doc = selling_doc(
		"Customer Order",
		[{"product": product, "qty": 1, "price_list_rate": amount}],
		customer=customer,
		sales_person=team.sales,
		sales_department=team.department,
		order_date=day,
		tax_rate=0,
	)
	doc.submit()
	return doc


def advance(customer, day, amount):
	frappe.set_user("Administrator")
	doc = frappe.get_doc(
		{
			"doctype": "Sales Receipt",
			"receipt_type": "Advance",
			"customer": customer,
			"currency": "CNY",
			"paid_amount": amount,
			"receipt_date": day,
		}
	).insert()
	doc.submit()
	return doc


def from_documents(doctype, date_field, amount_field, index, filters) -> dict:
	"""What the report read before the figures were kept: every record's day, added up by month."""
	months = {}
	amounts = reporting.monthly_amounts(
		doctype,
		date_field,
		amount_field,
		index,
		lambda table: reporting.scope(table, doctype, filters, date_field),
	)
	for (_person, month), amount in amounts.items():
		months[month] = months.get(month, 0) + (amount or 0)
	return months


def same(a: dict, b: dict) -> bool:
	def clean(months):
		return {month: round(float(amount), 2) for month, amount in months.items() if round(float(amount), 2)}

	return clean(a) == clean(b)


def test_the_kept_months_give_what_the_documents_give_for_every_period_filter_and_scope(team, monkeypatch):
	customer = make_customer(sales_person=team.sales).name
	orders = [
		order(team, customer, "2026-02-27", 100),
		order(team, customer, "2026-03-01", 210.5),
		order(team, customer, "2026-03-31", 99.25),
		order(team, customer, "2026-05-09", 40),
	]
	advance(customer, "2026-03-14", 500)
	advance(customer, "2026-05-11", 75)
	orders[2].reload()
	orders[2].cancel()  # a cancelled order counts nowhere
	assert kept_violations() == []

	kept_reads = []
	read = reporting._kept_months
	monkeypatch.setattr(reporting, "_kept_months", lambda *args: kept_reads.append(args[1:3]) or read(*args))
	periods = [
		("2026-01-01", "2026-12-31"),  # whole months
		("2026-03-15", "2026-05-10"),  # part months at both ends, April whole
		("2026-03-01", "2026-03-31"),  # one whole month
		("2026-03-02", "2026-03-30"),  # within one month: no whole month
		("2025-12-15", "2026-02-27"),  # across a year
	]
	narrower = [
		{},
		{"sales_person": team.sales},
		{"sales_department": team.department},
		{"sales_person": "nobody@example.com"},
	]
	frappe.set_user("Administrator")
	for start, end in periods:
		for extra in narrower:
			filters = frappe._dict({"from_date": start, "to_date": end, **extra})
			for chart in CHARTS:
				kept = reporting.period_months(*chart, filters)
				assert same(kept, from_documents(*chart, filters)), (chart[0], filters, kept)
	assert kept_reads, "the whole months were never read from the kept figures"
	assert ("2026-04-01", "2026-04-30") in {(str(a), str(b)) for a, b in kept_reads}

	# a customer asked for, or a user whose list shows part of the records: the documents alone
	kept_reads.clear()
	filters = frappe._dict({"from_date": "2026-01-01", "to_date": "2026-12-31", "customer": customer})
	for chart in CHARTS:
		assert same(reporting.period_months(*chart, filters), from_documents(*chart, filters))
	frappe.set_user(team.sales)
	filters = frappe._dict({"from_date": "2026-01-01", "to_date": "2026-12-31"})
	for chart in CHARTS:
		assert same(reporting.period_months(*chart, filters), from_documents(*chart, filters))
	assert kept_reads == []

	# the report's chart and summary, as Administrator, over the whole months
	frappe.set_user("Administrator")
	from sales_crm.sales_crm.report.customer_value_analysis.customer_value_analysis import execute

	_columns, _data, _message, chart, _summary = execute(
		{"from_date": "2026-01-01", "to_date": "2026-12-31", "sales_department": team.department}
	)
	values = dict(zip(chart["data"]["labels"], chart["data"]["datasets"][0]["values"], strict=True))
	collected = dict(zip(chart["data"]["labels"], chart["data"]["datasets"][1]["values"], strict=True))
	assert (values["2026-02"], values["2026-03"], values["2026-05"]) == (100, 210.5, 40)
	assert (collected["2026-03"], collected["2026-05"]) == (500, 75)
