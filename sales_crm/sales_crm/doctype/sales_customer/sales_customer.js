// Copyright (c) 2026, sales_crm contributors
frappe.ui.form.on("Sales Customer", {
	refresh(frm) {
		if (!frm.is_new()) {
			frm.add_custom_button(__("Log Follow-up"), () =>
				frappe.new_doc("Sales Follow Up", { customer: frm.doc.name })
			);
		}
	},
});
