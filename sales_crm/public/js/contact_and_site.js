// The customer's contacts and sites (Contact/Address linked to the Sales Customer), offered on the
// quotation, contract and order forms. Each form's script includes this file with a Jinja include
// directive in a line comment, which Frappe renders when it serves the script: no build step.
frappe.provide("sales_crm");

sales_crm.set_contact_and_site_queries = function (frm) {
	const of_customer = (query) => () => ({
		query,
		filters: { link_doctype: "Sales Customer", link_name: frm.doc.customer },
	});
	frm.set_query("contact", of_customer("frappe.contacts.doctype.contact.contact.contact_query"));
	frm.set_query("customer_address", of_customer("frappe.contacts.doctype.address.address.address_query"));
};
