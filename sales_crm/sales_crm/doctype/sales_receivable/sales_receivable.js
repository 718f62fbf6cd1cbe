// Copyright (c) 2026, sales_crm contributors
frappe.ui.form.on("Sales Receivable", {
	refresh(frm) {
		if (
			frm.doc.docstatus === 1 &&
			frm.doc.outstanding_amount > 0 &&
			frappe.model.can_create("Sales Receipt")
		) {
			frm.add_custom_button(
				__("Receipt"),
				() => frappe.model.open_mapped_doc({ method: "sales_crm.api.make_receipt", frm }),
				__("Create")
			);
		}
	},
});
