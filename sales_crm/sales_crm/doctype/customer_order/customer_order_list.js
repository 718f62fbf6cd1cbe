// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Customer Order"] = {
	add_fields: ["status", "docstatus", "per_delivered", "per_invoiced", "per_collected"],
	has_indicator_for_draft: 1,

	get_indicator(doc) {
		const colours = {
			Draft: "gray",
			"To Deliver and Invoice": "orange",
			"To Invoice": "yellow",
			"To Deliver": "purple",
			Completed: "green",
			Cancelled: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
