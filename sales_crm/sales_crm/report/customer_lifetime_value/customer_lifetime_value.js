// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Customer Lifetime Value"] = {
	filters: [
		{
			fieldname: "level",
			label: __("Per"),
			fieldtype: "Select",
			options: ["Customer", "Site"],
			default: "Customer",
		},
		...sales_crm.report_filters.team(),
		{
			fieldname: "rfm_segment",
			label: __("Segment"),
			fieldtype: "Select",
			options: [
				"",
				"Champions",
				"Loyal",
				"Potential Loyalist",
				"New",
				"Promising",
				"Need Attention",
				"At Risk",
				"Cannot Lose Them",
				"Hibernating",
				"Lost",
			],
		},
		{
			fieldname: "churn_risk",
			label: __("Churn Risk"),
			fieldtype: "Select",
			options: ["", "Low", "Medium", "High"],
		},
		{
			fieldname: "top",
			label: __("Top (Rows by Value)"),
			fieldtype: "Int",
			default: 500,
		},
	],
	formatter: sales_crm.report_people(),
};
