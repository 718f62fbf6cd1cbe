"""Reports and their SQL twins count days by the site's date (System Settings → time zone), never by the
database server's or this machine's: a site in Asia/Shanghai is a day ahead of a UTC server for eight hours
of every day, and a twin on the server's date then disagrees with its report by a day."""

import sys
from datetime import datetime, timezone
from pathlib import Path

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate, random_string

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

# UTC+14 and UTC−11: at every hour of the day one of them is on another date than UTC
ZONES = ("Pacific/Kiritimati", "Pacific/Pago_Pago")


@pytest.fixture
def site_on_another_date(monkeypatch):
	"""The site's time zone set to one whose date differs from the database server's (and this process's)."""
	server_today = frappe.db.sql("select curdate()")[0][0]
	settings = frappe.get_cached_doc("System Settings")
	monkeypatch.setattr(frappe.local, "system_settings", settings, raising=False)
	for zone in ZONES:
		monkeypatch.setitem(settings.__dict__, "time_zone", zone)
		if getdate(nowdate()) != server_today:
			break
	site_today = getdate(nowdate())
	assert site_today != server_today, "no zone puts the site on another date than the server"
	assert site_today != datetime.now(timezone.utc).astimezone().date()
	return site_today, server_today


def test_every_twin_agrees_with_its_report_when_the_site_is_on_another_date_than_the_server(
	site_on_another_date,
):
	import reports

	site_today, _server_today = site_on_another_date
	customer = frappe.get_doc({"doctype": "Sales Customer", "customer_name": f"Dateline {random_string(6)}"})
	customer.insert()
	# an opportunity followed up exactly at the report's default cutoff (the site's today − 14 days) and one
	# never followed up: the first is in or out, the second's days counted, by whichever date is "today"
	for days_old, followed in ((30, 14), (20, None)):
		doc = frappe.get_doc(
			{
				"doctype": "Sales Opportunity",
				"opportunity_name": f"Deal {random_string(5)}",
				"customer": customer.name,
			}
		).insert()
		frappe.db.set_value("Sales Opportunity", doc.name, "creation", add_days(site_today, -days_old))
		if followed:
			frappe.get_doc(
				{
					"doctype": "Sales Follow Up",
					"follow_up_type": "Call",
					"outcome": "Asked for a quote",
					"opportunity": doc.name,
					"follow_up_date": add_days(site_today, -followed),
				}
			).insert()
	found = reports.twin_disagreements()
	print(f"site's date {site_today}, server's {site_on_another_date[1]}")
	for name, problems in found.items():
		print(f"  {name}: {problems or 'agrees'}")
	assert {name: problems for name, problems in found.items() if problems} == {}
