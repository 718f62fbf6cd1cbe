// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.query_reports["Customer Site Purchases"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.year_start(), -12),
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
