// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Opportunities Without Follow-up"] = {
	filters: [
		{
			fieldname: "days",
			label: __("Days Without Follow-up"),
			fieldtype: "Int",
			default: 14,
			reqd: 1,
		},
		...sales_crm.report_filters.opportunity_kind(),
		...sales_crm.report_filters.customer(),
		...sales_crm.report_filters.team(),
		{
			fieldname: "top",
			label: __("Top (Stalest Rows)"),
			fieldtype: "Int",
			default: 500,
		},
	],
	formatter: sales_crm.report_people(),
};
