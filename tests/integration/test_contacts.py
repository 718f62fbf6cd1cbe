"""A customer's contacts and sites are Frappe's Contact and Address with Dynamic Links (issue 12):
conversion carries the lead's contact over, quotations, contracts and orders name the customer's contact
and site, and Customer Site Purchases sums the orders per site."""

import random

import frappe
import pytest
from factories import db_state, make_customer, make_product, pipeline, sales_team, selling_doc
from frappe.utils import random_string

from sales_crm import api
from sales_crm.sales_crm.report.customer_site_purchases import customer_site_purchases


def address(customer: str, address_type: str, title: str | None = None):
	return frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": title or f"{address_type} {random_string(4)}",
			"address_type": address_type,
			"address_line1": f"{random.randint(1, 999)} Huaihai Road",
			"city": "Shanghai",
			"country": frappe.db.get_value("Country", {"name": ("like", "China%")}) or "India",
			"links": [{"link_doctype": "Sales Customer", "link_name": customer}],
		}
	).insert()


def contact(customer: str, first_name: str):
	return frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first_name,
			"links": [{"link_doctype": "Sales Customer", "link_name": customer}],
		}
	).insert()


def test_conversion_carries_the_leads_contact_over():
	team = sales_team()
	frappe.set_user(team.manager)
	email = f"wang.{random_string(5).lower()}@example.com"
	lead = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": f"Contact Co {random_string(6)}",
			"lead_source": "Employee Referral",
			"contact_name": "Wang Fang",
			"contact_title": "Purchasing Manager",
			"email": email,
			"mobile": f"+86-139-{random.randint(10000000, 99999999)}",
			"sales_department": team.department,
		}
	).insert()
	api.assign_leads([lead.name], team.sales)
	frappe.set_user(team.sales)
	opportunity = frappe.get_doc("Sales Opportunity", api.convert_lead(lead.name))
	customer = opportunity.customer
	assert opportunity.contact
	person = frappe.get_doc("Contact", opportunity.contact)
	assert (person.first_name, person.designation, person.email_id) == (
		"Wang Fang",
		"Purchasing Manager",
		email,
	)
	assert person.mobile_no == lead.mobile
	assert {(l.link_doctype, l.link_name) for l in person.links} == {
		("Sales Customer", customer),
		("Sales Lead", lead.name),
	}
	# the quotation names the same contact (the mapper copies it)
	quotation = frappe.get_doc(api.make_quotation(opportunity.name))
	assert quotation.contact == person.name
	# the customer's form lists it
	doc = frappe.get_doc("Sales Customer", customer)
	doc.run_method("onload")
	assert [c.name for c in doc.get_onload().get("contact_list")] == [person.name]


def test_a_customer_has_several_contacts_and_sites_and_documents_name_them():
	chain = pipeline("accepted")
	customer = chain.customer
	buyer, engineer = contact(customer, "Li Na"), contact(customer, "Zhao Lei")
	plant = address(customer, "Plant")
	purchasing = address(customer, "Purchasing")  # a type the app adds to Address
	it = address(customer, "IT")
	doc = frappe.get_doc("Sales Customer", customer)
	doc.run_method("onload")
	assert {c.name for c in doc.get_onload().get("contact_list")} == {buyer.name, engineer.name}
	assert {a.name for a in doc.get_onload().get("addr_list")} == {plant.name, purchasing.name, it.name}

	contract = frappe.get_doc(api.make_contract(chain.quotation))
	contract.update({"contact": buyer.name, "customer_address": purchasing.name})
	contract.insert()
	contract.submit()
	order = frappe.get_doc(api.make_order(contract.name))
	assert (order.contact, order.customer_address) == (buyer.name, purchasing.name)  # carried over
	order.customer_address = plant.name
	order.insert()
	assert order.contact_person == "Li Na"
	assert "Huaihai Road" in order.delivery_address
	order.submit()

	_columns, data, *_ = customer_site_purchases.execute(
		{"from_date": "2000-01-01", "to_date": "2099-12-31", "customer": customer}
	)
	assert [(row["customer_address"], row["orders"], row["order_amount"]) for row in data] == [
		(plant.name, 1, order.base_grand_total)
	]
	assert data[0]["address_type"] == "Plant"


@pytest.mark.parametrize("fieldname", ["contact", "customer_address"])
def test_another_customers_contact_or_site_is_refused(fieldname):
	mine, theirs = make_customer(), make_customer()
	foreign = contact(theirs.name, "Sun Li") if fieldname == "contact" else address(theirs.name, "Office")
	product = make_product(standard_rate=10).name
	before = db_state()
	with pytest.raises(frappe.ValidationError, match="is not one of customer"):
		selling_doc(
			"Sales Quotation",
			[{"product": product, "qty": 1, "price_list_rate": 10}],
			customer=mine.name,
			**{fieldname: foreign.name},
		)
	assert db_state() == before


def test_the_site_types_include_purchasing_and_it():
	options = frappe.get_meta("Address").get_field("address_type").options.split("\n")
	assert {"Office", "Plant", "Purchasing", "IT"} <= set(options)
	assert options[-1] == "Other"
