// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt
// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Sales Plan Achievement"] = {
	filters: [
		{
			fieldname: "sales_plan",
			label: __("Sales Plan"),
			fieldtype: "Link",
			options: "Sales Plan",
			description: __("Empty: every plan you can see, for the period below"),
		},
		...sales_crm.report_filters.date_range(),
		...sales_crm.report_filters.team(),
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Data",
			description: __("e.g. 2026-03, 2026-Q1, 2026-H1 or 2026"),
		},
		{
			fieldname: "product",
			label: __("Product"),
			fieldtype: "Link",
			options: "Sales Product",
		},
	],
	onload(report) {
		// default to the most recent submitted plan
		if (report.get_filter_value("sales_plan")) return;
		frappe.db
			.get_list("Sales Plan", {
				filters: { docstatus: 1 },
				fields: ["name"],
				order_by: "modified desc",
				limit: 1,
			})
			.then((plans) => {
				if (plans.length) report.set_filter_value("sales_plan", plans[0].name);
			});
	},
	formatter: sales_crm.report_people(function (value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (
			data &&
			["order_completion", "collection_completion", "new_customer_completion"].includes(
				column.fieldname
			)
		) {
			const done = data[column.fieldname] >= 100;
			value = `<span style="color: var(${done ? "--green-600" : "--orange-600"})">${value}</span>`;
		}
		return value;
	}),
};
