// Copyright (c) 2026, sales_crm contributors
// The collections calendar: the payment plan lines of submitted contracts and direct orders by due date
// ("尾款 · customer · ¥700.00"), read through the contracts' and orders' own permissions on the server.
frappe.views.calendar["Sales Contract"] = {
	field_map: {
		start: "start",
		end: "end",
		id: "name",
		title: "title",
		allDay: "allDay",
		status: "status",
		color: "color",
	},
	get_events_method: "sales_crm.flows.collections.get_events",
};
