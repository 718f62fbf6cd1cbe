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
			frm.add_custom_button(__("Deliver"), () =>
				frappe
					.call("sales_crm.api.deliver_order", { order: frm.doc.name })
					.then(() => frm.reload_doc())
			);
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
