"""Every user-facing string of the app has a Chinese (zh) translation, and the desk gets it.

The strings are extracted as ``bench generate-pot-file`` extracts them (Frappe's babel extractors:
DocType, report and workspace JSON, ``_()`` in Python, ``__()`` in JS), plus the workflow fixtures'
states and actions, the print format names, and report column/filter labels written without ``_()``.
New DocTypes, reports and messages are picked up automatically.

Maintenance — after adding strings, refresh the template and the Chinese catalogue (new entries get
an empty msgstr to fill in), from the bench's Python:

	cd ~/frappe-bench/sites && ../env/bin/python /path/to/sales_crm/tests/integration/test_translations.py
"""

import csv
import json
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

PLACEHOLDER = re.compile(r"\{\d*\}")
# report columns and filters written as plain dict literals in report .py/.js files
LABEL = re.compile(r"""["']?label["']?\s*:\s*(["'])((?:(?!\1).)+)\1""")


def app_path() -> Path:
	import sales_crm

	return Path(sales_crm.__file__).resolve().parent


def po_dir() -> Path:
	return app_path() / "locale"


def frappe_method_map() -> list[tuple[str, str]]:
	import frappe

	path = Path(frappe.__file__).resolve().parent.parent / "babel_extractors.csv"
	with open(path) as f:
		return [(row[0], row[1]) for row in csv.reader(f) if row]


def extract_messages() -> dict[str, str]:
	"""msgid → the first file (relative to the app) it was found in."""
	import frappe

	root = app_path()
	# Frappe's navbar extractor wants the path under the bench, as `bench generate-pot-file` passes it
	bench_app = Path(frappe.__file__).resolve().parent.parent.parent / "sales_crm" / "sales_crm"
	walk_root = bench_app if bench_app.exists() else root
	keywords = DEFAULT_KEYWORDS.copy()
	keywords["_lt"] = None

	def directory_filter(dirpath) -> bool:
		name = Path(dirpath).name
		return not (name.startswith((".", "_")) or name in ("node_modules", "dist", "locale"))

	messages: dict[str, str] = {}
	for filename, _lineno, message, _comments, _context in extract_from_dir(
		str(walk_root), frappe_method_map(), keywords=keywords, directory_filter=directory_filter
	):
		if message and message.strip():
			messages.setdefault(message, filename)

	def add(message, where):
		if message and str(message).strip():
			messages.setdefault(str(message), where)

	from sales_crm.constants import ADDRESS_TYPES, LOSS_REASONS, STANDARD_STAGES, WRITE_OFF_REASONS

	for stage, _probability in STANDARD_STAGES:
		add(stage, "install.py (the Standard sales method)")
	for reason in LOSS_REASONS:
		add(reason, "install.py (the shipped Sales Loss Reasons)")
	for reason in WRITE_OFF_REASONS:
		add(reason, "install.py (the shipped Sales Write Off Reasons)")
	for kind in ADDRESS_TYPES:
		add(kind, "install.py (Address types of a customer's sites)")
	fixtures = root / "fixtures"
	for name in ("workflow_state", "workflow_action_master", "workflow"):
		path = fixtures / f"{name}.json"
		if not path.exists():
			continue
		for record in json.loads(path.read_text()):
			add(record.get("name"), f"fixtures/{path.name}")
			for transition in record.get("transitions", []):
				add(transition.get("action"), f"fixtures/{path.name}")
	for path in sorted(root.glob("*/print_format/*/*.json")):
		add(json.loads(path.read_text()).get("name"), str(path.relative_to(root)))
	for path in sorted(root.glob("*/report/*/*.*")):
		if path.suffix == ".json":
			data = json.loads(path.read_text())
			for column in data.get("columns", []):
				add(column.get("label"), str(path.relative_to(root)))
			for report_filter in data.get("filters", []):
				add(report_filter.get("label"), str(path.relative_to(root)))
		elif path.suffix in (".py", ".js"):
			for match in LABEL.finditer(path.read_text()):
				add(match.group(2), str(path.relative_to(root)))
	return messages


def read_catalog(path: Path) -> Catalog:
	with open(path, "rb") as f:
		return read_po(f)


def coverage(messages: dict[str, str], catalog: Catalog) -> tuple[int, list[str]]:
	missing = [m for m in sorted(messages) if not (catalog.get(m) and catalog.get(m).string)]
	return len(messages) - len(missing), missing


# ---------------------------------------------------------------------------- tests
def test_every_string_has_a_zh_translation(capsys):
	messages = extract_messages()
	assert len(messages) > 300, "the extraction found too few strings; is the app path right?"
	translated, missing = coverage(messages, read_catalog(po_dir() / "zh.po"))
	figure = (
		f"zh translation coverage: {translated}/{len(messages)} ({100 * translated / len(messages):.1f} %)"
	)
	with capsys.disabled():
		print(f"\n{figure}")
	assert not missing, f"{figure}; untranslated:\n" + "\n".join(
		f"  {m!r}  ({messages[m]})" for m in missing[:80]
	)


def test_translations_keep_their_placeholders_and_seed_terms():
	catalog = read_catalog(po_dir() / "zh.po")
	broken = [
		m.id
		for m in catalog
		if m.id and m.string and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
	]
	assert not broken, f"placeholders differ: {broken}"
	seed = {
		"Sales Lead": "客户线索",
		"Sales Opportunity": "商机",
		"Sales Quotation": "报价单",
		"Sales Contract": "销售合同",
		"Customer Order": "销售订单",
		"Sales Receivable": "应收账款",
		"Sales Receipt": "收款单",
		"Salesperson Commission": "销售员佣金",
		"Customer Commission": "客户佣金",
		"Sales Plan": "销售计划",
		"Unassigned": "未分配",
		"Assigned": "已分配",
		"Converted": "成功关闭",
		"Lost": "失败关闭",
		"Quoting": "报价中",
		"Approved": "已核准",
		"Accepted": "已接受",
		"Rejected": "已拒绝",
		"Unpaid": "款未完",
		"Paid": "款已完",
		"Drafting": "拟订中",
		"Under Approval": "审批中",
		"Executing": "执行中",
		"Closed": "关闭中",
		"Marketing Campaign": "营销活动",
		"Employee Referral": "员工推介",
		"800 Hotline": "800电话",
		"Advertising Response": "广告反馈",
		"Customer Referral": "老客户推介",
		"Needs Tracking": "需求跟踪",
		"Solution Design": "方案设计",
		"Quotation": "销售报价",
		"Contract Signing": "合同签订",
	}
	wrong = {k: (catalog.get(k).string if catalog.get(k) else None) for k in seed}
	wrong = {k: v for k, v in wrong.items() if v != seed[k]}
	assert not wrong, f"the seed's terms: {wrong}"


def test_the_site_serves_the_compiled_zh_translations(site):
	"""The .mo is compiled on install/migrate (sales_crm.install.compile_translations)."""
	import frappe
	from frappe.gettext.translate import get_mo_path
	from frappe.translate import get_all_translations

	assert get_mo_path("sales_crm", "zh").exists()
	translations = get_all_translations("zh")
	assert translations.get("Sales Lead") == "客户线索"
	assert translations.get("Customer Accepted") == "客户已接受"
	frappe.local.lang = "zh"
	try:
		assert frappe._("Sales Receivable") == "应收账款"
	finally:
		frappe.local.lang = "en"


# ---------------------------------------------------------------------------- maintenance
def write_catalogs() -> None:
	"""Rewrite main.pot from the extraction; add new ids to every <lang>.po, drop vanished ones."""
	from babel.messages.mofile import write_mo

	messages = extract_messages()
	template = Catalog(project="Sales CRM", msgid_bugs_address="sales-crm@example.com", fuzzy=False)
	for message, where in sorted(messages.items()):
		template.add(message, locations=[(where, 0)])
	_write(po_dir() / "main.pot", template)
	for po_path in sorted(po_dir().glob("*.po")):
		catalog = read_catalog(po_path)
		catalog.update(template, no_fuzzy_matching=True)
		_write(po_path, catalog)
		translated, missing = coverage(messages, catalog)
		print(f"{po_path.name}: {translated}/{len(messages)} translated; {len(missing)} to do")


def _write(path: Path, catalog: Catalog) -> None:
	tmp = path.with_suffix(path.suffix + ".tmp")
	with open(tmp, "wb") as f:
		write_po(f, catalog, sort_output=True, ignore_obsolete=True, width=None, omit_header=False)
	tmp.replace(path)


if __name__ == "__main__":
	import frappe

	write_catalogs()
	sys.exit(0)
