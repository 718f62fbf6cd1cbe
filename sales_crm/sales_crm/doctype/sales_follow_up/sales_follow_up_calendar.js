// Copyright (c) 2026, sales_crm contributors
// The calendar of planned follow-ups, on their next follow-up date (only records that have the date).
frappe.views.calendar["Sales Follow Up"] = {
	field_map: {
		start: "next_follow_up_date",
		end: "next_follow_up_date",
		id: "name",
		title: "title",
		allDay: "allDay",
	},
	get_events_method: "sales_crm.api.calendar_events",
};
