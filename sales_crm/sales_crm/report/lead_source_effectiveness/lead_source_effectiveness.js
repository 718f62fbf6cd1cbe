// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt
// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Lead Source Effectiveness"] = {
	filters: [
		...sales_crm.report_filters.date_range(),
		{
			fieldname: "lead_source",
			label: __("Lead Source"),
			fieldtype: "Select",
			options: [
				"",
				"Marketing Campaign",
				"Employee Referral",
				"800 Hotline",
				"Advertising Response",
				"Customer Referral",
			],
		},
		...sales_crm.report_filters.team(),
	],
};
