// "Log Follow-up" as a dialog on the record it is about: the salesperson types what happened and what is
// next, and stays on the record, where the follow-up then shows in the timeline and the connections.
// Included by form scripts with a Jinja include directive in a line comment (no build step).
frappe.provide("sales_crm");

sales_crm.follow_up_dialog = {
	// ``about``: the follow-up's links, e.g. {opportunity, customer}
	open(frm, about) {
		const dialog = new frappe.ui.Dialog({
			title: __("Log Follow-up"),
			fields: [
				{
					fieldname: "follow_up_type",
					fieldtype: "Select",
					label: __("Type"),
					options: ["Call", "Visit", "Email", "Meeting", "Demo"].map((value) => ({
						value,
						label: __(value),
					})),
					default: "Call",
					reqd: 1,
				},
				{ fieldtype: "Column Break" },
				{
					fieldname: "follow_up_date",
					fieldtype: "Date",
					label: __("Date"),
					default: frappe.datetime.get_today(),
					reqd: 1,
				},
				{ fieldtype: "Section Break" },
				{ fieldname: "outcome", fieldtype: "Small Text", label: __("Outcome"), reqd: 1 },
				{ fieldname: "contact_person", fieldtype: "Data", label: __("Contact Person") },
				{ fieldtype: "Section Break", label: __("Next Follow-up") },
				{ fieldname: "next_step", fieldtype: "Small Text", label: __("Next Step") },
				{
					fieldname: "next_follow_up_date",
					fieldtype: "Date",
					label: __("Next Follow-up Date"),
				},
			],
			primary_action_label: __("Save"),
			primary_action(values) {
				dialog.disable_primary_action();
				frappe
					.call({
						method: "frappe.client.insert",
						args: { doc: { doctype: "Sales Follow Up", ...about, ...values } },
					})
					.then((r) => {
						dialog.hide();
						frappe.show_alert({
							message: __("Follow-up {0} logged", [
								frappe.utils.escape_html(r.message.name),
							]),
							indicator: "green",
						});
						// the timeline and connections show it after a reload, which would drop unsaved edits
						if (!frm.is_dirty()) frm.reload_doc();
					})
					.always(() => dialog.enable_primary_action());
			},
		});
		dialog.show();
		return dialog;
	},
};
