// Copyright (c) 2026, sales_crm contributors
frappe.ui.form.on("Sales Customer", {
	refresh(frm) {
		// contacts and sites: Frappe's Contact and Address, linked to this customer
		frappe.dynamic_link = { doc: frm.doc, fieldname: "name", doctype: "Sales Customer" };
		if (frm.is_new()) {
			frappe.contacts.clear_address_and_contact(frm);
			return;
		}
		frappe.contacts.render_address_and_contact(frm);
		frm.add_custom_button(__("Log Follow-up"), () =>
			frappe.new_doc("Sales Follow Up", { customer: frm.doc.name })
		);
		frm.add_custom_button(
			__("Customer Site Purchases"),
			() => frappe.set_route("query-report", "Customer Site Purchases", { customer: frm.doc.name }),
			__("View")
		);
	},
});
