"""No report raises, whatever its filters: Frappe v15 starts a 15-second timer before a script report runs
and cancels it only when the report returns, so a report that raises would switch itself to "prepared
report" for every user. Every report runs over HTTP with empty and hostile filters; then, past the timer,
no Report has changed. (The app's reports also run without that timer, so that a slow run does not switch
them either: ``reporting.InteractiveReport``.)"""

import json
import time

import frappe
from factories import login_users, make_user
from frappe.utils import random_string

PASSWORD = "Report-Filters-2026!"
HOSTILE_FILTERS = [
	{},
	{"from_date": "not a date", "to_date": "2026-13-45"},
	{"from_date": "2030-01-01", "to_date": "2020-01-01"},
	{"sales_person": ["a", "b"], "sales_department": {"x": 1}},
	{"sales_plan": "NO SUCH PLAN", "period": 2026, "group_by": "'; drop table x; --"},
	{"customer": "<img src=x onerror=alert(1)>", "report_date": "yesterday", "sales_method": 7},
]


def reports() -> list[str]:
	return sorted(frappe.get_all("Report", filters={"module": "Sales CRM"}, pluck="name"))


def test_every_report_answers_every_filter_and_stays_unprepared(server):
	users = login_users(
		"rf", PASSWORD, sales=("Sales User",), director=("Sales User", "Sales Director")
	).values()
	frappe.db.commit()
	names = reports()
	assert len(names) >= 9
	clients = [server.session(user, PASSWORD) for user in users]
	for client in clients:
		for name in names:
			for filters in HOSTILE_FILTERS:
				r = client.call("frappe.desk.query_report.run", report_name=name, filters=json.dumps(filters))
				assert r.status_code == 200, (client.user, name, filters, r.status_code, r.text[:400])
				result = r.json()["message"]
				assert isinstance(result["result"], list)
	time.sleep(17)  # past Frappe's 15-second watcher
	frappe.db.rollback()
	prepared = frappe.get_all("Report", filters={"name": ["in", names], "prepared_report": 1}, pluck="name")
	assert prepared == []


def test_a_sales_crm_report_starts_no_prepared_report_timer_and_others_keep_frappe_s(monkeypatch):
	"""Frappe switches a script report to a prepared report for everyone once one run passes its 15-second
	timer. A Sales CRM report runs without that timer (a slow run after a restart does not switch it); every
	other report keeps it."""
	from frappe.core.doctype.report import report as frappe_report

	from sales_crm.reporting import InteractiveReport

	timers = []

	class Timer:  # Frappe's watcher, noted instead of started
		def __init__(self, interval, function, kwargs):
			timers.append((interval, function.__name__, kwargs["report"]))

		def start(self):
			pass

		def cancel(self):
			pass

	monkeypatch.setattr(frappe_report.threading, "Timer", Timer)
	frappe.set_user("Administrator")
	ours = frappe.get_doc("Report", "Customer Credit Balance")
	assert isinstance(ours, InteractiveReport)
	frappe.cache.hdel("report_execution_time", ours.name)
	columns, rows, *_rest = ours.execute_script_report(frappe._dict())
	assert columns and isinstance(rows, list)
	assert timers == []
	assert frappe.cache.hget("report_execution_time", ours.name) is not None
	theirs = frappe.get_doc("Report", "Database Storage Usage By Tables")
	theirs.execute_script_report(frappe._dict())
	assert timers == [(15, "enable_prepared_report", theirs.name)]


def test_the_patch_clears_what_frappe_s_timer_left_on_the_app_s_reports_only(monkeypatch):
	from sales_crm.patches.v1 import answer_reports_in_the_request

	monkeypatch.setattr(frappe.db, "commit", lambda: None)  # the test's transaction is rolled back after it
	ours, theirs = "Receivable Ageing", "Database Storage Usage By Tables"
	try:
		for name in (ours, theirs):
			frappe.db.set_value("Report", name, "prepared_report", 1, update_modified=False)
		answer_reports_in_the_request.execute()
		assert frappe.db.get_value("Report", ours, "prepared_report") == 0
		assert frappe.db.get_value("Report", theirs, "prepared_report") == 1
	finally:
		frappe.db.rollback()


def test_a_bad_filter_is_the_reports_message():
	from sales_crm.sales_crm.report.receivable_ageing.receivable_ageing import execute

	frappe.set_user("Administrator")
	columns, data, message = execute({"from_date": "2030-01-01", "to_date": "2020-01-01"})[:3]
	assert (columns, data) == ([], []) and "From Date" in message


def test_sales_plan_achievement_without_a_plan_shows_every_visible_plan():
	from sales_crm.sales_crm.report.sales_plan_achievement.sales_plan_achievement import execute

	frappe.set_user("Administrator")
	person = make_user(f"spa-{random_string(6).lower()}@example.com", "Sales User")
	plans = []
	for year, amount in (("2026", 1000), ("2026", 500)):
		plan = frappe.get_doc(
			{
				"doctype": "Sales Plan",
				"plan_name": f"SPA {random_string(5)}",
				"fiscal_year": year,
				"period_type": "Annual",
				"targets": [{"sales_person": person, "period": year, "target_order_amount": amount}],
			}
		).insert()
		plans.append(plan.name)
	result = execute({"sales_person": person, "from_date": "2026-01-01", "to_date": "2026-12-31"})
	rows = result[1]
	assert [(r["sales_person"], r["period"], r["target_order_amount"]) for r in rows] == [
		(person, "2026", 1500)
	]
	assert execute({"sales_person": person, "from_date": "2027-01-01", "to_date": "2027-12-31"})[1] == []
	only_one = execute({"sales_person": person, "sales_plan": plans[0]})[1]
	assert [r["target_order_amount"] for r in only_one] == [1000]
