// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Contract"] = {
	add_fields: ["status", "docstatus", "per_ordered", "per_collected", "grand_total", "currency"],
	has_indicator_for_draft: 1,

	get_indicator(doc) {
		const colours = {
			Draft: "gray",
			Signed: "blue",
			Completed: "green",
			Cancelled: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
