// Copyright (c) 2026, sales_crm contributors
// {% include "sales_crm/public/js/contact_and_site.js" %}
// {% include "sales_crm/public/js/approval.js" %}
// {% include "sales_crm/public/js/pricing.js" %}
// {% include "sales_crm/public/js/live_totals.js" %}

frappe.ui.form.on("Sales Contract", {
	setup(frm) {
		sales_crm.set_contact_and_site_queries(frm);
		sales_crm.approval.hide_request_on_approved(frm);
	},
	refresh(frm) {
		sales_crm.approval.contract_or_order(frm, "Sign");
		if (frm.doc.docstatus === 1 && frm.doc.status === "Signed" && frm.doc.per_ordered < 100) {
			frm.add_custom_button(
				__("Order"),
				() => frappe.model.open_mapped_doc({ method: "sales_crm.api.make_order", frm }),
				__("Create")
			);
		}
	},
});

// the template's lines for the current grand total; the server fills an empty plan on save as well
frappe.ui.form.on("Sales Contract", {
	payment_terms_template(frm) {
		if (!frm.doc.payment_terms_template || frm.doc.docstatus !== 0) return;
		frappe.call({
			method: "sales_crm.api.payment_plan",
			args: {
				template: frm.doc.payment_terms_template,
				grand_total: frm.doc.grand_total || 0,
				signed_on: frm.doc.signed_on || frm.doc.order_date || null,
			},
			callback(r) {
				frm.clear_table("payment_plan");
				(r.message || []).forEach((line) => frm.add_child("payment_plan", line));
				frm.refresh_field("payment_plan");
			},
		});
	},
});

frappe.ui.form.on("Sales Contract", sales_crm.live_totals.selling_events("Sales Contract Item"));
