// Copyright (c) 2026, sales_crm contributors
frappe.ui.form.on("Sales Follow Up", {
	setup(frm) {
		frm.set_query("opportunity", () => ({ filters: { status: "Open" } }));
		frm.set_query("sales_lead", () => ({ filters: { status: ["in", ["Unassigned", "Assigned"]] } }));
	},
	refresh(frm) {
		if (!frm.is_new() && frm.doc.status !== "Closed") {
			frm.add_custom_button(__("Log Next Follow-up"), () =>
				frappe.new_doc("Sales Follow Up", {
					sales_lead: frm.doc.sales_lead,
					opportunity: frm.doc.opportunity,
					customer: frm.doc.customer,
					follow_up_type: frm.doc.follow_up_type,
				})
			);
		}
	},
});
