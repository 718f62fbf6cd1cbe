"""Integration layer: a real site on the bench, every test rolled back.

With no bench the whole layer is skipped with one loud line; the unit layer still runs.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchsite


def _embedded_site() -> str | None:
	"""The site Frappe's own runner (``bench --site S run-tests --app sales_crm``) connected to, if any."""
	frappe = sys.modules.get("frappe")
	if frappe is None:
		return None
	site = getattr(frappe.local, "site", None)
	return site if site and getattr(frappe.local, "db", None) else None


EMBEDDED_SITE = _embedded_site()
if EMBEDDED_SITE and not os.environ.get("SALES_CRM_BENCH"):
	import frappe

	os.environ["SALES_CRM_BENCH"] = str(Path(frappe.local.sites_path).resolve().parent)


def _skip_reason() -> str | None:
	path = benchsite.bench_path()
	if not benchsite.bench_present(path):
		return f"no Frappe bench at {path}"
	try:
		import frappe
	except ImportError:
		return f"this Python cannot import Frappe; run the README's test command (bash tests/run.sh) to use the bench at {path}"
	return None


SKIP_REASON = _skip_reason()


# Fixtures that start processes against the site (gunicorn, Chromium, RQ workers, bench site commands):
# their tests are marked out_of_process, and `bench run-tests --app sales_crm`
# (sales_crm/tests/test_suite.py) leaves them to `bash tests/run.sh`.
OUT_OF_PROCESS_FIXTURES = {
	"server",
	"race",
	"world",
	"matrix",
	"browser",
	"scratch_site",
	"replica",
	"worker",
}


def pytest_collection_modifyitems(config, items):
	for item in items:
		if OUT_OF_PROCESS_FIXTURES & set(getattr(item, "fixturenames", ())):
			item.add_marker(pytest.mark.out_of_process)


def pytest_terminal_summary(terminalreporter):
	if SKIP_REASON:
		terminalreporter.write_line(f"integration: SKIPPED ({SKIP_REASON})", red=True, bold=True)
	else:
		stats = terminalreporter.stats
		ran = sum(
			1
			for key in ("passed", "failed", "error")
			for report in stats.get(key, [])
			if getattr(report, "when", "call") == "call" and "tests/integration/" in report.nodeid
		)
		terminalreporter.write_line(f"integration: {ran} tests ran against a real site", bold=True)


@pytest.fixture(scope="session")
def bench():
	if SKIP_REASON:
		pytest.skip(SKIP_REASON)
	return benchsite.Bench()


@pytest.fixture(scope="session", autouse=True)
def site(bench, request):
	import frappe

	reporter = request.config.pluginmanager.get_plugin("terminalreporter")

	def log(line):
		if reporter:
			reporter.write_line(line)

	if EMBEDDED_SITE:
		# Frappe's runner owns the connection: use its site as it is, and leave the connection open.
		frappe.set_user("Administrator")
		yield EMBEDDED_SITE
		frappe.db.rollback()
		return

	name = bench.ensure_test_site(log=log)
	os.chdir(bench.sites)  # Frappe resolves its logs and files from sites/, as under bench
	frappe.init(site=name, sites_path=str(bench.sites))
	frappe.connect()
	# Not frappe.flags.in_test: under it Frappe runs enqueued jobs (workflow e-mails with their PDFs) inline,
	# where the real server hands them to a worker; the integration layer behaves like the server.
	frappe.set_user("Administrator")
	yield name
	frappe.db.rollback()
	frappe.destroy()


@pytest.fixture(scope="session", autouse=True)
def users_leave_the_cache_alone(site):
	"""Frappe's ``User.validate`` rewrites a system-wide default (the users whose mail accounts await a
	password), and writing one clears the whole site cache, every DocType's meta included: nine tenths of a
	user's insert and of the reloads after it (the factories and the demo create users in many tests). None
	of these users has a mail account, so the default stays what it was; in this process it is not
	rewritten. Servers, workers and bench commands keep Frappe's path."""
	from unittest import mock

	with mock.patch("frappe.core.doctype.user.user.ask_pass_update"):
		yield


@pytest.fixture(autouse=True)
def rollback(site):
	"""Each test sees the site as installed and leaves nothing behind."""
	import frappe

	frappe.set_user("Administrator")
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.local.message_log = []
	frappe.flags.pop("ignore_permissions", None)


@pytest.fixture(scope="module")
def server(bench, site):
	"""The site served by gunicorn on 127.0.0.1 (two workers) for the module's HTTP tests."""
	from server import Server

	srv = Server(bench, site, workers=2).start()
	yield srv
	srv.stop()


@pytest.fixture
def worker(bench):
	"""A real RQ worker on the ``long`` queue for the test, stopped after it."""
	from server import Worker

	process = Worker(bench, "long").start()
	yield process
	process.stop()
