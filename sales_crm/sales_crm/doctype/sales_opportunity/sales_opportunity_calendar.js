// Copyright (c) 2026, sales_crm contributors
// The calendar of opportunities, on their expected close date (only records that have the date).
frappe.views.calendar["Sales Opportunity"] = {
	field_map: {
		start: "expected_close_date",
		end: "expected_close_date",
		id: "name",
		title: "opportunity_name",
		allDay: "allDay",
	},
	get_events_method: "sales_crm.api.calendar_events",
};
