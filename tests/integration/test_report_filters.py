"""The reports' shared filters: one definition (sales_crm/public/js/report_filters.js), included by Frappe
when it serves each report's script, so the desk gets them with no build step."""

import json
import shutil
import subprocess

import frappe
import pytest
from frappe.desk.query_report import get_script

SHARED = "sales_crm/public/js/report_filters.js"
FILTERS = {
	"Approvals Inbox": ["sales_department", "sales_person"],
	"Customer Commission Summary": [
		"from_date",
		"to_date",
		"status",
		"customer",
		"sales_department",
		"sales_person",
	],
	"Customer Value Analysis": [
		"from_date",
		"to_date",
		"customer",
		"sales_department",
		"sales_person",
		"top",
	],
	"Lead Source Effectiveness": ["from_date", "to_date", "lead_source", "sales_department", "sales_person"],
	"Opportunity Pipeline": [
		"from_date",
		"to_date",
		"sales_method",
		"opportunity_kind",
		"customer",
		"sales_department",
		"sales_person",
	],
	"Quotation Win Rate": ["from_date", "to_date", "customer", "sales_department", "sales_person"],
	"Receivable Ageing": [
		"report_date",
		"group_by",
		"age_by",
		"from_date",
		"to_date",
		"customer",
		"sales_department",
		"sales_person",
		"top",
	],
	"Sales Funnel Conversion": ["from_date", "to_date", "group_by", "sales_department", "sales_person"],
	"Sales Plan Achievement": [
		"sales_plan",
		"from_date",
		"to_date",
		"sales_department",
		"sales_person",
		"period",
		"product",
	],
	"Customer Site Purchases": [
		"from_date",
		"to_date",
		"customer",
		"sales_department",
		"sales_person",
		"top",
	],
	"Sales Pipeline Forecast": [
		"from_date",
		"to_date",
		"sales_department",
		"sales_person",
		"group_by",
		"weighting",
	],
	"Customer Lifetime Value": [
		"level",
		"sales_department",
		"sales_person",
		"rfm_segment",
		"churn_risk",
		"top",
	],
	"Customer Retention": [
		"period_type",
		"period",
		"customer",
		"sales_department",
		"sales_person",
		"per_site",
		"category",
		"top",
	],
	"Follow-up Activity": ["from_date", "to_date", "sales_department", "sales_person"],
	"Loss Reason Analysis": [
		"from_date",
		"to_date",
		"lead_source",
		"opportunity_kind",
		"sales_department",
		"sales_person",
	],
	"Opportunities Without Follow-up": [
		"days",
		"opportunity_kind",
		"customer",
		"sales_department",
		"sales_person",
		"top",
	],
	"Salesperson Commission Summary": [
		"from_date",
		"to_date",
		"commission_type",
		"sales_department",
		"sales_person",
	],
	"Customer Credit Balance": ["from_date", "to_date", "customer", "sales_department", "sales_person"],
	"Collection Plan vs Actual": ["from_date", "to_date", "customer", "sales_department", "sales_person"],
}
# a desk stand-in: just what the report scripts call while they are defined
STUB = """
globalThis.__ = (text, args) => (args || []).reduce((t, a, i) => t.replace(`{${i}}`, a), text);
globalThis.sales_crm = {};
globalThis.frappe = {
	provide() {},
	query_reports: {},
	datetime: {
		year_start: () => "2026-01-01",
		year_end: () => "2026-12-31",
		get_today: () => "2026-11-30",
		month_start: () => "2026-11-01",
		add_months: (date, months) => (date === "2026-11-01" && months === 6 ? "2027-05-01" : null),
		add_days: (date, days) => (date === "2027-05-01" && days === -1 ? "2027-04-30" : null),
	},
};
"""
PRINT = """
const [report] = Object.values(frappe.query_reports);
console.log(JSON.stringify(report.filters.map((f) => [f.fieldname, f.label, f.fieldtype, f.options || null, f.default || null])));
"""


def test_every_report_is_covered():
	assert sorted(frappe.get_all("Report", filters={"module": "Sales CRM"}, pluck="name")) == sorted(FILTERS)


@pytest.mark.parametrize("report", sorted(FILTERS))
def test_the_served_script_carries_the_shared_filters(report, tmp_path):
	node = shutil.which("node")
	assert node, "Node.js runs the served report script"
	script = get_script(report)["script"]
	assert "{% include" not in script
	assert script.count("sales_crm.report_filters = {") == 1  # the definition, included once

	path = tmp_path / "report.js"
	path.write_text(STUB + script + PRINT)
	run = subprocess.run([node, str(path)], capture_output=True, text=True, timeout=60)
	assert run.returncode == 0, run.stderr
	filters = json.loads(run.stdout)
	assert [f[0] for f in filters] == FILTERS[report]
	by_name = {f[0]: f for f in filters}
	if report == "Sales Pipeline Forecast":  # looks ahead: this month and the five after it
		assert by_name["from_date"][2:] == ["Date", None, "2026-11-01"]
		assert by_name["to_date"][2:] == ["Date", None, "2027-04-30"]
	elif "from_date" in by_name:
		assert by_name["from_date"][2:] == ["Date", None, "2026-01-01"]
		assert by_name["to_date"][2:] == ["Date", None, "2026-12-31"]
	assert by_name["sales_department"][1:4] == ["Sales Department", "Link", "Sales Department"]
	assert by_name["sales_person"][1:4] == ["Sales Person", "Link", "User"]
	if "customer" in by_name:
		assert by_name["customer"][1:4] == ["Customer", "Link", "Sales Customer"]


def test_no_report_repeats_the_shared_filters():
	from pathlib import Path

	reports = Path(frappe.get_app_path("sales_crm", "sales_crm", "report"))
	for js in sorted(reports.glob("*/*.js")):
		text = js.read_text()
		assert f'// {{% include "{SHARED}" %}}' in text, js.name
		for fieldname in (
			"from_date",
			"to_date",
			"customer",
			"sales_department",
			"sales_person",
			"lead_source",
			"opportunity_kind",
		):
			assert f'fieldname: "{fieldname}"' not in text, (js.name, fieldname)
