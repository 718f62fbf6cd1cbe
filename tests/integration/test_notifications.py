"""The Notifications the app ships (issue 12): each one's recipients, captured where Frappe hands them
to the notification log, and a director's desk notification for a quotation awaiting approval."""

import frappe
import pytest
from factories import pipeline, sales_team
from frappe.email.doctype.notification import notification as notification_module
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, nowdate, random_string

from sales_crm import api, notify
from sales_crm.org import clear_departments_cache

SHIPPED = (
	"Sales Quotation Awaiting Approval",
	"Sales Quotation Decided",
	"Sales Lead Assigned",
	"Sales Follow Up Due",
	"Sales Receivable Overdue",
	"Sales Contract Awaiting Approval",
	"Customer Order Awaiting Approval",
	"Salesperson Commission Approved or Paid",
)


@pytest.fixture
def sent(monkeypatch):
	"""Every system notification sent: (document name, subject, recipients)."""
	calls = []

	def capture(users, doc):
		calls.append(
			frappe._dict(name=doc["document_name"], subject=doc["subject"], users=set(users), doc=doc)
		)

	monkeypatch.setattr(notification_module, "enqueue_create_notification", capture)
	# evaluated where the save is, as if it had committed (the job's own path is tested apart)
	monkeypatch.setattr(notify, "_queue", lambda **job: notify.evaluate(**job))
	for doctype in ("Sales Quotation", "Sales Contract", "Customer Order", "Salesperson Commission"):
		frappe.cache.hdel("notifications", doctype)
	return calls


@pytest.fixture
def team():
	return sales_team()


@pytest.fixture
def clear_rules():
	"""An Assignment Rule a test enabled is rolled back, and so is Frappe's cached list of them."""
	from frappe.cache_manager import clear_doctype_map

	yield
	frappe.db.rollback()
	clear_doctype_map("Assignment Rule", "Sales Lead")


def for_doc(calls, name):
	return [call for call in calls if call.name == name]


def test_the_notifications_ship_as_standard_records_of_the_module():
	for name in SHIPPED:
		doc = frappe.get_doc("Notification", name)
		assert (doc.is_standard, doc.enabled, doc.module, doc.channel) == (
			1,
			1,
			"Sales CRM",
			"System Notification",
		)


def quotation_for(team):
	frappe.set_user("Administrator")
	chain = pipeline("opportunity")
	frappe.db.set_value("Sales Opportunity", chain.opportunity, "sales_person", team.sales)
	frappe.db.set_value("Sales Customer", chain.customer, "sales_person", team.sales)
	frappe.set_user(team.sales)
	quotation = frappe.get_doc(api.make_quotation(chain.opportunity))
	quotation.insert()
	return quotation


def test_a_new_quotation_notifies_the_directors_and_its_decision_the_salesperson(team, sent):
	quotation = quotation_for(team)
	[awaiting] = for_doc(sent, quotation.name)
	assert team.director in awaiting.users and team.sales not in awaiting.users
	assert quotation.name in awaiting.subject

	frappe.set_user(team.director)
	apply_workflow(quotation, "Approve")
	decided = [c for c in for_doc(sent, quotation.name) if c is not awaiting]
	assert [c.users for c in decided] == [{team.sales}]
	assert "Approved" in decided[0].subject

	frappe.set_user(team.sales)
	apply_workflow(frappe.get_doc("Sales Quotation", quotation.name), "Customer Rejected")
	rejected = [c for c in for_doc(sent, quotation.name) if "Rejected" in c.subject]
	assert [c.users for c in rejected] == [{team.sales}]


def test_the_director_gets_the_approval_notification_in_the_desk(team, sent):
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	quotation = quotation_for(team)
	[awaiting] = for_doc(sent, quotation.name)
	make_notification_logs(awaiting.doc, list(awaiting.users))
	log = frappe.get_all(
		"Notification Log",
		filters={
			"for_user": team.director,
			"document_type": "Sales Quotation",
			"document_name": quotation.name,
		},
		fields=["subject", "type"],
	)
	assert len(log) == 1 and log[0].type == "Alert" and quotation.name in log[0].subject
	assert not frappe.db.exists("Notification Log", {"for_user": team.sales, "document_name": quotation.name})


@pytest.mark.parametrize("path", ["assign_leads", "desk", "rule"])
def test_an_assigned_lead_notifies_the_salesperson_on_every_path(team, sent, path, clear_rules):
	from frappe.desk.form import assign_to

	from sales_crm.flows.lead_import import setup_assignment_rule

	frappe.cache.hdel("notifications", "Sales Lead")
	frappe.set_user("Administrator")
	if path == "rule":
		# the department's round-robin rule, with only the salesperson in it
		frappe.db.set_value(
			"Sales Department Member", {"parent": team.department, "user": team.other_sales}, "is_active", 0
		)
		clear_departments_cache()
		setup_assignment_rule(team.department, enable=True)
	frappe.set_user(team.manager)
	lead = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": f"Notify Co {random_string(6)}",
			"lead_source": "Advertising Response",
			"sales_department": team.department,
		}
	).insert()
	if path == "assign_leads":
		api.assign_leads([lead.name], team.sales)
	elif path == "desk":
		assign_to.add({"assign_to": [team.sales], "doctype": "Sales Lead", "name": lead.name})
	assert frappe.db.get_value("Sales Lead", lead.name, "sales_person") == team.sales
	calls = for_doc(sent, lead.name)
	assert [c.users for c in calls] == [{team.sales}]


def test_a_due_follow_up_notifies_its_owner(team, sent):
	frappe.set_user(team.manager)
	lead = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": f"Due Co {random_string(6)}",
			"lead_source": "800 Hotline",
			"sales_department": team.department,
		}
	).insert()
	api.assign_leads([lead.name], team.sales)
	frappe.set_user(team.sales)
	due = frappe.get_doc(
		{
			"doctype": "Sales Follow Up",
			"sales_lead": lead.name,
			"follow_up_type": "Call",
			"outcome": "Asked for a sample",
			"follow_up_date": add_days(nowdate(), -2),
			"next_follow_up_date": nowdate(),
		}
	).insert()
	frappe.set_user("Administrator")
	alert = frappe.get_doc("Notification", "Sales Follow Up Due")
	today = {doc.name for doc in alert.get_documents_for_today()}
	assert due.name in today
	for doc in alert.get_documents_for_today():
		if doc.name == due.name:
			notification_module.evaluate_alert(doc, alert, alert.event)
	[call] = for_doc(sent, due.name)
	assert call.users == {team.sales}
	# a closed follow-up is not reminded
	frappe.db.set_value("Sales Follow Up", due.name, "status", "Closed")
	assert due.name not in {doc.name for doc in alert.get_documents_for_today()}


def test_an_overdue_receivable_notifies_the_salesperson_and_accounts(team, sent):
	frappe.set_user("Administrator")
	chain = pipeline("receivable")
	frappe.db.set_value(
		"Sales Receivable",
		chain.receivable,
		{"sales_person": team.sales, "due_date": add_days(nowdate(), -1)},
	)
	alert = frappe.get_doc("Notification", "Sales Receivable Overdue")
	docs = {doc.name: doc for doc in alert.get_documents_for_today()}
	assert chain.receivable in docs
	notification_module.evaluate_alert(docs[chain.receivable], alert, alert.event)
	[call] = for_doc(sent, chain.receivable)
	assert team.sales in call.users and team.accounts in call.users
	assert team.director not in call.users


def test_a_contract_awaiting_approval_notifies_the_directors_and_its_commission_the_salesperson(team, sent):
	from factories import selling_doc

	frappe.set_user("Administrator")
	contract = selling_doc(
		"Sales Contract", [{"qty": 2, "price_list_rate": 100}], sales_person=team.sales, tax_rate=0
	)
	assert contract.needs_approval  # no quotation behind it
	frappe.set_user(team.sales)
	contract = apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Request Approval")
	[awaiting] = for_doc(sent, contract.name)
	assert team.director in awaiting.users and team.sales not in awaiting.users
	assert contract.name in awaiting.subject

	frappe.set_user(team.director)
	contract = apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Approve")
	frappe.set_user(team.sales)
	apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Sign")
	[basic] = frappe.get_all(
		"Salesperson Commission", filters={"sales_contract": contract.name}, pluck="name"
	)
	assert not for_doc(sent, basic)  # drafted: nothing to tell yet

	frappe.set_user(team.manager)
	apply_workflow(frappe.get_doc("Salesperson Commission", basic), "Approve")
	frappe.set_user(team.accounts)
	apply_workflow(frappe.get_doc("Salesperson Commission", basic), "Pay")
	told = for_doc(sent, basic)
	assert [c.users for c in told] == [{team.sales}, {team.sales}]
	assert "approved" in told[0].subject and "paid" in told[1].subject


def test_a_save_leaves_its_notifications_to_the_commit_and_a_rollback_drops_them(team, monkeypatch):
	from frappe.utils import background_jobs

	pushed, reached = [], []

	class Queue:
		def enqueue_call(self, *args, kwargs, **options):
			pushed.append(kwargs)

	def get_queue(*args, **kwargs):
		reached.append(args)  # Frappe opens (and pings) the Redis queue here
		return Queue()

	monkeypatch.setattr(background_jobs, "get_queue", get_queue)
	kept = quotation_for(team)
	# nothing leaves the transaction before it commits, and the save does not reach the queue for it
	assert pushed == [] and [a for a in reached if a[:1] == ("default",)] == []
	frappe.db.after_commit.run()  # what frappe.db.commit() runs once MariaDB committed
	[job] = [job for job in pushed if job["method"] == "sales_crm.notify.evaluate"]
	assert job["user"] == team.sales
	assert (job["kwargs"]["name"], job["kwargs"]["raised"]) == (
		kept.name,
		[("Sales Quotation Awaiting Approval", "New")],
	)
	quotation_for(team)
	frappe.db.rollback()
	frappe.db.after_commit.run()
	assert [j for j in pushed if j["method"] == "sales_crm.notify.evaluate"] == [job]  # the rolled-back
	# quotation's notification went with it


def test_the_job_renders_in_the_saving_request_s_language_and_skips_a_record_not_the_one_saved(team, sent):
	quotation = quotation_for(team)
	job = dict(
		doctype="Sales Quotation",
		name=quotation.name,
		creation=str(quotation.creation),
		raised=[("Sales Quotation Awaiting Approval", "New")],
		record=quotation.as_dict(),
		before=None,
	)
	sent.clear()
	notify.evaluate(**job)
	[awaiting] = for_doc(sent, quotation.name)
	assert team.director in awaiting.users
	sent.clear()
	lang = frappe.local.lang
	try:
		frappe.local.lang = "en"  # a job starts in the site's language
		notify.evaluate(**job, lang="zh")  # the saving request's
	finally:
		frappe.local.lang = lang
	assert for_doc(sent, quotation.name)[0].subject == f"报价单 {quotation.name} 待您审批"
	sent.clear()
	# rolled back to a savepoint and its name taken again by another record; or not there at all
	notify.evaluate(**{**job, "creation": "2020-01-01 00:00:00.000001"})
	notify.evaluate(**{**job, "name": f"{quotation.name}-GONE"})
	assert sent == []
