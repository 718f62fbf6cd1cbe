// The payment plan of a contract or an order: choosing a template fills the lines for the current grand
// total (the server fills an empty plan on save as well, and checks that the lines add up).
frappe.provide("sales_crm");

sales_crm.payment_plan = {
	events: {
		payment_terms_template(frm) {
			if (!frm.doc.payment_terms_template || frm.doc.docstatus !== 0) return;
			frappe.call({
				method: "sales_crm.api.payment_plan",
				args: {
					template: frm.doc.payment_terms_template,
					grand_total: frm.doc.grand_total || 0,
					signed_on: frm.doc.signed_on || frm.doc.order_date || null,
				},
				callback(r) {
					frm.clear_table("payment_plan");
					(r.message || []).forEach((line) => frm.add_child("payment_plan", line));
					frm.refresh_field("payment_plan");
				},
			});
		},
	},
};
