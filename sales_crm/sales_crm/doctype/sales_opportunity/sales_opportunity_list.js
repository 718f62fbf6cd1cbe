// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Opportunity"] = {
	// the Kanban board's cards show its fields only when the list fetches them
	add_fields: [
		"customer",
		"sales_person",
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

	// on a phone the standard filters fold behind a button (sales_crm_desk.js): rows come first
	onload(listview) {
		sales_crm.fold_standard_filters(listview);
	},
	// On the Kanban board, each stage's column heads with its number of opportunities and their expected
	// revenue in the company currency (the board loads every card the user may see).
	refresh(listview) {
		const label = listview.page.page_form && listview.page.page_form.data("sales-crm-fold");
		if (label) label();
		if (listview.view_name !== "Kanban") return;
		// Frappe v15's Kanban view fetches its first page before the link fields that show a title (the
		// customer's name, the salesperson's) are added to its fields: the cards' Customer and Sales Person
		// come out empty. Fetch once more, with the fields complete.
		const row = (listview.data || [])[0];
		if (row && !("customer" in row) && !listview.sales_crm_refetched) {
			listview.sales_crm_refetched = true;
			listview.build_fields();
			listview.refresh();
			return;
		}
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

// Frappe redraws cards on its own (on load, a drag, a realtime update): the board is watched and each card
// or column that lacks ours gets it.
function sales_crm_kanban_totals(listview) {
	sales_crm_decorate_kanban(listview);
	if (listview.sales_crm_observer) return;
	listview.sales_crm_observer = new MutationObserver(() => sales_crm_decorate_kanban(listview));
	listview.sales_crm_observer.observe(listview.$result[0], { childList: true, subtree: true });
}

function sales_crm_decorate_kanban(listview) {
	const docs = {};
	const totals = {};
	let currency = frappe.boot.sysdefaults.currency;
	for (const doc of listview.data || []) {
		docs[encodeURIComponent(doc.name)] = doc;
		const total = (totals[doc.sales_stage] = totals[doc.sales_stage] || { count: 0, amount: 0 });
		total.count += 1;
		total.amount += flt(doc.base_expected_revenue);
		currency = doc.company_currency || currency;
	}
	// the cards name the customer and the salesperson (Frappe's card shows their IDs, or nothing)
	const esc = frappe.utils.escape_html;
	const line = (label, value) =>
		`<div class="text-muted text-truncate"><span>${label}: </span><span>${value}</span></div>`;
	listview.$result.find(".kanban-card-wrapper").each(function () {
		const doc = docs[$(this).attr("data-name")];
		const $doc = $(this).find(".kanban-card-doc");
		if (!doc || $doc.find(".sales-crm-card").length) return;
		const person = doc.sales_person_full_name || frappe.user.full_name(doc.sales_person) || "";
		$doc.html(
			`<div class="sales-crm-card">${[
				line(__("Customer"), esc(doc.customer_customer_name || doc.customer || "")),
				line(__("Expected Revenue"), format_currency(doc.expected_revenue, doc.currency)),
				line(__("Probability (%)"), `${flt(doc.probability)}%`),
				line(__("Sales Person"), esc(doc.sales_person ? person : "")),
			].join("")}</div>`
		);
	});
	// each stage's column heads with its number of opportunities and their amount
	listview.$result.find(".kanban-column[data-column-value]").each(function () {
		const total = totals[$(this).attr("data-column-value")] || { count: 0, amount: 0 };
		const text = __("{0} opportunities · {1}", [total.count, format_currency(total.amount, currency)]);
		const $total = $(this).find(".sales-crm-column-total");
		if ($total.length && $total.text() === text) return;
		$total.remove();
		$(`<div class="sales-crm-column-total text-muted small" style="padding: 0 12px 6px"></div>`)
			.text(text)
			.insertAfter($(this).find(".kanban-column-header").first());
	});
}
