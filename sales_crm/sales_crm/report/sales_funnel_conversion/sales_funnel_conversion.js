// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt
// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Sales Funnel Conversion"] = {
	filters: [
		...sales_crm.report_filters.date_range(),
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "lead_source", label: __("Lead Source") },
				{ value: "sales_department", label: __("Sales Department") },
				{ value: "sales_person", label: __("Sales Person") },
				{ value: "month", label: __("Month") },
			],
			default: "lead_source",
		},
		...sales_crm.report_filters.team(),
	],
	formatter: sales_crm.report_people(),
};
