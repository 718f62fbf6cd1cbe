// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.query_reports["Follow-up Activity"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.month_start(),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.month_end(),
			reqd: 1,
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
