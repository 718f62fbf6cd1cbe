// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.query_reports["Loss Reason Analysis"] = {
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
			fieldname: "lead_source",
			label: __("Lead Source"),
			fieldtype: "Select",
			options: ["", "Marketing Campaign", "Employee Referral", "800 Hotline", "Advertising Response", "Customer Referral"],
		},
		{
			fieldname: "opportunity_kind",
			label: __("Opportunity Kind"),
			fieldtype: "Select",
			options: ["", "Purchase Need", "Product Sale", "Partnership", "Service"],
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
