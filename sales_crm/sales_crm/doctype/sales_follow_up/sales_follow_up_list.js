// Copyright (c) 2026, sales_crm contributors
frappe.listview_settings["Sales Follow Up"] = {
	add_fields: ["status", "next_follow_up_date"],
	get_indicator(doc) {
		const colours = { Open: "blue", Overdue: "red", Closed: "green" };
		return [__(doc.status), colours[doc.status] || "gray", `status,=,${doc.status}`];
	},
};
