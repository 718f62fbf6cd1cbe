// Copyright (c) 2026, sales_crm contributors
// {% include "sales_crm/public/js/pricing.js" %}
// {% include "sales_crm/public/js/live_totals.js" %}
// An advance's credit is offset (冲款) or refunded from the advance; a director approves large write-offs.
function open_new(method, frm) {
	frappe
		.call({ method, args: { receipt: frm.doc.name }, freeze: true })
		.then((r) => {
			const doc = frappe.model.sync(r.message)[0];
			frappe.set_route("Form", doc.doctype, doc.name);
		});
}

frappe.ui.form.on("Sales Receipt", {
	refresh(frm) {
		const { doc } = frm;
		if (doc.docstatus === 1 && doc.receipt_type === "Advance" && doc.unallocated_amount > 0) {
			if (frappe.model.can_create("Sales Credit Offset")) {
				frm.add_custom_button(
					__("Offset against Receivables"),
					() => open_new("sales_crm.api.make_offset", frm),
					__("Create")
				);
			}
			if (frappe.model.can_create("Sales Receipt")) {
				frm.add_custom_button(
					__("Refund"),
					() => open_new("sales_crm.api.make_refund", frm),
					__("Create")
				);
			}
		}
		if (
			doc.docstatus === 0 &&
			!frm.is_new() &&
			doc.needs_write_off_approval &&
			!doc.write_off_approved_by &&
			frappe.user.has_role("Sales Director")
		) {
			frm.add_custom_button(__("Approve Write-off"), () =>
				frappe
					.call({
						method: "sales_crm.api.approve_write_off",
						args: { receipt: doc.name },
						freeze: true,
					})
					.then(() => frm.reload_doc())
			);
		}
	},
});

const recompute_receipt = (frm) => sales_crm.live_totals.receipt(frm);
frappe.ui.form.on("Sales Receipt", {
	// a receipt made from a receivable or an order arrives with its allocations but no totals yet
	onload_post_render(frm) {
		if (frm.is_new()) recompute_receipt(frm);
	},
	paid_amount: recompute_receipt,
	exchange_rate: recompute_receipt,
	receipt_type: recompute_receipt,
	allocations_remove: recompute_receipt,
});
frappe.ui.form.on("Sales Receipt Allocation", {
	allocated_amount: recompute_receipt,
	write_off_amount: recompute_receipt,
	allocations_remove: recompute_receipt,
});
