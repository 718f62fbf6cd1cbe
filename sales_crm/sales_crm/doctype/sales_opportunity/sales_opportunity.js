// Copyright (c) 2026, sales_crm contributors
frappe.ui.form.on("Sales Opportunity", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.status === "Open") {
			frm.add_custom_button(
				__("Quotation"),
				() => frappe.model.open_mapped_doc({ method: "sales_crm.api.make_quotation", frm }),
				__("Create")
			);
		}
	},
});
