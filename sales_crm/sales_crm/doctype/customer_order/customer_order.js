// Copyright (c) 2026, sales_crm contributors
// {% include "sales_crm/public/js/contact_and_site.js" %}
// {% include "sales_crm/public/js/approval.js" %}
// {% include "sales_crm/public/js/pricing.js" %}
// {% include "sales_crm/public/js/live_totals.js" %}
// {% include "sales_crm/public/js/payment_plan.js" %}

frappe.ui.form.on("Customer Order", {
	setup(frm) {
		sales_crm.set_contact_and_site_queries(frm);
		sales_crm.approval.hide_request_on_approved(frm);
	},
	refresh(frm) {
		sales_crm.approval.contract_or_order(frm, "Confirm");
		if (frm.doc.docstatus !== 1) return;
		if (frm.doc.per_delivered < 100) {
			frm.add_custom_button(__("Deliver"), () => sales_crm.deliver_dialog(frm));
		}
		if (frm.doc.per_invoiced < 100 && frappe.model.can_create("Sales Receivable")) {
			frm.add_custom_button(__("Invoice"), () => {
				frappe.prompt(
					[
						{ fieldname: "invoice_no", fieldtype: "Data", label: __("Invoice No"), reqd: 1 },
						{
							fieldname: "invoice_date",
							fieldtype: "Date",
							label: __("Invoice Date"),
							reqd: 1,
							default: frappe.datetime.get_today(),
						},
						{
							fieldname: "amount",
							fieldtype: "Currency",
							label: __("Amount"),
							default: frm.doc.grand_total - (frm.doc.invoiced_amount || 0),
						},
						{ fieldname: "due_date", fieldtype: "Date", label: __("Due Date") },
					],
					(values) =>
						frappe
							.call("sales_crm.api.invoice_order", { order: frm.doc.name, ...values })
							.then((r) => frappe.set_route("Form", "Sales Receivable", r.message)),
					__("Invoice Order")
				);
			});
		}
		if (
			frm.doc.per_invoiced > 0 &&
			frm.doc.per_collected < 100 &&
			frappe.model.can_create("Sales Receipt")
		) {
			frm.add_custom_button(
				__("Receipt"),
				() => frappe.model.open_mapped_doc({ method: "sales_crm.api.make_receipt", frm }),
				__("Create")
			);
		}
	},
});

frappe.ui.form.on("Customer Order", sales_crm.payment_plan.events);

frappe.ui.form.on("Customer Order", sales_crm.live_totals.selling_events("Customer Order Item"));

// What to deliver now, row by row: each row offers what remains of it, and the salesperson lowers what does
// not ship today (0 leaves the row for later). The server checks every quantity again.
frappe.provide("sales_crm");
sales_crm.deliver_dialog = (frm) => {
	const open_rows = frm.doc.items
		.map((row) => ({ row, left: flt(row.qty) - flt(row.delivered_qty) }))
		.filter(({ left }) => left > 0);
	const fields = [];
	for (const { row, left } of open_rows) {
		fields.push({
			fieldname: `row_${row.idx}`,
			fieldtype: "Float",
			label: __("#{0} {1} (remaining {2} {3})", [
				row.idx,
				row.product_name || row.product,
				flt(left, precision("qty", row)),
				__(row.uom || ""),
			]),
			default: left,
			non_negative: 1,
		});
	}
	const dialog = new frappe.ui.Dialog({
		title: __("Deliver {0}", [frm.doc.name]),
		fields: [
			{
				fieldtype: "HTML",
				options: `<p class="text-muted small">${__(
					"Quantities to deliver now; 0 leaves a row for a later delivery."
				)}</p>`,
			},
			...fields,
		],
		primary_action_label: __("Deliver"),
		primary_action(values) {
			const items = {};
			for (const { row } of open_rows) {
				const qty = values[`row_${row.idx}`];
				if (qty) items[row.name] = qty;
			}
			if (!Object.keys(items).length) {
				frappe.msgprint(__("Nothing to deliver: every quantity is 0"));
				return;
			}
			dialog.disable_primary_action();
			frappe
				.call({
					method: "sales_crm.api.deliver_order",
					args: { order: frm.doc.name, items },
					freeze: true,
				})
				.then((r) => {
					dialog.hide();
					const lines = (r.message.delivered || []).map(
						(d) =>
							`<li>#${d.idx} ${frappe.utils.escape_html(d.product_name || d.product)}: ${d.qty} ${frappe.utils.escape_html(__(d.uom || ""))}</li>`
					);
					const message = {
						title: __("Delivered"),
						indicator: "green",
						message:
							`<ul>${lines.join("")}</ul>` +
							__("{0} delivered; status {1}", [
								`${format_number(r.message.per_delivered, null, 2)}%`,
								__(r.message.status),
							]),
					};
					// a toast at once (no modal can hide it), and the list of rows once the form has reloaded:
					// its refresh would otherwise close the message
					frappe.show_alert(
						{
							message: `${message.title}: ${frappe.utils.escape_html(__(r.message.status || ""))}`,
							indicator: "green",
						},
						7
					);
					Promise.resolve(frm.reload_doc()).then(() => frappe.msgprint(message));
				})
				.always(() => dialog.enable_primary_action());
		},
	});
	dialog.show();
	return dialog;
};
