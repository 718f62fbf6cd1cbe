// Copyright (c) 2026, sales_crm contributors
frappe.ui.form.on("Sales Plan", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.docstatus === 0 && frm.has_perm("write")) {
			const compile = (by_product) => {
				const run = () =>
					frappe
						.call({
							method: "sales_crm.api.compile_sales_plan",
							args: { plan: frm.doc.name, by_product: by_product ? 1 : 0 },
							freeze: true,
						})
						.then((r) => {
							const job = r.message && r.message.job_id;
							if (!job) return frm.reload_doc();
							// a large plan compiles in the background: follow the job, then reload
							frappe.show_alert(__("Compiling in the background…"));
							const poll = () =>
								frappe
									.call({ method: "sales_crm.api.compile_status", args: { job_id: job } })
									.then(({ message }) => {
										if (message.status === "finished") return frm.reload_doc();
										if (message.status === "failed")
											return frappe.msgprint(message.message || __("The compilation failed"));
										setTimeout(poll, 2000);
									});
							poll();
						});
				if (frm.is_dirty()) frm.save().then(run);
				else run();
			};
			frm.add_custom_button(__("Compile from History"), () => compile(false));
			frm.add_custom_button(__("Compile per Product"), () => compile(true));
		}
	},
});
