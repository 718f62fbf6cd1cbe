// Copyright (c) 2026, sales_crm contributors
// {% include "sales_crm/public/js/follow_up_dialog.js" %}
frappe.ui.form.on("Sales Customer", {
	refresh(frm) {
		// contacts and sites: Frappe's Contact and Address, linked to this customer
		frappe.dynamic_link = { doc: frm.doc, fieldname: "name", doctype: "Sales Customer" };
		if (frm.is_new()) {
			frappe.contacts.clear_address_and_contact(frm);
			return;
		}
		frappe.contacts.render_address_and_contact(frm);
		sales_crm_customer_overview(frm);
		frm.add_custom_button(__("Log Follow-up"), () =>
			sales_crm.follow_up_dialog.open(frm, { customer: frm.doc.name })
		);
		for (const row of frm.doc.__onload?.credit || []) {
			frm.dashboard.add_indicator(
				__("Credit on Account ({0}): {1}", [
					row.currency,
					format_currency(row.balance, row.currency),
				]),
				"green"
			);
		}
		frm.add_custom_button(
			__("Customer Credit Balance"),
			() => frappe.set_route("query-report", "Customer Credit Balance", { customer: frm.doc.name }),
			__("View")
		);
		frm.add_custom_button(
			__("Customer Site Purchases"),
			() => frappe.set_route("query-report", "Customer Site Purchases", { customer: frm.doc.name }),
			__("View")
		);
	},
});

// The customer on one page: contacts, sites, open opportunities, orders, outstanding receivables and
// follow-ups as the user's row scope shows them (sales_crm.api.customer_overview), above the form.
function sales_crm_customer_overview(frm) {
	const name = frm.doc.name;
	frappe.call("sales_crm.api.customer_overview", { customer: name }).then((r) => {
		if (frm.doc.name !== name || !r.message) return;
		frm.dashboard.parent.find(".sales-crm-360").closest(".form-dashboard-section").remove();
		frm.dashboard.add_section(sales_crm_overview_html(r.message), __("Customer 360°"));
		frm.dashboard.show();
	});
}

function sales_crm_overview_html(data) {
	const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
	const link = (doctype, name, text) =>
		`<a href="/app/${frappe.router.slug(doctype)}/${encodeURIComponent(name)}">${esc(text || name)}</a>`;
	const money = (value, currency) => format_currency(value || 0, currency || data.company_currency);
	const date = (value) => (value ? frappe.datetime.str_to_user(value) : "");
	const rows = {
		contacts: (d) =>
			`${link("Contact", d.name, [d.first_name, d.last_name].filter(Boolean).join(" ") || d.name)}
			<span class="text-muted">${esc([d.designation, d.mobile_no || d.phone, d.email_id].filter(Boolean).join(" · "))}</span>`,
		sites: (d) =>
			`${link("Address", d.name, d.address_title || d.name)}
			<span class="text-muted">${esc([__(d.address_type || ""), d.address_line1, d.city].filter(Boolean).join(" · "))}</span>`,
		opportunities: (d) =>
			`${link("Sales Opportunity", d.name, d.opportunity_name || d.name)}
			<span class="text-muted">${esc(__(d.sales_stage || ""))} · ${date(d.expected_close_date)}</span>
			<span class="pull-right">${money(d.expected_revenue, d.currency)}</span>`,
		orders: (d) =>
			`${link("Customer Order", d.name)} <span class="text-muted">${date(d.order_date)} · ${esc(__(d.status))}</span>
			<span class="pull-right">${money(d.grand_total, d.currency)}</span>`,
		receivables: (d) =>
			`${link("Sales Receivable", d.name, d.invoice_no ? `${d.name} (${d.invoice_no})` : d.name)}
			<span class="${d.is_overdue ? "text-danger" : "text-muted"}">${__("due {0}", [date(d.due_date)])}</span>
			<span class="pull-right">${money(d.outstanding_amount, d.currency)}</span>`,
		follow_ups: (d) =>
			`${link("Sales Follow Up", d.name, `${__(d.follow_up_type)} ${date(d.follow_up_date)}`)}
			<span class="text-muted">${esc(__(d.status))}${d.next_follow_up_date ? " · " + __("next {0}", [date(d.next_follow_up_date)]) : ""}</span>
			<div class="text-muted small ellipsis">${esc(d.next_step || d.outcome)}</div>`,
	};
	const cards = Object.keys(rows)
		.filter((key) => data[key])
		.map((key) => {
			const section = data[key];
			const total = "total" in section ? ` · ${money(section.total)}` : "";
			const items = section.rows.length
				? section.rows.map((d) => `<li style="padding: 2px 0">${rows[key](d)}</li>`).join("")
				: `<li class="text-muted">${__("None")}</li>`;
			return `<div class="col-md-4 sales-crm-360-card" data-section="${key}" style="margin-bottom: 12px">
				<div class="h6 text-uppercase" style="margin-bottom: 6px">
					${esc(data.labels[key])} <span class="sales-crm-360-figure">(${section.count}${total})</span>
				</div>
				<ul class="list-unstyled" style="margin: 0">${items}</ul>
			</div>`;
		});
	return `<div class="row sales-crm-360">${cards.join("")}</div>`;
}
