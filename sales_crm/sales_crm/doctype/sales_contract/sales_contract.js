// Copyright (c) 2026, sales_crm contributors
frappe.ui.form.on("Sales Contract", {
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
