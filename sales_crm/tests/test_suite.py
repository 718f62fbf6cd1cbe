"""``bench --site <site> run-tests --app sales_crm``: the pytest suite, run in-process by Frappe's runner.

The tests live once, in the checkout's ``tests/`` (pytest is the main runner: ``bash tests/run.sh``).
Frappe's runner imports this module; ``load_tests`` hands it one test case that runs the unit layer and
the in-process integration layer (everything not marked ``out_of_process``: those start gunicorn,
Chromium or bench commands) with pytest on the site ``run-tests`` connected to, and reports every pytest
item to Frappe's unittest result as a test of its own, so the runner's "Ran N tests" counts them and a
failing item fails the run.
"""

import os
import unittest
from pathlib import Path

import frappe

CHECKOUT = Path(__file__).resolve().parent.parent.parent
TESTS = CHECKOUT / "tests"


class PytestItem(unittest.TestCase):
	"""Stands for one pytest item in the unittest result; pytest has already run it."""

	def __init__(self, nodeid: str):
		super().__init__("runTest")
		self.nodeid = nodeid

	def runTest(self):  # never called: PytestSession reports the item's outcome
		raise AssertionError("a pytest item runs inside PytestSession")

	def id(self):
		return self.nodeid

	def __str__(self):
		return self.nodeid

	def shortDescription(self):
		return None


class _Reporter:
	"""A pytest plugin: each item's outcome becomes one test in the unittest result."""

	def __init__(self, result: unittest.TestResult):
		self.result = result
		self.cases: dict[str, PytestItem] = {}
		self.ran = 0

	def _case(self, nodeid: str) -> PytestItem:
		if nodeid not in self.cases:
			self.cases[nodeid] = case = PytestItem(nodeid)
			self.result.startTest(case)
		return self.cases[nodeid]

	@staticmethod
	def _err(report):
		error = AssertionError(f"{report.nodeid} ({report.when})\n{report.longreprtext}")
		return (AssertionError, error, None)

	def pytest_runtest_logreport(self, report):
		case = self._case(report.nodeid)
		if report.when == "call":
			if report.passed:
				self.result.addSuccess(case)
			elif report.skipped:
				self.result.addSkip(case, str(report.longrepr[-1]) if report.longrepr else "skipped")
			else:
				self.result.addFailure(case, self._err(report))
		elif report.skipped and report.when == "setup":
			self.result.addSkip(case, str(report.longrepr[-1]) if report.longrepr else "skipped")
		elif report.failed:  # setup or teardown error
			self.result.addError(case, self._err(report))

	def pytest_runtest_logfinish(self, nodeid, location):
		case = self.cases.get(nodeid)
		if case:
			self.ran += 1
			self.result.stopTest(case)

	def pytest_collectreport(self, report):
		if report.failed:
			case = self._case(report.nodeid or "collection")
			self.result.addError(case, self._err(report))
			self.result.stopTest(case)


class PytestSession(unittest.TestCase):
	"""The one test Frappe's runner finds (a TestCase, so that runners that flatten suites into their cases,
	as v16's does, keep it); running it runs pytest and reports each pytest item as a test of its own."""

	def __init__(self, args: list[str] | str = "runTest"):
		super().__init__("runTest")
		self.args = args if isinstance(args, list) else []

	def runTest(self):  # never called: run() is overridden
		raise AssertionError("PytestSession.run runs pytest")

	def id(self):
		return "sales_crm.tests.test_suite.pytest"

	def __str__(self):
		return self.id()

	def run(self, result=None):
		try:
			import pytest
		except ImportError:
			# `bench get-app` installs the app's dependencies, not its test runner's
			case = PytestItem("sales_crm.tests.test_suite")
			result.startTest(case)
			error = ModuleNotFoundError(
				"pytest is not installed in this bench: run `bench setup requirements --dev` (the app's "
				"[tool.bench.dev-dependencies]: pytest, requests, hypothesis, playwright), or "
				"`./env/bin/pip install pytest requests hypothesis`"
			)
			result.addError(case, (ModuleNotFoundError, error, None))
			result.stopTest(case)
			return result

		if not TESTS.is_dir():
			case = PytestItem("sales_crm.tests.test_suite")
			result.startTest(case)
			result.addError(case, self._missing())
			result.stopTest(case)
			return result

		reporter = _Reporter(result)
		args = [*self.args]
		if getattr(result, "failfast", False):
			args.append("-x")
		# The integration conftest uses the site Frappe's runner connected to (see its `site` fixture).
		# Like the pytest run, it behaves as the server does: enqueued jobs go to the queue, not inline.
		in_test, frappe.flags.in_test = frappe.flags.in_test, False
		cwd = os.getcwd()
		try:
			code = pytest.main(args, plugins=[reporter])
		finally:
			os.chdir(cwd)
			frappe.flags.in_test = in_test
			frappe.set_user("Administrator")
		if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not reporter.ran:
			case = PytestItem("pytest session")
			result.startTest(case)
			error = AssertionError(f"pytest ended with {code!r} after {reporter.ran} tests")
			result.addError(case, (AssertionError, error, None))
			result.stopTest(case)
		print(f"\nsales_crm: pytest ran {reporter.ran} tests in-process on {frappe.local.site}")
		return result

	@staticmethod
	def _missing():
		error = FileNotFoundError(
			f"{TESTS} is missing: run-tests needs the app as a checkout of its repository (tests/ included)"
		)
		return (FileNotFoundError, error, None)


def load_tests(loader, standard_tests, pattern):
	"""The unittest protocol Frappe's runner follows (TestLoader.loadTestsFromModule)."""
	return unittest.TestSuite(
		[
			PytestSession(
				[
					str(TESTS / "unit"),
					str(TESTS / "integration"),
					"-m",
					"not out_of_process",
					"-p",
					"no:cacheprovider",
					"-q",
					f"--rootdir={CHECKOUT}",
				]
			)
		]
	)
