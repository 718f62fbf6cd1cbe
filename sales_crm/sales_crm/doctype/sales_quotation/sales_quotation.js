// Copyright (c) 2026, sales_crm contributors
// {% include "sales_crm/public/js/contact_and_site.js" %}
// {% include "sales_crm/public/js/approval.js" %}
// {% include "sales_crm/public/js/pricing.js" %}
// {% include "sales_crm/public/js/live_totals.js" %}

frappe.ui.form.on("Sales Quotation", {
	setup(frm) {
		sales_crm.set_contact_and_site_queries(frm);
	},
	refresh(frm) {
		sales_crm.approval.quotation(frm);
		const expired =
			frm.doc.status === "Expired" ||
			(frm.doc.valid_till &&
				frappe.datetime.get_diff(frm.doc.valid_till, frappe.datetime.get_today()) < 0);
		if (expired && ["Quoting", "Approved", "Accepted", "Expired"].includes(frm.doc.status)) {
			frm.set_intro(
				__(
					"This quotation expired on {0} (Valid Till): it cannot be approved, accepted or turned into a contract. Renew it as a new version with a new Valid Till.",
					[frappe.datetime.str_to_user(frm.doc.valid_till)]
				),
				"orange"
			);
		}
		if (frm.doc.docstatus === 1 && frm.doc.status === "Accepted" && !expired) {
			frm.add_custom_button(
				__("Contract"),
				() => frappe.model.open_mapped_doc({ method: "sales_crm.api.make_contract", frm }),
				__("Create")
			);
			frm.add_custom_button(
				__("Order"),
				() => frappe.model.open_mapped_doc({ method: "sales_crm.api.make_order", frm }),
				__("Create")
			);
		}
	},
});

frappe.ui.form.on("Sales Quotation", sales_crm.live_totals.selling_events("Sales Quotation Item"));
