// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.query_reports["Opportunity Pipeline"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("Created From"),
			fieldtype: "Date",
			default: frappe.datetime.year_start(),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("Created To"),
			fieldtype: "Date",
			default: frappe.datetime.year_end(),
			reqd: 1,
		},
		{
			fieldname: "sales_method",
			label: __("Sales Method"),
			fieldtype: "Link",
			options: "Sales Method",
			default: "Standard",
		},
		{
			fieldname: "opportunity_kind",
			label: __("Opportunity Kind"),
			fieldtype: "Select",
			options: ["", "Purchase Need", "Product Sale", "Partnership", "Service"],
		},
		{
			fieldname: "customer",
			label: __("Customer"),
			fieldtype: "Link",
			options: "Sales Customer",
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
