// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt
// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Receivable Ageing"] = {
	filters: [
		{
			fieldname: "report_date",
			label: __("As on Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "customer", label: __("Customer") },
				{ value: "sales_person", label: __("Sales Person") },
			],
			default: "customer",
		},
		{
			fieldname: "age_by",
			label: __("Age By"),
			fieldtype: "Select",
			options: [
				{ value: "receivable", label: __("Receivable Due Date") },
				{ value: "plan", label: __("Payment Plan Due Date") },
			],
			default: "receivable",
		},
		...sales_crm.report_filters.date_range(__("Collected From"), __("Collected To")),
		...sales_crm.report_filters.customer(),
		...sales_crm.report_filters.team(),
		{
			fieldname: "top",
			label: __("Top (Rows by Outstanding)"),
			fieldtype: "Int",
			default: 500,
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (data && column.fieldname === "range_90_above" && data.range_90_above > 0) {
			value = `<span style="color: var(--red-600)">${value}</span>`;
		}
		return value;
	},
};
