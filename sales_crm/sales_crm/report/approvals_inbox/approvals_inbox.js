// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

// {% include "sales_crm/public/js/report_filters.js" %}

frappe.query_reports["Approvals Inbox"] = {
	filters: [...sales_crm.report_filters.team()],
};
