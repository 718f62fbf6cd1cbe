"""The layers of the package: the rules and the mining models never import Frappe; hooks.py imports nothing
of the app."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sales_crm"


def imported_modules(path: Path) -> set[str]:
	names = set()
	for node in ast.walk(ast.parse(path.read_text())):
		if isinstance(node, ast.Import):
			names.update(alias.name for alias in node.names)
		elif isinstance(node, ast.ImportFrom) and node.module:
			names.add(node.module)
	return names


def test_rules_do_not_import_frappe():
	offenders = {
		path.name: sorted(m for m in imported_modules(path) if m.split(".")[0] == "frappe")
		for path in (PACKAGE / "rules").glob("*.py")
	}
	assert {name: mods for name, mods in offenders.items() if mods} == {}
	assert len(offenders) >= 8  # pricing, receivables, fulfilment, commissions, plans, analysis, status, …


def test_rules_import_only_rules():
	for path in (PACKAGE / "rules").glob("*.py"):
		own = {m for m in imported_modules(path) if m.startswith("sales_crm")}
		assert all(m.startswith("sales_crm.rules") for m in own), (path.name, own)


def test_hooks_import_nothing():
	assert imported_modules(PACKAGE / "hooks.py") == set()


def test_hooks_lists_agree_with_constants():
	from sales_crm import constants

	namespace: dict = {}
	exec(compile((PACKAGE / "hooks.py").read_text(), "hooks.py", "exec"), namespace)
	fixtures = {entry["dt"]: set(entry["filters"][0][2]) for entry in namespace["fixtures"]}
	assert fixtures["Workflow"] == set(constants.WORKFLOW_NAMES)
	assert fixtures["Workflow State"] == set(constants.WORKFLOW_STATES) - constants.CORE_WORKFLOW_STATES
	assert (
		fixtures["Workflow Action Master"]
		== set(constants.WORKFLOW_ACTIONS) - constants.CORE_WORKFLOW_ACTIONS
	)
	scoped = set(constants.SCOPED) | set(constants.LINK_SCOPED)
	assert set(namespace["has_permission"]) == scoped | {"Sales Department"}
	# "*": child tables, found from the meta (their parents are among the scoped DocTypes)
	assert set(namespace["permission_query_conditions"]) == scoped | {"*", "Sales Department"}
	assert namespace["permission_query_conditions"]["*"] == "sales_crm.permissions.child_query_conditions"
	for doctype in constants.LINK_SCOPED:
		assert namespace["has_permission"][doctype] == "sales_crm.permissions.has_link_permission"


def test_mining_does_not_import_frappe():
	paths = list((PACKAGE / "mining").glob("*.py"))
	assert len(paths) >= 7  # purchases, bgnbd, gamma_gamma, scoring, metrics, win, __init__
	for path in paths:
		modules = imported_modules(path)
		assert not [m for m in modules if m.split(".")[0] == "frappe"], path.name
		own = {m for m in modules if m.split(".")[0] == "sales_crm"}
		assert all(m.startswith(("sales_crm.mining", "sales_crm.rules")) for m in own), (path.name, own)
