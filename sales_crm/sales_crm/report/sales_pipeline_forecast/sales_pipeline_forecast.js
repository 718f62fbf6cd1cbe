// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt
// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Sales Pipeline Forecast"] = {
	filters: [
		// a forecast looks ahead: this month and the five after it
		...sales_crm.report_filters.date_range().map((filter) => ({
			...filter,
			default:
				filter.fieldname === "from_date"
					? frappe.datetime.month_start()
					: frappe.datetime.add_days(
							frappe.datetime.add_months(frappe.datetime.month_start(), 6),
							-1
						),
		})),
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
	formatter: sales_crm.report_people(),
};
