// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Opportunity"] = {
	add_fields: [
		"status",
		"sales_stage",
		"probability",
		"expected_revenue",
		"currency",
		"base_expected_revenue",
		"company_currency",
	],
	has_indicator_for_draft: 1,
	// stages are data (Sales Method); the standard method's are shipped with their translations
	formatters: {
		sales_stage: (value) => frappe.utils.escape_html(__(value || "")),
	},

	// On the Kanban board, each stage's column heads with its number of opportunities and their expected
	// revenue in the company currency (the board loads every card the user may see).
	refresh(listview) {
		if (listview.view_name !== "Kanban") return;
		sales_crm_kanban_totals(listview);
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

function sales_crm_kanban_totals(listview, attempt = 0) {
	const $columns = listview.$result.find(".kanban-column[data-column-value]");
	if (!$columns.length) {
		// the board draws its columns after the data arrive
		if (attempt < 20) setTimeout(() => sales_crm_kanban_totals(listview, attempt + 1), 250);
		return;
	}
	const totals = {};
	let currency = frappe.boot.sysdefaults.currency;
	for (const doc of listview.data || []) {
		const total = (totals[doc.sales_stage] = totals[doc.sales_stage] || { count: 0, amount: 0 });
		total.count += 1;
		total.amount += flt(doc.base_expected_revenue);
		currency = doc.company_currency || currency;
	}
	$columns.each(function () {
		const stage = $(this).attr("data-column-value");
		const total = totals[stage] || { count: 0, amount: 0 };
		$(this).find(".sales-crm-column-total").remove();
		$(`<div class="sales-crm-column-total text-muted small" style="padding: 0 12px 6px">
			${__("{0} opportunities · {1}", [total.count, format_currency(total.amount, currency)])}
		</div>`).insertAfter($(this).find(".kanban-column-header").first());
	});
}
