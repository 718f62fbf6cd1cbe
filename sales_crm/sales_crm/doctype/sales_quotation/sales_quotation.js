// Copyright (c) 2026, sales_crm contributors
frappe.ui.form.on("Sales Quotation", {
	refresh(frm) {
		if (frm.doc.docstatus === 1 && frm.doc.status === "Accepted") {
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
