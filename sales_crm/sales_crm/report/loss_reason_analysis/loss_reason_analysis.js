// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Loss Reason Analysis"] = {
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
		{
			fieldname: "opportunity_kind",
			label: __("Opportunity Kind"),
			fieldtype: "Select",
			options: ["", "Purchase Need", "Product Sale", "Partnership", "Service"],
		},
		...sales_crm.report_filters.team(),
	],
};
