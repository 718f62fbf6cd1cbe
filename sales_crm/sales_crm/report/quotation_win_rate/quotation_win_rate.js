// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt
// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Quotation Win Rate"] = {
	filters: [
		...sales_crm.report_filters.date_range(),
		...sales_crm.report_filters.customer(),
		...sales_crm.report_filters.team(),
	],
	formatter: sales_crm.report_people(function (value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (data && column.fieldname === "win_rate" && data.accepted_count + data.rejected_count) {
			const good = data.win_rate >= 50;
			value = `<span style="color: var(${good ? "--green-600" : "--orange-600"})">${value}</span>`;
		}
		return value;
	}),
};
