// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Customer Commission"] = {
	add_fields: ["status", "commission_amount", "commission_paid_amount"],
	has_indicator_for_draft: 1,

	get_indicator(doc) {
		const colours = {
			Drafting: "gray",
			"Under Approval": "orange",
			Executing: "blue",
			Closed: "green",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
