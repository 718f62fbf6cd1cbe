"""The pipeline over HTTP against a running two-worker server, as four users holding the four roles;
and two receipts racing for one receivable, many times."""

import random
import threading

import frappe
import pytest
from factories import make_department, make_product, make_user
from frappe.utils import random_string
from frappe.utils.password import update_password

PASSWORD = "Sales-CRM-test-2026!"


@pytest.fixture(scope="module")
def users(site):
	"""Committed (the server is another process): users, a department and products, unique per run."""
	tag = random_string(6).lower()
	team = frappe._dict(
		sales=make_user(f"rest-sales-{tag}@example.com", "Sales User"),
		manager=make_user(f"rest-manager-{tag}@example.com", "Sales User", "Sales Manager"),
		director=make_user(f"rest-director-{tag}@example.com", "Sales User", "Sales Director"),
		accounts=make_user(f"rest-accounts-{tag}@example.com", "Accounts User"),
	)
	for user in team.values():
		update_password(user, PASSWORD)
	team.department = make_department(team.manager, [team.sales]).name
	team.products = [make_product(standard_rate=100).name, make_product(standard_rate=40).name]
	frappe.db.commit()
	return team


def clients(server, users):
	return frappe._dict(
		{role: server.session(users[role], PASSWORD) for role in ("sales", "manager", "director", "accounts")}
	)


def test_the_whole_flow_over_rest(server, users):
	c = clients(server, users)
	lead = c.manager.insert(
		{
			"doctype": "Sales Lead",
			"company_name": f"REST Co {random_string(6)}",
			"lead_source": "800 Hotline",
			"phone": f"+86-21-{random.randint(10000000, 99999999)}",
			"sales_department": users.department,
		}
	)
	assert lead["status"] == "Unassigned"
	assert (
		c.sales.call("sales_crm.api.assign_leads", leads=[lead["name"]], sales_person=users.sales).status_code
		== 403
	)
	c.manager.ok("sales_crm.api.assign_leads", leads=[lead["name"]], sales_person=users.sales)
	assert c.sales.get("Sales Lead", lead["name"])["status"] == "Assigned"
	# a status cannot be written over REST
	r = c.sales.update("Sales Lead", lead["name"], {"status": "Converted"})
	assert r.status_code == 417 and "Convert" in r.text

	opportunity = c.sales.ok("sales_crm.api.convert_lead", lead=lead["name"])
	assert c.sales.ok("sales_crm.api.convert_lead", lead=lead["name"]) == opportunity

	quotation = c.sales.ok("sales_crm.api.make_quotation", source_name=opportunity)
	quotation["items"] = [
		{"product": users.products[0], "qty": 10, "price_list_rate": 100, "discount_percentage": 5},
		{"product": users.products[1], "qty": 5, "price_list_rate": 40},
	]
	quotation.update({"tax_rate": 13, "grand_total": 1})
	quotation = c.sales.insert(quotation)
	assert (quotation["net_total"], quotation["tax_amount"], quotation["grand_total"]) == (
		1150,
		149.5,
		1299.5,
	)
	assert c.sales.get("Sales Opportunity", opportunity)["sales_stage"] == "Quotation"

	r = c.sales.workflow(quotation, "Approve")
	assert r.status_code >= 400
	r = c.sales.submit("Sales Quotation", quotation["name"])
	assert r.status_code == 403, r.text
	quotation = c.director.ok("frappe.model.workflow.apply_workflow", doc=quotation, action="Approve")
	assert (quotation["status"], quotation["docstatus"]) == ("Approved", 1)
	r = c.sales.update(
		"Sales Quotation", quotation["name"], {"items": [{"product": users.products[0], "qty": 1}]}
	)
	assert r.status_code >= 400  # an approved quotation is frozen
	quotation = c.sales.ok("frappe.model.workflow.apply_workflow", doc=quotation, action="Customer Accepted")
	assert quotation["status"] == "Accepted"

	contract = c.sales.insert(c.sales.ok("sales_crm.api.make_contract", source_name=quotation["name"]))
	assert c.sales.submit("Sales Contract", contract["name"]).ok
	opp = c.sales.get("Sales Opportunity", opportunity)
	assert (opp["status"], opp["sales_stage"], opp["won_amount"]) == ("Won", "Contract Signing", 1299.5)

	order = c.sales.insert(c.sales.ok("sales_crm.api.make_order", source_name=contract["name"]))
	assert c.sales.submit("Customer Order", order["name"]).ok
	assert c.sales.get("Sales Contract", contract["name"])["per_ordered"] == 100
	assert c.sales.ok("sales_crm.api.deliver_order", order=order["name"])["status"] == "To Invoice"

	assert (
		c.sales.call(
			"sales_crm.api.invoice_order", order=order["name"], invoice_no="A1", invoice_date="2026-11-01"
		).status_code
		== 403
	)
	ar1 = c.accounts.ok(
		"sales_crm.api.invoice_order",
		order=order["name"],
		invoice_no="A1",
		invoice_date="2026-11-01",
		amount=799.5,
	)
	assert (
		c.accounts.ok(
			"sales_crm.api.invoice_order",
			order=order["name"],
			invoice_no="A1",
			invoice_date="2026-11-01",
			amount=799.5,
		)
		== ar1
	)
	r = c.accounts.call(
		"sales_crm.api.invoice_order",
		order=order["name"],
		invoice_no="A2",
		invoice_date="2026-11-02",
		amount=600,
	)
	assert r.status_code == 417 and "exceeds" in r.text
	ar2 = c.accounts.ok(
		"sales_crm.api.invoice_order", order=order["name"], invoice_no="A2", invoice_date="2026-11-02"
	)
	assert c.accounts.get("Sales Receivable", ar2)["total_amount"] == 500
	assert c.accounts.get("Customer Order", order["name"])["status"] == "Completed"

	receipt = c.accounts.ok("sales_crm.api.make_receipt", source_name=order["name"])
	receipt["allocations"][0].update(
		{"allocated_amount": 790, "write_off_amount": 9.5, "write_off_reason": "Discount Granted"}
	)  # above 1 % of the receivable: a reason
	receipt["allocations"][1].update({"allocated_amount": 100})
	receipt = c.accounts.insert(receipt)
	assert c.accounts.submit("Sales Receipt", receipt["name"]).ok
	first = c.accounts.get("Sales Receivable", ar1)
	assert (
		first["received_amount"],
		first["write_off_amount"],
		first["outstanding_amount"],
		first["status"],
	) == (790, 9.5, 0, "Paid")
	assert c.accounts.get("Sales Receivable", ar2)["outstanding_amount"] == 400

	r = c.accounts.http.post(
		f"{server.url}/api/method/frappe.client.cancel",
		data={"doctype": "Sales Receipt", "name": receipt["name"]},
		timeout=60,
	)
	assert r.ok, r.text
	assert c.accounts.get("Sales Receivable", ar1)["outstanding_amount"] == 799.5
	again = c.accounts.insert(c.accounts.ok("sales_crm.api.make_receipt", source_name=order["name"]))
	assert c.accounts.submit("Sales Receipt", again["name"]).ok
	assert c.accounts.get("Customer Order", order["name"])["per_collected"] == 100
	assert c.accounts.get("Sales Contract", contract["name"])["status"] == "Completed"


def test_two_receipts_racing_for_one_receivable(server, users):
	c = clients(server, users)
	customer = c.sales.insert({"doctype": "Sales Customer", "customer_name": f"Race Co {random_string(5)}"})
	order = c.sales.insert(
		{
			"doctype": "Customer Order",
			"customer": customer["name"],
			"tax_rate": 0,
			"items": [{"product": users.products[0], "qty": 100, "price_list_rate": 100}],
		}
	)
	assert c.sales.submit("Customer Order", order["name"]).status_code == 403  # a direct order: a director's
	assert c.director.submit("Customer Order", order["name"]).ok
	c.director.ok("sales_crm.api.deliver_order", order=order["name"])
	rounds, wins = 12, []
	for i in range(rounds):
		receivable = c.accounts.ok(
			"sales_crm.api.invoice_order",
			order=order["name"],
			invoice_no=f"R{i}",
			invoice_date="2026-11-20",
			amount=500,
		)
		drafts = [
			c.accounts.insert(c.accounts.ok("sales_crm.api.make_receipt", source_name=receivable))
			for _ in range(2)
		]
		racers = [server.session(users.accounts, PASSWORD) for _ in range(2)]
		results = [None, None]
		barrier = threading.Barrier(2)

		def submit(k):
			barrier.wait()
			results[k] = racers[k].submit("Sales Receipt", drafts[k]["name"])

		threads = [threading.Thread(target=submit, args=(k,)) for k in range(2)]
		for t in threads:
			t.start()
		for t in threads:
			t.join()
		statuses = sorted(r.status_code for r in results)
		assert statuses == [200, 417], [r.text[:300] for r in results]
		loser = next(r for r in results if r.status_code == 417)
		assert "outstanding" in loser.text
		ar = c.accounts.get("Sales Receivable", receivable)
		assert (ar["received_amount"], ar["outstanding_amount"], ar["status"]) == (500, 0, "Paid")
		wins.append(statuses)
	assert len(wins) == rounds
	assert c.accounts.get("Customer Order", order["name"])["per_collected"] == pytest.approx(
		rounds * 500 / 10000 * 100
	)


def test_the_directors_hear_of_a_committed_quotation_and_never_of_one_rolled_back(server, users, monkeypatch):
	"""A request that inserted a quotation and then failed queued nothing about it; one that committed
	queued the job that tells the directors. (Frappe queues a record's notification logs from inside its
	save.) Read from the queue itself: no worker runs it here, the test runs the job it finds."""
	import json

	from frappe.email.doctype.notification import notification as notification_module
	from frappe.utils.background_jobs import get_queue

	from sales_crm import notify

	c = clients(server, users)
	tag = random_string(8)
	queue = get_queue("default")

	def queued_since(count):
		return [queue.fetch_job(job_id) for job_id in queue.get_job_ids(offset=count)]

	def draft(company):
		lead = c.manager.insert(
			{
				"doctype": "Sales Lead",
				"company_name": company,
				"lead_source": "800 Hotline",
				"phone": f"+86-21-{random.randint(10000000, 99999999)}",
				"sales_department": users.department,
			}
		)
		c.manager.ok("sales_crm.api.assign_leads", leads=[lead["name"]], sales_person=users.sales)
		opportunity = c.sales.ok("sales_crm.api.convert_lead", lead=lead["name"])
		quotation = c.sales.ok("sales_crm.api.make_quotation", source_name=opportunity)
		quotation["items"] = [{"product": users.products[0], "qty": 2, "price_list_rate": 100}]
		return quotation

	lost = draft(f"Lost Co {tag}")
	refused = {**lost, "items": [{"product": f"NO-SUCH-{tag}", "qty": 1, "price_list_rate": 1}]}
	before = queue.count
	r = c.sales.call("frappe.client.insert_many", docs=json.dumps([lost, refused], default=str))
	assert r.status_code == 417, r.text[:300]
	frappe.db.rollback()
	assert not frappe.db.exists("Sales Quotation", {"opportunity": lost["opportunity"]})
	assert [j.kwargs for j in queued_since(before) if f"Lost Co {tag}" in repr(j.kwargs)] == []

	quotation = draft(f"Kept Co {tag}")
	before = queue.count
	kept = c.sales.insert(quotation)
	jobs = [j for j in queued_since(before) if j.kwargs["method"] == "sales_crm.notify.evaluate"]
	assert [(j.kwargs["user"], j.kwargs["kwargs"]["name"]) for j in jobs] == [(users.sales, kept["name"])]

	sent = []
	monkeypatch.setattr(
		notification_module, "enqueue_create_notification", lambda to, doc: sent.append((set(to), doc))
	)
	frappe.db.rollback()
	frappe.set_user(users.sales)
	notify.evaluate(**jobs[0].kwargs["kwargs"])  # what the worker runs
	[(to, doc)] = sent
	assert users.director in to and users.sales not in to
	assert doc["document_name"] == kept["name"] and f"Kept Co {tag}" in doc["email_content"]
	for job in jobs:
		job.delete()
