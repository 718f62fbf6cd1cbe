// Copyright (c) 2026, sales_crm contributors
frappe.ui.form.on("Sales Contract", {
	setup(frm) {
		// the customer's contacts and sites (Contact/Address linked to the Sales Customer)
		frm.set_query("contact", () => ({
			query: "frappe.contacts.doctype.contact.contact.contact_query",
			filters: { link_doctype: "Sales Customer", link_name: frm.doc.customer },
		}));
		frm.set_query("customer_address", () => ({
			query: "frappe.contacts.doctype.address.address.address_query",
			filters: { link_doctype: "Sales Customer", link_name: frm.doc.customer },
		}));
	},
	refresh(frm) {
		if (frm.doc.docstatus === 1 && frm.doc.status === "Signed" && frm.doc.per_ordered < 100) {
			frm.add_custom_button(
				__("Order"),
				() => frappe.model.open_mapped_doc({ method: "sales_crm.api.make_order", frm }),
				__("Create")
			);
		}
	},
});
