// Copyright (c) 2026, sales_crm contributors
frappe.ui.form.on("Sales Plan", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.docstatus === 0 && frm.has_perm("write")) {
			frm.add_custom_button(__("Compile from History"), () => {
				const run = () =>
					frappe
						.call({
							method: "sales_crm.api.compile_sales_plan",
							args: { plan: frm.doc.name },
							freeze: true,
						})
						.then(() => frm.reload_doc());
				if (frm.is_dirty()) frm.save().then(run);
				else run();
			});
		}
	},
});
