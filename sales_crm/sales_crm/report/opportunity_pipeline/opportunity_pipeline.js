// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt
// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Opportunity Pipeline"] = {
	filters: [
		...sales_crm.report_filters.date_range(__("Created From"), __("Created To")),
		{
			fieldname: "sales_method",
			label: __("Sales Method"),
			fieldtype: "Link",
			options: "Sales Method",
			default: "Standard",
		},
		...sales_crm.report_filters.opportunity_kind(),
		...sales_crm.report_filters.customer(),
		...sales_crm.report_filters.team(),
	],
};
