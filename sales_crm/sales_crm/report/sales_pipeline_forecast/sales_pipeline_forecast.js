// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt
// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Sales Pipeline Forecast"] = {
	filters: [
		...sales_crm.report_filters.date_range(),
		...sales_crm.report_filters.team(),
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["Sales Person", "Sales Department"],
			default: "Sales Person",
		},
		{
			fieldname: "weighting",
			label: __("Weighting"),
			fieldtype: "Select",
			options: ["Probability", "Stage Probability", "Win Probability"],
			default: "Probability",
		},
	],
};
