// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Customer Site Purchases"] = {
	filters: [
		...sales_crm.report_filters.date_range(),
		...sales_crm.report_filters.customer(),
		...sales_crm.report_filters.team(),
		{
			fieldname: "top",
			label: __("Top (Customers by Order Amount)"),
			fieldtype: "Int",
			default: 500,
		},
	],
};
