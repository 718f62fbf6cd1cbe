// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Opportunity"] = {
	add_fields: ["status", "sales_stage", "probability", "expected_revenue", "currency"],
	has_indicator_for_draft: 1,
	// stages are data (Sales Method); the standard method's are shipped with their translations
	formatters: {
		sales_stage: (value) => frappe.utils.escape_html(__(value || "")),
	},

	// on a phone the standard filters fold behind a button (sales_crm_desk.js): rows come first
	onload(listview) {
		sales_crm.fold_standard_filters(listview);
	},
	refresh(listview) {
		const label = listview.page.page_form && listview.page.page_form.data("sales-crm-fold");
		if (label) label();
	},

	get_indicator(doc) {
		const colours = {
			Open: "orange",
			Won: "green",
			Lost: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
