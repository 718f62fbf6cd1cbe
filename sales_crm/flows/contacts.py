"""A customer's contacts and sites are Frappe's Contact and Address, linked to the Sales Customer through
their Dynamic Links (as ERPNext and Frappe CRM do); quotations, contracts and orders name one of each."""

import frappe
from frappe import _
from frappe.utils import cstr

from sales_crm.validation import throw

CUSTOMER = "Sales Customer"


def linked(doctype: str, name: str, customer: str) -> bool:
	"""Whether the Contact/Address ``name`` is linked to the Sales Customer ``customer``."""
	return bool(
		frappe.db.exists(
			"Dynamic Link",
			{"parenttype": doctype, "parent": name, "link_doctype": CUSTOMER, "link_name": customer},
		)
	)


def validate_contact_and_site(doc) -> None:
	"""The contact and the customer site must be the customer's; they fill the document's text fields."""
	for fieldname, doctype in (("contact", "Contact"), ("customer_address", "Address")):
		value = doc.get(fieldname)
		if value and not (doc.customer and linked(doctype, value, doc.customer)):
			throw(
				doc,
				_("{0} {1} is not one of customer {2}'s").format(_(doctype), value, doc.customer),
				fieldname,
			)
	if doc.get("contact") and doc.meta.has_field("contact_person") and not doc.get("contact_person"):
		doc.contact_person = contact_name(doc.contact)
	if (
		doc.get("customer_address")
		and doc.meta.has_field("delivery_address")
		and not doc.get("delivery_address")
	):
		doc.delivery_address = address_text(doc.customer_address)


ADDRESS_LINES = ["address_title", "address_line1", "address_line2", "city", "state", "pincode", "country"]


def address_text(address: str) -> str:
	"""The site's address as lines of text (Frappe's Address Template is optional on a site)."""
	row = frappe.db.get_value("Address", address, ADDRESS_LINES, as_dict=True)
	city = " ".join(filter(None, [row.city, row.state, row.pincode]))
	return "\n".join(
		filter(None, [row.address_title, row.address_line1, row.address_line2, city, row.country])
	)


def contact_name(contact: str) -> str:
	row = frappe.db.get_value("Contact", contact, ["first_name", "last_name", "designation"], as_dict=True)
	name = " ".join(filter(None, [row.first_name, row.last_name]))
	return " ".join(filter(None, [name, row.designation]))


def carry_lead_contact(lead, customer: str) -> str | None:
	"""Conversion: the lead's contact becomes a Contact of the customer (an existing one with the same
	e-mail, or the same name, is reused and linked to the lead too). Returns its name."""
	first_name = cstr(lead.contact_name).strip()
	if not first_name:
		return None
	contact = find_contact(customer, first_name, cstr(lead.email).strip().lower())
	if contact:
		doc = frappe.get_doc("Contact", contact)
		if not any(l.link_doctype == lead.doctype and l.link_name == lead.name for l in doc.links):
			doc.append("links", {"link_doctype": lead.doctype, "link_name": lead.name})
			doc.save(ignore_permissions=True)
		return contact
	doc = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first_name,
			"designation": lead.contact_title,
			"company_name": lead.company_name,
			"is_primary_contact": 0
			if frappe.db.exists(
				"Dynamic Link", {"parenttype": "Contact", "link_doctype": CUSTOMER, "link_name": customer}
			)
			else 1,
			"links": [
				{"link_doctype": CUSTOMER, "link_name": customer},
				{"link_doctype": lead.doctype, "link_name": lead.name},
			],
		}
	)
	if lead.email:
		doc.append("email_ids", {"email_id": lead.email, "is_primary": 1})
	for number, field in ((lead.phone, "is_primary_phone"), (lead.mobile, "is_primary_mobile_no")):
		if cstr(number).strip():
			doc.append("phone_nos", {"phone": number, field: 1})
	doc.insert(ignore_permissions=True)
	return doc.name


def find_contact(customer: str, first_name: str, email: str) -> str | None:
	contact = frappe.qb.DocType("Contact")
	link = frappe.qb.DocType("Dynamic Link")
	condition = contact.first_name == first_name
	if email:
		condition = condition | (contact.email_id == email)
	rows = (
		frappe.qb.from_(contact)
		.join(link)
		.on((link.parent == contact.name) & (link.parenttype == "Contact"))
		.select(contact.name)
		.where((link.link_doctype == CUSTOMER) & (link.link_name == customer))
		.where(condition)
		.orderby(contact.creation)
		.limit(1)
		.run()
	)
	return rows[0][0] if rows else None
