// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Receivable"] = {
	add_fields: ["status", "docstatus", "is_overdue", "due_date", "outstanding_amount", "currency"],
	has_indicator_for_draft: 1,

	get_indicator(doc) {
		if (doc.docstatus === 0) {
			return [__("Draft"), "gray", "docstatus,=,0"];
		}
		if (doc.docstatus === 2) {
			return [__("Cancelled"), "red", "docstatus,=,2"];
		}
		if (doc.status === "Paid") {
			return [__("Paid"), "green", "status,=,Paid"];
		}
		if (doc.is_overdue) {
			return [__("Overdue"), "red", "status,=,Unpaid|is_overdue,=,1"];
		}
		return [__("Unpaid"), "orange", "status,=,Unpaid"];
	},
};
