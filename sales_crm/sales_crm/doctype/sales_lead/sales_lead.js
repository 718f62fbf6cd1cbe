// Copyright (c) 2026, sales_crm contributors
frappe.ui.form.on("Sales Lead", {
	refresh(frm) {
		if (frm.doc.possible_duplicate_of) {
			frm.set_intro(
				__("This lead may duplicate {0} {1}", [
					__(frm.doc.possible_duplicate_type),
					frm.doc.possible_duplicate_of.bold(),
				]),
				"orange"
			);
		}
		if (frm.is_new()) return;
		if (["Unassigned", "Assigned"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Log Follow-up"), () =>
				frappe.new_doc("Sales Follow Up", { sales_lead: frm.doc.name })
			);
		}
		if (
			["Unassigned", "Assigned"].includes(frm.doc.status) &&
			frappe.user.has_role(["Sales Manager", "Sales Director"])
		) {
			frm.add_custom_button(__("Assign"), () => {
				frappe.prompt(
					{
						fieldname: "sales_person",
						fieldtype: "Link",
						options: "User",
						label: __("Sales Person"),
						reqd: 1,
					},
					(values) =>
						frappe
							.call("sales_crm.api.assign_leads", {
								leads: [frm.doc.name],
								sales_person: values.sales_person,
							})
							.then(() => frm.reload_doc()),
					__("Assign Lead")
				);
			});
		}
		if (frm.doc.status === "Assigned") {
			frm.add_custom_button(
				__("Opportunity"),
				() =>
					frappe.call("sales_crm.api.convert_lead", { lead: frm.doc.name }).then((r) => {
						frappe.set_route("Form", "Sales Opportunity", r.message);
					}),
				__("Create")
			);
		}
	},
	loss_reason(frm) {
		// the reason fills the detail, so that the workflow's Mark Lost is offered
		if (frm.doc.loss_reason && !(frm.doc.lost_reason || "").trim()) {
			frm.set_value("lost_reason", __(frm.doc.loss_reason));
		}
	},
});
