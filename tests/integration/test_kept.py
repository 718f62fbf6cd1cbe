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


KEPT = ("Sales Person Month", "Sales Product Month")


def test_no_sales_or_finance_role_reads_or_writes_the_kept_figures_on_any_path(bench, site):
	"""The kept figures are every salesperson's monthly amounts: no Sales or Accounts role reads them (a
	record, a list, a count, a link search, an export) or writes them (REST, set_value, bulk_update,
	insert_many, savedocs), and what is stored stays."""
	import json

	from frappe.utils import nowdate
	from frappe.utils.password import update_password
	from server import Server

	team = sales_team()  # its own, committed for the server (the module's team is rolled back with its test)
	order(team, make_customer().name, nowdate(), 4321.09)
	users = (team.sales, team.manager, team.director, team.accounts)
	for user in users:
		update_password(user, "Kept-Sales-CRM-2026!")
	frappe.db.commit()
	rows = {doctype: frappe.get_all(doctype, {"sales_person": team.sales}, ["*"])[0] for doctype in KEPT}
	from factories import make_user
	from frappe.utils import random_string

	manager = make_user(f"kept-system-{random_string(5).lower()}@example.com", "System Manager")
	update_password(manager, "Kept-Sales-CRM-2026!")
	frappe.db.commit()
	srv = Server(bench, site, workers=1).start()
	try:
		# the control: a System Manager reads them, on the same paths the others are refused
		c = srv.session(manager, "Kept-Sales-CRM-2026!")
		for doctype, row in rows.items():
			assert row.name in c.http.get(f"{c.base}/api/resource/{doctype}/{row.name}").text
			by_name = json.dumps([[doctype, "name", "=", row.name]])
			assert c.ok("frappe.client.get_count", doctype=doctype, filters=by_name) == 1
		for user in users:
			c = srv.session(user, "Kept-Sales-CRM-2026!")
			for doctype, row in rows.items():
				url = f"{c.base}/api/resource/{doctype}"
				by_name = json.dumps([[doctype, "name", "=", row.name]])
				reads = {
					"list": c.http.get(url, params={"fields": '["*"]'}),
					"record": c.http.get(f"{url}/{row.name}"),
					"get_list": c.call("frappe.client.get_list", doctype=doctype, fields=["*"]),
					"get_value": c.call(
						"frappe.client.get_value", doctype=doctype, filters=row.name, fieldname="*"
					),
					"count": c.call("frappe.client.get_count", doctype=doctype, filters=by_name),
					"list_count": c.call(
						"frappe.desk.reportview.get_count", doctype=doctype, filters=by_name
					),
					"report_view": c.call("frappe.desk.reportview.get", doctype=doctype, fields=["name"]),
					"search": c.call("frappe.desk.search.search_link", doctype=doctype, txt=""),
				}
				for path, r in reads.items():
					learned = r.ok and row.name in r.text
					counted = path.endswith("count") and r.ok and r.json().get("message")
					assert not (learned or counted), (
						f"{user} {path} {doctype}: {r.status_code} {r.text[:300]}"
					)
				writes = {
					"put": c.http.put(f"{url}/{row.name}", json={"month": "2001-01-01"}),
					"set_value": c.call(
						"frappe.client.set_value",
						doctype=doctype,
						name=row.name,
						fieldname="month",
						value="2001-01-01",
					),
					"bulk_update": c.call(
						"frappe.client.bulk_update",
						docs=[{"doctype": doctype, "docname": row.name, "month": "2001-01-01"}],
					),
					"insert_many": c.call(
						"frappe.client.insert_many",
						docs=[{"doctype": doctype, "sales_person": team.sales, "month": "2001-01-01"}],
					),
					"savedocs": c.call(
						"frappe.desk.form.save.savedocs",
						doc={
							**{k: str(v) for k, v in row.items() if v is not None},
							"doctype": doctype,
							"month": "2001-01-01",
						},
						action="Save",
					),
					"delete": c.http.delete(f"{url}/{row.name}"),
				}
				for path, r in writes.items():
					failed = (not r.ok) or (
						path == "bulk_update" and r.json().get("message", {}).get("failed_docs")
					)
					assert failed, f"{user} {path} {doctype}: {r.status_code} {r.text[:300]}"
	finally:
		srv.stop()
	for doctype, row in rows.items():
		assert frappe.get_all(doctype, {"name": row.name}, ["*"])[0] == row
		assert not frappe.db.exists(doctype, {"month": "2001-01-01"})
