// Copyright (c) 2026, sales_crm contributors
// The calendar of receivables, on their due date (only records that have the date).
frappe.views.calendar["Sales Receivable"] = {
	field_map: {
		start: "due_date",
		end: "due_date",
		id: "name",
		title: "customer",
		allDay: "allDay",
	},
	get_events_method: "sales_crm.api.calendar_events",
};
