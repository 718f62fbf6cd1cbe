// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt
// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Customer Commission Summary"] = {
	filters: [
		...sales_crm.report_filters.date_range(),
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["", "Drafting", "Under Approval", "Executing", "Closed"],
		},
		...sales_crm.report_filters.customer(),
		...sales_crm.report_filters.team(),
	],
};
