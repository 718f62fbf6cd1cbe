// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.query_reports["Sales Funnel Conversion"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.year_start(),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.year_end(),
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "lead_source", label: __("Lead Source") },
				{ value: "sales_department", label: __("Sales Department") },
				{ value: "sales_person", label: __("Sales Person") },
				{ value: "month", label: __("Month") },
			],
			default: "lead_source",
		},
		{
			fieldname: "sales_department",
			label: __("Sales Department"),
			fieldtype: "Link",
			options: "Sales Department",
		},
		{
			fieldname: "sales_person",
			label: __("Sales Person"),
			fieldtype: "Link",
			options: "User",
		},
	],
};
