// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Lead"] = {
	add_fields: ["status", "sales_person", "sales_department", "lead_source"],
	has_indicator_for_draft: 1,

	get_indicator(doc) {
		const colours = {
			Unassigned: "orange",
			Assigned: "blue",
			Converted: "green",
			Lost: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
