// Copyright (c) 2026, sales_crm contributors
// {% include "sales_crm/public/js/pricing.js" %}
// {% include "sales_crm/public/js/live_totals.js" %}
// {% include "sales_crm/public/js/follow_up_dialog.js" %}
frappe.ui.form.on("Sales Opportunity", {
	setup(frm) {
		// the customer's contacts and sites (Contact/Address linked to the Sales Customer)
		frm.set_query("contact", () => ({
			query: "frappe.contacts.doctype.contact.contact.contact_query",
			filters: { link_doctype: "Sales Customer", link_name: frm.doc.customer },
		}));
	},
	refresh(frm) {
		// a stage is data (its Sales Method's); the standard method's stages ship with their translations,
		// which the field's own input cannot show
		const stage = frm.doc.sales_stage;
		frm.set_df_property("sales_stage", "description", stage && __(stage) !== stage ? __(stage) : "");
		if (!frm.is_new() && frm.doc.status === "Open") {
			frm.add_custom_button(
				__("Quotation"),
				() => frappe.model.open_mapped_doc({ method: "sales_crm.api.make_quotation", frm }),
				__("Create")
			);
			frm.add_custom_button(__("Log Follow-up"), () =>
				sales_crm.follow_up_dialog.open(frm, {
					opportunity: frm.doc.name,
					customer: frm.doc.customer,
				})
			);
		}
	},
	loss_reason(frm) {
		if (frm.doc.loss_reason && !(frm.doc.lost_reason || "").trim()) {
			frm.set_value("lost_reason", __(frm.doc.loss_reason));
		}
	},
});

const recompute_opportunity = (frm) => sales_crm.live_totals.opportunity(frm);
frappe.ui.form.on("Sales Opportunity", {
	exchange_rate: recompute_opportunity,
	items_remove: recompute_opportunity,
});
frappe.ui.form.on("Sales Opportunity Item", {
	qty: recompute_opportunity,
	rate: recompute_opportunity,
	product: recompute_opportunity,
	items_remove: recompute_opportunity,
});
