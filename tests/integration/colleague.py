"""A salesperson's colleague and the colleague's whole chain of records, each carrying figures and names that
appear nowhere else (``secrets``): a response that holds one of them showed the colleague's data."""

import random

import frappe
from factories import deliver_all, department_team, make_product
from frappe.model.workflow import apply_workflow
from frappe.utils import random_string

PASSWORD = "Sales-CRM-scope-2026!"


def team_and_records(prefix: str) -> frappe._dict:
	"""Committed (the server is another process): users ``sales``, ``colleague`` (Sales Users of one
	department), ``manager``, ``director``, ``accounts``; the colleague's records; ``secrets``."""
	from sales_crm import api

	team = department_team(prefix, PASSWORD)
	tag = random_string(8).upper()
	owner = {"sales_person": team.colleague, "sales_department": team.department}
	frappe.set_user("Administrator")
	rec = frappe._dict()
	rec.product = make_product(standard_rate=7919.37, product_name=f"Scope product {tag}").name
	rec.customer_name = f"Secretive Trading {tag}"
	rec.customer = (
		frappe.get_doc(
			{
				"doctype": "Sales Customer",
				"customer_name": rec.customer_name,
				"phone": f"+86-21-5550-{random.randint(1000, 9999)}",
				**owner,
			}
		)
		.insert()
		.name
	)
	rec.lead_company = f"Hidden Lead Works {tag}"
	rec.lead = (
		frappe.get_doc(
			{
				"doctype": "Sales Lead",
				"company_name": rec.lead_company,
				"lead_source": "800 Hotline",
				"own_products": [{"product_name": f"Own gadget {tag}", "annual_volume": 4321}],
				**owner,
			}
		)
		.insert()
		.name
	)
	rec.contact_first = f"Zhuge{tag}"
	rec.contact = (
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": rec.contact_first,
				"email_ids": [{"email_id": f"zhuge.{tag.lower()}@example.com", "is_primary": 1}],
				"links": [
					{"link_doctype": "Sales Customer", "link_name": rec.customer},
					{"link_doctype": "Sales Lead", "link_name": rec.lead},
				],
			}
		)
		.insert()
		.name
	)
	rec.address_line = f"{tag} Secret Road"
	rec.address = (
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": f"Site {tag}",
				"address_type": "Office",
				"address_line1": rec.address_line,
				"city": "Shanghai",
				"country": frappe.db.get_value("Country", {"name": ("like", "China%")}) or "India",
				"links": [{"link_doctype": "Sales Customer", "link_name": rec.customer}],
			}
		)
		.insert()
		.name
	)
	opportunity = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": f"Confidential deal {tag}",
			"customer": rec.customer,
			"items": [{"product": rec.product, "qty": 3, "rate": 7919.37}],
			**owner,
		}
	).insert()
	rec.opportunity = opportunity.name
	quotation = frappe.get_doc(api.make_quotation(opportunity.name))
	quotation.tax_rate = 0
	quotation.update(owner)
	quotation.insert()
	rec.quotation = quotation.name
	quotation = apply_workflow(quotation, "Approve")
	apply_workflow(quotation, "Customer Accepted")
	contract = frappe.get_doc(api.make_contract(quotation.name))
	contract.update(owner)
	contract.insert()
	contract.submit()
	rec.contract = contract.name
	order = frappe.get_doc(api.make_order(contract.name))
	order.update(owner)
	order.insert()
	order.submit()
	rec.order = order.name
	deliver_all(order.name)
	rec.receivable = api.invoice_order(order.name, f"INV-{tag}", "2026-11-01", 23758.11)
	receipt = api.make_receipt(rec.receivable)
	receipt = receipt if hasattr(receipt, "insert") else frappe.get_doc(receipt)
	receipt.update({"paid_amount": 23758.11, "receipt_date": "2026-11-05"})
	receipt.insert()
	receipt.submit()
	rec.receipt = receipt.name
	rec.customer_commission = (
		frappe.get_doc(
			{
				"doctype": "Customer Commission",
				"commission_name": f"Agent {tag}",
				"sales_contract": rec.contract,
				"commission_rate": 5,
				**owner,
			}
		)
		.insert()
		.name
	)
	rec.salesperson_commission = frappe.get_all(
		"Salesperson Commission", filters={"sales_contract": rec.contract}, pluck="name"
	)[0]
	frappe.db.commit()
	# the colleague's identifiers, names and figures: none may reach the salesperson
	rec.secrets = {
		rec.customer_name,
		rec.lead_company,
		rec.contact_first,
		rec.address_line,
		f"Confidential deal {tag}",
		f"Own gadget {tag}",
		"23758.11",
		"23,758.11",
		"23758.1",
		"7919.37",
		"7,919.37",
		"712.74",  # the Basic commission, 3 %
		"1187.91",  # the customer commission, 5 %
		f"INV-{tag}",
	}
	rec.names = {
		doctype: rec[key]
		for doctype, key in (
			("Sales Customer", "customer"),
			("Sales Lead", "lead"),
			("Sales Opportunity", "opportunity"),
			("Sales Quotation", "quotation"),
			("Sales Contract", "contract"),
			("Customer Order", "order"),
			("Sales Receivable", "receivable"),
			("Sales Receipt", "receipt"),
			("Customer Commission", "customer_commission"),
			("Salesperson Commission", "salesperson_commission"),
			("Contact", "contact"),
			("Address", "address"),
		)
	}
	team.records = rec
	return team


def child_rows(records) -> dict[str, list[tuple[str, str, str]]]:
	"""Every child table of the app's scoped DocTypes and of Contact/Address, from the meta:
	child DocType → [(parent DocType, parent name, child row name)] of the colleague's records."""
	from sales_crm.constants import LINK_SCOPED, SCOPED

	found: dict[str, list] = {}
	for parent in (*SCOPED, *LINK_SCOPED):
		for df in frappe.get_meta(parent).get_table_fields():
			found.setdefault(df.options, [])
			name = records.names.get(parent)
			if not name:
				continue
			for row in frappe.get_all(
				df.options, filters={"parent": name, "parenttype": parent}, pluck="name"
			):
				found[df.options].append((parent, name, row))
	return found


def leaked(text: str, secrets) -> list[str]:
	return sorted(secret for secret in secrets if secret and secret in text)
