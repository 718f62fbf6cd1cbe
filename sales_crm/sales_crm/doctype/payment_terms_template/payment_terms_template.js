// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Payment Terms Template Row", {
	share(frm, cdt, cdn) {
		// a row is a share or a fixed amount, never both
		if (locals[cdt][cdn].share) frappe.model.set_value(cdt, cdn, "amount", 0);
	},
	amount(frm, cdt, cdn) {
		if (locals[cdt][cdn].amount) frappe.model.set_value(cdt, cdn, "share", 0);
	},
});
