"""Row scopes beyond the parent list, over HTTP as the real roles: a salesperson reads nothing of a
colleague's through child rows, contacts and sites, link search, prints of client-built documents,
existence answers or the links they make (FLOW.md "Scopes beyond the parent list")."""

import json

import frappe
import pytest
from colleague import PASSWORD, child_rows, leaked, team_and_records
from frappe.utils import random_string


@pytest.fixture(scope="module")
def team(site):
	return team_and_records("scb")


@pytest.fixture(scope="module")
def c(server, team):
	return frappe._dict(
		{role: server.session(team[role], PASSWORD) for role in ("sales", "colleague", "manager", "director")}
	)


def quiet(r, secrets, *, allowed=(200, 403, 404, 417), typed=()) -> str:
	"""The response's text, after asserting it is an expected answer and holds none of ``secrets`` beyond
	the names the request ``typed`` (a refusal may repeat them)."""
	assert r.status_code in allowed, f"{r.request.method} {r.url}: {r.status_code} {r.text[:400]}"
	text = r.text
	for name in typed:
		text = text.replace(name, "")
	assert leaked(text, secrets) == [], f"{r.request.url} {r.request.body!r:.300}: {r.text[:600]}"
	return r.text


def rows_of(r) -> list:
	return (r.json().get("message") or r.json().get("data") or []) if r.status_code == 200 else []


def test_child_rows_follow_their_parent(c, team):
	rec = team.records
	children = child_rows(rec)
	with_rows = {child for child, rows in children.items() if rows}
	assert {
		"Sales Contract Item",
		"Sales Quotation Item",
		"Customer Order Item",
		"Sales Receipt Allocation",
		"Sales Opportunity Item",
		"Sales Lead Product",
		"Dynamic Link",
	} <= with_rows, with_rows
	checked = 0
	for child, rows in children.items():
		for parent, parent_name, row in rows:
			secrets = rec.secrets | {row}
			by_parent = json.dumps([[child, "parent", "=", parent_name]])
			calls = [
				c.sales.call(
					"frappe.client.get_list", doctype=child, parent=parent, filters=by_parent, fields=["*"]
				),
				c.sales.call(
					"frappe.client.get_list", doctype=child, parent=parent, fields=["*"], limit_page_length=0
				),
				c.sales.call(
					"frappe.client.get_value",
					doctype=child,
					parent=parent,
					filters=by_parent,
					fieldname=["*"],
				),
				c.sales.call("frappe.client.get", doctype=child, name=row, parent=parent),
				c.sales.call("frappe.client.get_count", doctype=child, filters=by_parent),
				c.sales.call("frappe.desk.form.load.getdoc", doctype=child, name=row),
				c.sales.http.get(f"{c.sales.base}/printview", params={"doctype": child, "name": row}),
				c.sales.call(
					"frappe.utils.print_format.download_multi_pdf", doctype=child, name=json.dumps([row])
				),
				c.sales.http.get(
					f"{c.sales.base}/api/resource/{child}",
					params={"filters": by_parent, "parent": parent, "fields": json.dumps(["*"])},
				),
				c.sales.call(
					"frappe.desk.reportview.get",
					doctype=child,
					parent_doctype=parent,
					fields=[f"`tab{child}`.`name`", f"`tab{child}`.`parent`"],
					filters=by_parent,
				),
			]
			for r in calls:
				# a refusal of the get may repeat the row name the request typed
				quiet(r, secrets, typed=[row] if r.status_code == 404 else [])
				checked += 1
			# the colleague still reads their own rows the same way
			mine = c.colleague.call("frappe.client.get_list", doctype=child, parent=parent, filters=by_parent)
			assert row in {item["name"] for item in rows_of(mine)}, (child, mine.text[:300])
	print(f"\nchild rows: {len(with_rows)} child DocTypes, {checked} calls, nothing of the colleague's")


def test_contacts_and_sites_follow_their_links(c, team):
	rec = team.records
	for doctype, name in (("Contact", rec.contact), ("Address", rec.address)):
		r = c.sales.call("frappe.client.get_list", doctype=doctype, filters={"name": name}, fields=["*"])
		assert rows_of(r) == [] and not leaked(r.text, rec.secrets)
		assert c.sales.http.get(f"{c.sales.base}/api/resource/{doctype}/{name}").status_code == 403
		quiet(
			c.sales.call("frappe.client.get", doctype=doctype, name=name),
			rec.secrets,
			allowed=(404,),
			typed=[name],
		)
		assert c.sales.ok("frappe.client.get_count", doctype=doctype, filters={"name": name}) == 0
		for client in (c.colleague, c.manager, c.director):
			assert client.get(doctype, name)["name"] == name
	# the desk's contact picker for the colleague's customer
	r = c.sales.call(
		"frappe.desk.search.search_link",
		doctype="Contact",
		txt="",
		query="frappe.contacts.doctype.contact.contact.contact_query",
		filters={"link_doctype": "Sales Customer", "link_name": rec.customer},
	)
	assert rows_of(quiet(r, rec.secrets) and r) == []
	# a contact of one's own (linking nothing) stays visible; one on a colleague's customer is refused
	own = c.sales.insert({"doctype": "Contact", "first_name": f"Mine {random_string(5)}"})
	assert c.sales.get("Contact", own["name"])["name"] == own["name"]
	r = c.sales.http.post(
		f"{c.sales.base}/api/resource/Contact",
		json={
			"doctype": "Contact",
			"first_name": "Intruder",
			"links": [{"link_doctype": "Sales Customer", "link_name": rec.customer}],
		},
	)
	quiet(r, rec.secrets, allowed=(403, 417))
	# adding the colleague's customer to one's own contact is refused too
	r = c.sales.update(
		"Contact", own["name"], {"links": [{"link_doctype": "Sales Customer", "link_name": rec.customer}]}
	)
	quiet(r, rec.secrets, allowed=(403, 417))
	# a contact of one's own customer
	customer = c.sales.insert({"doctype": "Sales Customer", "customer_name": f"My Co {random_string(6)}"})
	mine = c.sales.insert(
		{
			"doctype": "Contact",
			"first_name": "Mine",
			"links": [{"link_doctype": "Sales Customer", "link_name": customer["name"]}],
		}
	)
	assert c.sales.get("Contact", mine["name"])["links"][0]["link_name"] == customer["name"]
	assert c.colleague.http.get(f"{c.colleague.base}/api/resource/Contact/{mine['name']}").status_code == 403


def test_link_search_keeps_the_scopes(c, team):
	rec = team.records
	tag = rec.customer_name.split()[-1]
	for doctype, fields in (
		("Sales Customer", ["customer_name", "phone", "sales_person"]),
		("Sales Contract", ["customer", "customer_name", "grand_total"]),
		("Sales Contract Item", ["amount", "parent", "rate"]),
		("Sales Lead", ["company_name"]),
		("Contact", ["first_name", "email_id"]),
		("Address", ["address_line1"]),
	):
		for txt in ("", tag, rec.names.get(doctype, "")):
			args = dict(
				doctype=doctype,
				txt=txt,
				filter_fields=json.dumps(fields),
				page_length=500,
				ignore_user_permissions=1,
				as_dict=1,
			)
			quiet(c.sales.call("frappe.desk.search.search_widget", **args), rec.secrets)
			quiet(
				c.sales.call(
					"frappe.desk.search.search_link",
					doctype=doctype,
					txt=txt,
					page_length=500,
					ignore_user_permissions=1,
					searchfield=fields[0],
				),
				rec.secrets,
			)
	# the colleague finds their own customer; the salesperson their own, unowned ones and the
	# department's unassigned leads
	found = c.colleague.ok("frappe.desk.search.search_link", doctype="Sales Customer", txt=tag)
	assert [row["value"] for row in found] == [rec.customer]
	own = c.sales.insert({"doctype": "Sales Customer", "customer_name": f"Own Search {random_string(6)}"})
	frappe.set_user("Administrator")
	shared = frappe.get_doc(
		{"doctype": "Sales Customer", "customer_name": f"Shared {random_string(6)}"}
	).insert()
	lead = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": f"Unassigned {random_string(6)}",
			"lead_source": "800 Hotline",
			"sales_department": team.department,
		}
	).insert()
	frappe.db.commit()
	for doctype, name in (
		("Sales Customer", own["name"]),
		("Sales Customer", shared.name),
		("Sales Lead", lead.name),
	):
		for ignore in (0, 1):
			found = c.sales.ok(
				"frappe.desk.search.search_link", doctype=doctype, txt=name, ignore_user_permissions=ignore
			)
			assert name in [row["value"] for row in found], (doctype, name, found)


def test_print_only_a_stored_readable_document(c, team):
	rec = team.records
	forged = {
		"doctype": "Sales Contract",
		"name": "new-sales-contract-1",
		"customer": rec.customer,
		"items": [],
	}
	for method in (
		"frappe.www.printview.get_html_and_style",
		"frappe.www.printview.get_rendered_raw_commands",
	):
		quiet(c.sales.call(method, doc=forged), rec.secrets, allowed=(404,))
		# the colleague's stored contract, named in a doc object: re-read and refused
		quiet(
			c.sales.call(method, doc={"doctype": "Sales Contract", "name": rec.contract}),
			rec.secrets,
			allowed=(403,),
		)
	r = c.sales.http.get(
		f"{c.sales.base}/api/method/frappe.utils.print_format.download_pdf",
		params={"doctype": "Sales Contract", "name": rec.contract, "doc": json.dumps(forged)},
	)
	quiet(r, rec.secrets, allowed=(403, 404))
	# the desk's print preview (the form's doc object) still prints one's own, as stored
	contract = c.colleague.get("Sales Contract", rec.contract)
	contract["customer_name"] = "Edited but unsaved"
	html = c.colleague.ok("frappe.www.printview.get_html_and_style", doc=contract)["html"]
	assert rec.contract in html and "Edited but unsaved" not in html


def test_hidden_and_missing_records_answer_alike(c, team):
	rec = team.records
	for doctype, field, value in (
		("Sales Contract", "customer", rec.customer),
		("Sales Customer", "customer_name", rec.customer_name),
		("Sales Lead", "company_name", rec.lead_company),
	):
		hidden = c.sales.call("frappe.client.get", doctype=doctype, filters={field: value})
		missing = c.sales.call(
			"frappe.client.get", doctype=doctype, filters={field: f"none {random_string(8)}"}
		)
		assert (hidden.status_code, missing.status_code) == (404, 404)
		assert hidden.json().get("exception") == missing.json().get("exception")
		quiet(hidden, rec.secrets | {rec.names[doctype]}, allowed=(404,))
		by_name = c.sales.call("frappe.client.get", doctype=doctype, name=rec.names[doctype])
		nowhere = c.sales.call("frappe.client.get", doctype=doctype, name=f"NOPE-{random_string(6)}")
		assert (by_name.status_code, nowhere.status_code) == (404, 404)
		for method, args in (
			("frappe.client.get_value", {"fieldname": "name", "filters": {field: value}}),
			("frappe.client.get_list", {"filters": {field: value}}),
		):
			a = c.sales.call(method, doctype=doctype, **args)
			b = c.sales.call(method, doctype=doctype, **{**args, "filters": {field: "none"}})
			assert (a.status_code, a.json().get("message")) == (b.status_code, b.json().get("message"))
		# the record's owner still gets it by filters
		assert (
			c.colleague.ok("frappe.client.get", doctype=doctype, filters={field: value})["name"]
			== rec.names[doctype]
		)
	# a link field's check answers a hidden record as a missing one
	assert c.sales.ok("frappe.client.validate_link", doctype="Sales Customer", docname=rec.customer) == {}
	assert (
		c.sales.ok("frappe.desk.search.get_link_title", doctype="Sales Customer", docname=rec.customer)
		== rec.customer
	)


def opportunity_stage(name: str):
	frappe.db.rollback()
	return frappe.db.get_value("Sales Opportunity", name, ["sales_stage", "modified"])


def test_links_a_user_makes_are_links_they_may_read(c, team):
	rec = team.records
	before = opportunity_stage(rec.opportunity)
	own = c.sales.insert({"doctype": "Sales Customer", "customer_name": f"Link Co {random_string(6)}"})
	for payload in (
		{
			"doctype": "Sales Quotation",
			"title": "On a colleague's deal",
			"customer": own["name"],
			"opportunity": rec.opportunity,
			"items": [{"product": rec.product, "qty": 1, "price_list_rate": 10}],
		},
		{
			"doctype": "Customer Commission",
			"commission_name": "Agent",
			"sales_contract": rec.contract,
			"commission_rate": 5,
		},
		{"doctype": "Sales Follow Up", "customer": rec.customer, "follow_up_type": "Call", "summary": "peek"},
		{
			"doctype": "Sales Contract",
			"customer": rec.customer,
			"items": [{"product": rec.product, "qty": 1, "price_list_rate": 10}],
		},
	):
		r = c.sales.http.post(f"{c.sales.base}/api/resource/{payload['doctype']}", json=payload)
		text = quiet(r, rec.secrets, allowed=(417,))
		assert "Could not find" in text, text[:400]
		# a record that does not exist answers the same, in the same words (the name aside)
		ghosts = {v: f"GHOST-{random_string(6)}" for v in payload.values() if v in rec.names.values()}
		ghost = {k: ghosts.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
		g = c.sales.http.post(f"{c.sales.base}/api/resource/{payload['doctype']}", json=ghost)
		assert g.status_code == r.status_code, g.text[:400]
		said = r.json().get("exception", "")
		for real, fake in ghosts.items():
			said = said.replace(real, fake)
		assert said == g.json().get("exception", ""), (said, g.text[:400])
	assert opportunity_stage(rec.opportunity) == before
	frappe.db.rollback()
	assert not frappe.db.exists("Customer Commission", {"sales_contract": rec.contract, "owner": team.sales})
	# one's own links still work: a quotation on one's own deal
	opportunity = c.sales.insert(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": "Own deal",
			"customer": own["name"],
			"items": [{"product": rec.product, "qty": 1, "rate": 10}],
		}
	)
	quotation = c.sales.ok("sales_crm.api.make_quotation", source_name=opportunity["name"])
	assert c.sales.insert(quotation)["opportunity"] == opportunity["name"]


def test_a_lead_converts_onto_another_salespersons_customer(c, team):
	"""Conversion reuses a matching customer, whoever's it is: the server links it (owned.by_server)."""
	rec = team.records
	lead = c.manager.insert(
		{
			"doctype": "Sales Lead",
			"company_name": rec.customer_name,
			"lead_source": "800 Hotline",
			"sales_department": team.department,
		}
	)
	assert c.manager.ok("sales_crm.api.assign_leads", leads=[lead["name"]], sales_person=team.sales)
	opportunity = c.sales.ok("sales_crm.api.convert_lead", lead=lead["name"])
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Opportunity", opportunity, "customer") == rec.customer
