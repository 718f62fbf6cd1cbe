// Copyright (c) 2026, sales_crm contributors
// The calendar of orders, on their delivery date (only records that have the date).
frappe.views.calendar["Customer Order"] = {
	field_map: {
		start: "delivery_date",
		end: "delivery_date",
		id: "name",
		title: "customer",
		allDay: "allDay",
	},
	get_events_method: "sales_crm.api.calendar_events",
};
