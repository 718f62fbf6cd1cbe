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
		for (const row of frm.doc.__onload?.credit || []) {
			frm.dashboard.add_indicator(
				__("Credit on Account ({0}): {1}", [
					row.currency,
					format_currency(row.balance, row.currency),
				]),
				"green"
			);
		}
		frm.add_custom_button(
			__("Customer Credit Balance"),
			() => frappe.set_route("query-report", "Customer Credit Balance", { customer: frm.doc.name }),
			__("View")
		);
		frm.add_custom_button(
			__("Customer Site Purchases"),
			() => frappe.set_route("query-report", "Customer Site Purchases", { customer: frm.doc.name }),
			__("View")
		);
	},
});
