"""Quotation validity: an expired quotation cannot be approved, accepted or turned into a contract —
in-process and over HTTP through Frappe's workflow action endpoint — and the daily job marks exactly the
approved quotations past their Valid Till, in one statement, idempotently."""

import frappe
import pytest
from factories import make_department, make_product, make_user, selling_doc
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, nowdate, random_string
from frappe.utils.password import update_password

from sales_crm import api
from sales_crm.flows.quotations import mark_expired_quotations

PASSWORD = "Sales-CRM-test-2026!"


def quotation(valid_till=None, **kwargs):
	return selling_doc(
		"Sales Quotation", [{"qty": 2, "price_list_rate": 100}], valid_till=valid_till, tax_rate=0, **kwargs
	)


def approved(valid_till, accepted=False):
	"""Approved while valid (today), then its Valid Till moved to ``valid_till`` as time passing would."""
	doc = apply_workflow(quotation(nowdate()), "Approve")
	if accepted:
		doc = apply_workflow(doc, "Customer Accepted")
	frappe.db.set_value("Sales Quotation", doc.name, "valid_till", valid_till, update_modified=False)
	return frappe.get_doc("Sales Quotation", doc.name)


def yesterday():
	return add_days(nowdate(), -1)


def test_an_expired_draft_cannot_be_approved():
	doc = quotation(yesterday())
	with pytest.raises(frappe.ValidationError) as error:
		apply_workflow(doc, "Approve")
	message = str(error.value)
	assert doc.name in message and "Valid Till" in message and "approved" in message
	assert frappe.db.get_value("Sales Quotation", doc.name, ["docstatus", "status"]) == (0, "Quoting")
	# valid through today: approved
	doc = frappe.get_doc("Sales Quotation", doc.name)
	doc.valid_till = nowdate()
	doc.save()
	assert apply_workflow(doc, "Approve").status == "Approved"


def test_an_expired_quotation_cannot_be_accepted_but_can_be_rejected():
	doc = approved(yesterday())
	with pytest.raises(frappe.ValidationError) as error:
		apply_workflow(doc, "Customer Accepted")
	assert doc.name in str(error.value) and "Valid Till" in str(error.value)
	assert frappe.db.get_value("Sales Quotation", doc.name, "status") == "Approved"
	assert (
		apply_workflow(frappe.get_doc("Sales Quotation", doc.name), "Customer Rejected").status == "Rejected"
	)


def test_an_expired_quotation_cannot_become_a_contract():
	doc = approved(nowdate(), accepted=True)
	draft = frappe.get_doc(api.make_contract(doc.name))  # mapped while valid
	frappe.db.set_value("Sales Quotation", doc.name, "valid_till", yesterday(), update_modified=False)
	with pytest.raises(frappe.ValidationError) as error:
		api.make_contract(doc.name)
	assert doc.name in str(error.value) and "Valid Till" in str(error.value)
	with pytest.raises(frappe.ValidationError) as error:
		draft.insert()
	assert "Sales Contract" in str(error.value) and doc.name in str(error.value)
	assert not frappe.db.exists("Sales Contract", {"quotation": doc.name})


def test_an_expired_quotation_cannot_become_an_order():
	doc = approved(nowdate(), accepted=True)
	draft = frappe.get_doc(api.make_order(doc.name))  # mapped while valid
	frappe.db.set_value("Sales Quotation", doc.name, "valid_till", yesterday(), update_modified=False)
	with pytest.raises(frappe.ValidationError) as error:
		api.make_order(doc.name)
	assert doc.name in str(error.value) and "Valid Till" in str(error.value) and "order" in str(error.value)
	with pytest.raises(frappe.ValidationError) as error:
		draft.insert()
	assert "Customer Order" in str(error.value) and doc.name in str(error.value)
	assert not frappe.db.exists("Customer Order", {"quotation": doc.name})


def test_the_daily_job_marks_exactly_the_expired_approved_quotations():
	today = nowdate()
	cases = {
		"approved_expired": approved(yesterday()).name,
		"approved_long_expired": approved(add_days(today, -40)).name,
		"approved_valid_today": approved(today).name,
		"approved_no_validity": approved(None).name,
		"accepted_expired": approved(yesterday(), accepted=True).name,
		"draft_expired": quotation(yesterday()).name,
	}
	before = frappe.db.count(
		"Sales Quotation", {"docstatus": 1, "status": "Approved", "valid_till": ["<", today]}
	)
	assert before >= 2
	assert mark_expired_quotations(today) == before
	status = {key: frappe.db.get_value("Sales Quotation", name, "status") for key, name in cases.items()}
	assert status == {
		"approved_expired": "Expired",
		"approved_long_expired": "Expired",
		"approved_valid_today": "Approved",
		"approved_no_validity": "Approved",
		"accepted_expired": "Accepted",
		"draft_expired": "Quoting",
	}
	assert not frappe.db.count(
		"Sales Quotation", {"docstatus": 1, "status": "Approved", "valid_till": ["<", today]}
	)
	assert mark_expired_quotations(today) == 0  # idempotent
	# the next day, the one valid through today expires too
	assert mark_expired_quotations(add_days(today, 1)) == 1
	assert frappe.db.get_value("Sales Quotation", cases["approved_valid_today"], "status") == "Expired"
	# an expired quotation takes no workflow action; renewal is cancel + amend with a new Valid Till
	expired = frappe.get_doc("Sales Quotation", cases["approved_expired"])
	with pytest.raises(frappe.ValidationError):
		apply_workflow(expired, "Customer Accepted")
	expired.cancel()
	renewal = frappe.copy_doc(expired)
	renewal.amended_from = expired.name
	renewal.valid_till = add_days(today, 30)
	renewal.insert()
	assert (renewal.status, renewal.version) == ("Quoting", 2)
	assert apply_workflow(renewal, "Approve").status == "Approved"


def test_the_job_is_scheduled_daily():
	from sales_crm import hooks

	assert "sales_crm.flows.quotations.mark_expired_quotations" in hooks.scheduler_events["daily"]


# ------------------------------------------------------------------------------------------- over HTTP


@pytest.fixture(scope="module")
def http_world(site):
	"""Committed: a salesperson and a director, an expired draft, an approved and an accepted quotation
	that expired after approval, and a contract mapped from the accepted one while it was valid."""
	tag = random_string(6).lower()
	world = frappe._dict(
		sales=make_user(f"valid-sales-{tag}@example.com", "Sales User"),
		director=make_user(f"valid-director-{tag}@example.com", "Sales User", "Sales Director"),
	)
	manager = make_user(f"valid-manager-{tag}@example.com", "Sales User", "Sales Manager")
	for user in (world.sales, world.director):
		update_password(user, PASSWORD)
	department = make_department(manager, [world.sales]).name
	product = make_product(standard_rate=100).name

	def make(valid_till):
		return selling_doc(
			"Sales Quotation",
			[{"product": product, "qty": 1, "price_list_rate": 100}],
			valid_till=valid_till,
			tax_rate=0,
			sales_person=world.sales,
			sales_department=department,
		)

	world.draft = make(yesterday()).name
	world.approved = apply_workflow(make(nowdate()), "Approve").name
	accepted = apply_workflow(apply_workflow(make(nowdate()), "Approve"), "Customer Accepted")
	world.accepted = accepted.name
	world.contract = api.make_contract(accepted.name).as_dict(convert_dates_to_str=True)
	world.contract.update({"owner": None, "creation": None, "modified": None})
	for name in (world.approved, world.accepted):
		frappe.db.set_value("Sales Quotation", name, "valid_till", yesterday(), update_modified=False)
	frappe.db.commit()
	return world


def test_expiry_over_http_through_the_workflow_endpoint(server, http_world):
	w = http_world
	director = server.session(w.director, PASSWORD)
	sales = server.session(w.sales, PASSWORD)

	draft = director.get("Sales Quotation", w.draft)
	r = director.workflow(draft, "Approve")
	assert r.status_code == 417 and w.draft in r.text and "Valid Till" in r.text, r.text
	assert director.get("Sales Quotation", w.draft)["docstatus"] == 0

	approved = sales.get("Sales Quotation", w.approved)
	r = sales.workflow(approved, "Customer Accepted")
	assert r.status_code == 417 and w.approved in r.text and "Valid Till" in r.text, r.text
	assert sales.get("Sales Quotation", w.approved)["status"] == "Approved"

	r = sales.call("sales_crm.api.make_contract", source_name=w.accepted)
	assert r.status_code == 417 and w.accepted in r.text, r.text
	contract = {k: v for k, v in w.contract.items() if v is not None and k not in ("name", "docstatus")}
	contract["items"] = [
		{k: v for k, v in row.items() if v is not None and k not in ("name", "parent", "docstatus")}
		for row in w.contract["items"]
	]
	r = sales.http.post(f"{server.url}/api/resource/Sales Contract", json=contract, timeout=120)
	assert r.status_code == 417 and w.accepted in r.text and "Valid Till" in r.text, r.text
	frappe.db.rollback()
	assert not frappe.db.exists("Sales Contract", {"quotation": w.accepted})
