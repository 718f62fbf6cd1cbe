"""Every whitelisted method of Frappe and of the app that takes a ``doctype``, ``doc``, ``parent`` or ``name``
argument, called over HTTP as a Sales User with payloads naming a colleague's contract, quotation,
customer, lead, contact and contract row: no response may hold anything of the colleague's (record names
the request did not send, customer or product names, contacts, amounts).

The methods are read from the source when the test runs (``ast``: module-level functions decorated with
``whitelist``), so a new endpoint is swept without touching this file. A refusal (401/403/404/409/417 …)
passes; a 500 passes when it leaks nothing and is listed in the summary.
"""

import ast
import inspect
import json
import re
from pathlib import Path

import frappe
import pytest
from colleague import PASSWORD, team_and_records

KEYS = {"doctype", "doc", "parent", "name"}

# Methods not called, and why: each changes state beyond the records of the two salespeople (the site's
# permissions, scheduler, e-mail, workspaces, print formats, files of the apps), whatever a refusal would
# prove. Every other method is called, the writing ones too (they must refuse the colleague's records).
SKIPPED = {
	"frappe.core.doctype.scheduled_job_type.scheduled_job_type.execute_event": "runs a scheduled job",
	"frappe.utils.nestedset.rebuild_tree": "rebuilds a tree's lft/rgt for the whole DocType",
	"frappe.core.page.permission_manager.permission_manager.add": "adds a role permission to a DocType",
	"frappe.core.page.permission_manager.permission_manager.update": "changes a DocType's role permissions",
	"frappe.core.page.permission_manager.permission_manager.remove": "removes a DocType's role permission",
	"frappe.core.page.permission_manager.permission_manager.reset": "resets a DocType's role permissions",
	"frappe.email.doctype.email_queue.email_queue.send_now": "sends queued e-mail",
	"frappe.email.doctype.auto_email_report.auto_email_report.send_now": "sends a report by e-mail",
	"frappe.email.queue.unsubscribe": "unsubscribes an address from a DocType's e-mail",
	"frappe.website.doctype.personal_data_deletion_request.personal_data_deletion_request.confirm_deletion": (
		"deletes a person's data site-wide"
	),
	"frappe.modules.utils.export_customizations": "writes customizations into an app's folder",
	"frappe.desk.doctype.workspace.workspace.update_page": "changes a shared workspace",
	"frappe.printing.doctype.print_format.print_format.make_default": "changes a DocType's default print format",
	"frappe.printing.page.print_format_builder.print_format_builder.create_custom_format": (
		"creates a site-wide print format"
	),
	"frappe.desk.doctype.desktop_icon.desktop_icon.hide": "hides a desktop icon site-wide",
	"frappe.desk.doctype.list_view_settings.list_view_settings.save_listview_settings": (
		"changes a DocType's list settings for everyone"
	),
	"frappe.desk.desktop.update_onboarding_step": "changes a shared onboarding step",
}
# writing methods run after the reading ones, so that a write that went through cannot hide a later leak
LAST = re.compile(r"(delete|cancel|rename|remove|close|restore|submit|bulk|apply|save|set_value|update)")
REFUSED = {400, 401, 403, 404, 405, 409, 410, 417, 422, 429}


def whitelisted_methods() -> list[tuple[str, list[str]]]:
	"""(dotted path, parameter names) of every module-level whitelisted function of Frappe and the app with
	a ``doctype``, ``doc``, ``parent`` or ``name`` parameter, from the source."""
	import sales_crm

	found = []
	for package in (frappe, sales_crm):
		root = Path(package.__file__).resolve().parent
		for path in sorted(root.rglob("*.py")):
			rel = path.relative_to(root)
			if path.name.startswith("test_") or any(
				part in ("tests", "patches", "node_modules") or part.startswith(".") for part in rel.parts
			):
				continue
			try:
				tree = ast.parse(path.read_text())
			except (SyntaxError, UnicodeDecodeError):
				continue
			module = ".".join((package.__name__, *rel.with_suffix("").parts)).removesuffix(".__init__")
			for node in tree.body:
				if isinstance(node, ast.FunctionDef) and any(_whitelist(d) for d in node.decorator_list):
					params = [a.arg for a in node.args.args + node.args.kwonlyargs]
					if KEYS & set(params):
						found.append((f"{module}.{node.name}", params))
	return sorted(found, key=lambda item: (bool(LAST.search(item[0].rsplit(".", 1)[-1])), item[0]))


def _whitelist(decorator) -> bool:
	target = decorator.func if isinstance(decorator, ast.Call) else decorator
	return (isinstance(target, ast.Attribute) and target.attr == "whitelist") or (
		isinstance(target, ast.Name) and target.id == "whitelist"
	)


@pytest.fixture(scope="module")
def team(site):
	return team_and_records("swp")


def targets(rec, user: str | None = None) -> list[frappe._dict]:
	row = frappe.get_all(
		"Sales Contract Item", filters={"parent": rec.contract}, pluck="name", order_by="idx asc", limit=1
	)[0]
	found = [
		frappe._dict(doctype="Sales Contract", name=rec.contract, parent="Sales Contract"),
		frappe._dict(doctype="Sales Quotation", name=rec.quotation, parent="Sales Quotation"),
		frappe._dict(doctype="Sales Customer", name=rec.customer, parent="Sales Customer"),
		frappe._dict(doctype="Sales Lead", name=rec.lead, parent="Sales Lead"),
		frappe._dict(
			doctype="Sales Contract Item", name=row, parent="Sales Contract", parent_name=rec.contract
		),
		frappe._dict(doctype="Contact", name=rec.contact, parent="Contact"),
	]
	for target in found:
		target.user = user
	return found


def payload(method: str, params: list[str], target, rec) -> dict:
	"""Plausible arguments naming ``target`` for a method with these parameters."""
	doc = {
		"doctype": target.doctype,
		"name": target.name,
		"customer": rec.customer,
		"sales_contract": rec.contract,
		"parent": target.get("parent_name"),
		"parenttype": target.parent if target.get("parent_name") else None,
	}
	by_name = {"name": target.name}
	values = {
		"doctype": target.doctype,
		"dt": target.doctype,
		"reference_doctype": target.doctype,
		"ref_doctype": target.doctype,
		"link_doctype": target.doctype,
		"doctype_name": target.doctype,
		"parenttype": target.parent,
		"parent": target.parent,
		"parent_doctype": target.parent,
		"name": target.name,
		"docname": target.name,
		"dn": target.name,
		"source_name": target.name,
		"reference_name": target.name,
		"link_name": target.name,
		"docnames": json.dumps([target.name]),
		"names": json.dumps([target.name]),
		"docs": json.dumps([doc]),
		"doc": json.dumps(doc),
		"filters": json.dumps({"parent": target.parent_name} if target.get("parent_name") else by_name),
		"fields": json.dumps(["*"]),
		"fieldname": json.dumps(["name", "customer", "grand_total", "amount"])
		if target.doctype != "Contact"
		else "first_name",
		"field": "customer",
		"txt": "",
		"search_text": target.name,
		"value": target.name,
		"old": target.name,
		"new": f"{target.name}-x",
		"new_name": f"{target.name}-x",
		"title": "x",
		"action": "Approve",
		"current_filters": json.dumps(by_name),
		"limit_page_length": 100,
		"page_length": 100,
		"filter_fields": json.dumps(["customer", "customer_name", "grand_total"]),
		"ignore_user_permissions": 1,
		"as_dict": 1,
		"with_parent": 1,
		"searchfield": "name",
		"start": 0,
		"page_len": 20,
		"doc_name": target.name,
		"document_name": target.name,
		"user": target.user,
		"assign_to": json.dumps([target.user]),
		"prev": 0,
		"text": target.name,
		"content": "x",
		"tag": "x",
		"print_format": "Standard",
		"stats": json.dumps(["customer", "status"]),
		"result": json.dumps([]),
		"attachments": json.dumps([]),
	}
	values.update(
		{k: json.dumps([target.name]) if v == "NAMES" else v for k, v in OVERRIDES.get(method, {}).items()}
	)
	if method in WITHOUT_DOC:
		values.pop("doc")
	return {param: values[param] for param in params if param in values}


# arguments that some methods read otherwise than the rest
OVERRIDES = {
	"frappe.utils.print_format.download_multi_pdf": {"name": "NAMES"},
	"frappe.utils.print_format.download_multi_pdf_async": {"name": "NAMES"},
}
# methods whose ``doc`` is an object of the server's (a client sends doctype and name)
WITHOUT_DOC = {"frappe.desk.form.load.get_docinfo"}


def _secret_pattern(rec, sent: str):
	"""The colleague's names and figures, less those the request itself sent (a refusal may repeat them)."""
	names = set(rec.names.values()) | set(rec.children)
	secrets = {s for s in rec.secrets | names if s and s not in sent}
	return re.compile(
		"|".join(rf"(?<![\w-]){re.escape(s)}(?![\w-])" for s in sorted(secrets, key=len, reverse=True))
	)


def call(client, method: str, data: dict):
	form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
	url = f"{client.base}/api/method/{method}"
	r = client.http.post(url, data=form, timeout=120)
	if r.status_code == 405:
		r = client.http.get(url, params=form, timeout=120)
	return r


def test_no_endpoint_returns_a_colleagues_records(server, team):
	rec = team.records
	rec.children = set(
		frappe.get_all("Sales Contract Item", filters={"parent": rec.contract}, pluck="name")
		+ frappe.get_all("Sales Quotation Item", filters={"parent": rec.quotation}, pluck="name")
		+ frappe.get_all("Dynamic Link", filters={"parent": ["in", [rec.contact, rec.address]]}, pluck="name")
	)
	sales = server.session(team.sales, PASSWORD)
	colleague = server.session(team.colleague, PASSWORD)
	# the probe sees what it should: the colleague's own contract form holds the secrets
	r = call(colleague, "frappe.desk.form.load.getdoc", {"doctype": "Sales Contract", "name": rec.contract})
	assert r.status_code == 200 and rec.customer_name in r.text
	methods = whitelisted_methods()
	assert len(methods) > 100 and "frappe.client.get_list" in dict(methods)
	verdicts, leaks, errors = {}, [], []
	for method, params in methods:
		if method in SKIPPED:
			verdicts[method] = f"skipped: {SKIPPED[method]}"
			continue
		seen = []
		for target in targets(rec, team.sales):
			data = payload(method, params, target, rec)
			r = call(sales, method, data)
			sent = json.dumps(data)
			found = _secret_pattern(rec, sent).findall(_text(r))
			if found:
				leaks.append(f"{method} {data}: {r.status_code} {sorted(set(found))} {r.text[:300]}")
				seen.append("LEAK")
			elif r.status_code >= 500:
				errors.append(f"{method} ({target.doctype}): {r.status_code} {_exception(r)}")
				seen.append(str(r.status_code))
			elif r.status_code in REFUSED:
				seen.append("refused")
			else:
				seen.append("ok")
		verdicts[method] = "LEAK" if "LEAK" in seen else ", ".join(sorted(set(seen)))
	print(
		f"\nendpoint sweep: {len(verdicts)} methods ({len(SKIPPED)} skipped), {len(targets(rec))} payloads each"
	)
	for method, verdict in verdicts.items():
		print(f"  {method}: {verdict}")
	counts = {}
	for verdict in verdicts.values():
		key = "skipped" if verdict.startswith("skipped") else verdict
		counts[key] = counts.get(key, 0) + 1
	print(f"verdicts: {counts}")
	if errors:
		print("server errors that leaked nothing:\n  " + "\n  ".join(errors))
	assert leaks == [], "\n".join(leaks)


def _text(r) -> str:
	"""The response as text; a PDF's (or an HTML page's) text too, where compression hides it."""
	if r.content[:5] == b"%PDF-":
		import io

		from pypdf import PdfReader

		return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(r.content)).pages)
	return r.text


def _exception(r) -> str:
	try:
		return str(r.json().get("exception") or r.json().get("exc_type"))[:160]
	except ValueError:
		return r.text[:160]


def test_the_sweep_reads_the_methods_from_the_code():
	"""The list grows with the code: every whitelisted function with one of the parameters is in it."""
	from frappe.client import get_list

	methods = dict(whitelisted_methods())
	assert set(inspect.signature(get_list).parameters) & KEYS
	assert "frappe.client.get_list" in methods and "sales_crm.endpoints.get" in methods
	assert set(SKIPPED) <= set(methods), set(SKIPPED) - set(methods)
