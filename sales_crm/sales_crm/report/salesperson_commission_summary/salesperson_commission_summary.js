// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt
// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Salesperson Commission Summary"] = {
	filters: [
		...sales_crm.report_filters.date_range(),
		{
			fieldname: "commission_type",
			label: __("Commission Type"),
			fieldtype: "Select",
			options: ["", "Basic", "Monthly", "Quarterly", "Half-Yearly", "Annual"],
		},
		...sales_crm.report_filters.team(),
	],
	formatter: sales_crm.report_people(),
};
