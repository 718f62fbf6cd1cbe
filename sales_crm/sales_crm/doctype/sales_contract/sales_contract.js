// Copyright (c) 2026, sales_crm contributors
// {% include "sales_crm/public/js/contact_and_site.js" %}
// {% include "sales_crm/public/js/approval.js" %}
// {% include "sales_crm/public/js/pricing.js" %}
// {% include "sales_crm/public/js/live_totals.js" %}
// {% include "sales_crm/public/js/payment_plan.js" %}

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

frappe.ui.form.on("Sales Contract", sales_crm.payment_plan.events);

frappe.ui.form.on("Sales Contract", sales_crm.live_totals.selling_events("Sales Contract Item"));
