// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.query_reports["Opportunities Without Follow-up"] = {
	filters: [
		{
			fieldname: "days",
			label: __("Days Without Follow-up"),
			fieldtype: "Int",
			default: 14,
			reqd: 1,
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
