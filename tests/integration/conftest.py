"""Integration layer: a real site on the bench, every test rolled back.

With no bench the whole layer is skipped with one loud line; the unit layer still runs.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchsite


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
