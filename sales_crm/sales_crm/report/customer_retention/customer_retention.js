// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt
// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Customer Retention"] = {
	filters: [
		{
			fieldname: "period_type",
			label: __("Period Type"),
			fieldtype: "Select",
			options: ["Monthly", "Quarterly", "Half-Yearly", "Annual"],
			default: "Annual",
			reqd: 1,
		},
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Data",
			default: String(new Date().getFullYear()),
			description: __("Compared with the period before it; e.g. 2026-03, 2026-Q1, 2026-H1 or 2026"),
		},
		...sales_crm.report_filters.customer(),
		...sales_crm.report_filters.team(),
		{
			fieldname: "per_site",
			label: __("Per Customer Site"),
			fieldtype: "Check",
		},
		{
			fieldname: "category",
			label: __("Category"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Retained", label: __("Retained") },
				{ value: "Lost", label: __("Lost") },
				{ value: "Returning", label: __("Returning") },
				{ value: "New", label: __("New") },
			],
		},
		{
			fieldname: "top",
			label: __("Top (Customers by Revenue)"),
			fieldtype: "Int",
			default: 500,
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (data && column.fieldname === "category") {
			const colours = { Lost: "--red-600", New: "--green-600", Returning: "--blue-600" };
			const colour = colours[data.category_key];
			if (colour) value = `<span style="color: var(${colour})">${value}</span>`;
		}
		return value;
	},
};
