"""docs/API.md cannot rot: its walkthrough's bash blocks run verbatim against the test server.

Only the environment variables the document defines are supplied ($BASE_URL, $SITE, the users'
credentials, an Accounts User's API key and secret, a department and a product); the outcomes are
asserted on the printed lines and in the database.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import frappe
import pytest
from factories import make_department, make_product, make_user
from frappe.utils import random_string
from frappe.utils.password import update_password

DOC = Path(__file__).resolve().parents[2] / "docs" / "API.md"
PASSWORD = "Sales-CRM-doc-2026!"


def walkthrough_blocks(text: str) -> list[str]:
	section = text.split("\n## Walkthrough", 1)[1]
	section = re.split(r"\n## ", section, maxsplit=1)[0]
	return re.findall(r"```bash\n(.*?)```", section, flags=re.S)


def test_the_document_names_every_public_method():
	import sales_crm.api

	text = DOC.read_text()
	methods = [
		name
		for name, obj in vars(sales_crm.api).items()
		if callable(obj) and getattr(obj, "__module__", "") == "sales_crm.api" and not name.startswith("_")
	]
	assert methods
	missing = [m for m in methods if f" {m} " not in text and f".{m}" not in text]
	assert not missing, f"docs/API.md does not show: {missing}"
	for needle in (
		"Authorization: token",
		"api/method/login",
		"apply_workflow",
		"frappe.desk.query_report.run",
	):
		assert needle in text


@pytest.fixture(scope="module")
def environment(server):
	from frappe.core.doctype.user.user import generate_keys

	tag = random_string(6).lower()
	users = {
		"SALES": make_user(f"doc-sales-{tag}@example.com", "Sales User"),
		"MANAGER": make_user(f"doc-manager-{tag}@example.com", "Sales User", "Sales Manager"),
		"DIRECTOR": make_user(f"doc-director-{tag}@example.com", "Sales User", "Sales Director"),
	}
	accounts = make_user(f"doc-accounts-{tag}@example.com", "Accounts User")
	env = {"BASE_URL": server.url, "SITE": server.site, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
	for role, user in users.items():
		update_password(user, PASSWORD)
		env[f"{role}_USER"], env[f"{role}_PASSWORD"] = user, PASSWORD
	secret = generate_keys(accounts)["api_secret"]
	env["ACCOUNTS_API_KEY"] = frappe.db.get_value("User", accounts, "api_key")
	env["ACCOUNTS_API_SECRET"] = secret
	env["DEPARTMENT"] = make_department(users["MANAGER"], [users["SALES"]]).name
	env["PRODUCT"] = make_product(standard_rate=100).name
	env["ACCOUNTS_USER"] = accounts
	frappe.db.commit()
	return env


def test_the_walkthrough_runs_verbatim(environment):
	for tool in ("bash", "curl", "jq"):
		if not shutil.which(tool):
			pytest.skip(f"the walkthrough needs {tool} (apt-get install -y {tool})")
	blocks = walkthrough_blocks(DOC.read_text())
	assert len(blocks) >= 5
	script = "\n".join(blocks)
	proc = subprocess.run(
		["bash", "-c", script], env=environment, capture_output=True, text=True, timeout=300, cwd="/tmp"
	)
	out = proc.stdout
	assert proc.returncode == 0, (
		f"exit {proc.returncode}\n--- stdout\n{out}\n--- stderr\n{proc.stderr[-3000:]}"
	)

	lines = out.strip().splitlines()
	assert lines[0] == environment["ACCOUNTS_USER"]
	assert '{"row":0,"status":"created"}' in lines and '{"row":1,"status":"duplicate"}' in lines
	assert re.search(r"^lead LEAD-\S+: Assigned$", out, re.M)
	assert "writing a status: HTTP 417" in lines
	assert re.search(r"^quotation QTN-\S+: Quoting, grand total 1073.5$", out, re.M)
	assert re.search(r"^quotation QTN-\S+: Accepted$", out, re.M)
	assert re.search(r"^contract CON-\S+: Signed$", out, re.M)
	assert re.search(r"^order ORD-\S+: To Invoice$", out, re.M)
	assert re.search(r"^receivable AR-\S+: Paid, outstanding 0(\.0)?$", out, re.M)
	assert re.search(r"^report rows: [1-9]\d*$", out, re.M)

	chain = re.search(r"^chain: (.+)$", out, re.M).group(1).split(" -> ")
	lead, opportunity, quotation, contract, order, receivable, receipt = chain
	frappe.db.rollback()  # see what the server committed
	assert frappe.db.get_value("Sales Lead", lead, ["status", "opportunity"]) == ("Converted", opportunity)
	assert frappe.db.get_value("Sales Quotation", quotation, ["status", "docstatus"]) == ("Accepted", 1)
	assert frappe.db.get_value("Sales Contract", contract, "quotation") == quotation
	assert frappe.db.get_value("Customer Order", order, "sales_contract") == contract
	assert frappe.db.get_value("Sales Receivable", receivable, ["customer_order", "status"]) == (
		order,
		"Paid",
	)
	assert frappe.db.get_value("Sales Receipt", receipt, "docstatus") == 1
	assert frappe.db.get_value("Sales Opportunity", opportunity, "status") == "Won"
