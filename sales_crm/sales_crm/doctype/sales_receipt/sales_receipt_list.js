// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Receipt"] = {
	add_fields: ["docstatus", "receipt_type", "paid_amount", "write_off_amount", "currency"],
	has_indicator_for_draft: 1,

	get_indicator(doc) {
		if (doc.docstatus === 0) {
			return [__("Draft"), "gray", "docstatus,=,0"];
		}
		if (doc.docstatus === 2) {
			return [__("Cancelled"), "red", "docstatus,=,2"];
		}
		const colours = { Payment: "green", Advance: "blue", Refund: "orange" };
		return [
			__(doc.receipt_type),
			colours[doc.receipt_type] || "green",
			"receipt_type,=," + doc.receipt_type,
		];
	},
};
