// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Sales CRM Settings", {
	refresh(frm) {
		if (!frappe.user.has_role("System Manager")) return;
		frm.add_custom_button(__("Load Demo Data"), () => {
			frappe.prompt(
				[
					{
						fieldname: "leads",
						fieldtype: "Int",
						label: __("Number of Leads"),
						default: 1000,
						reqd: 1,
					},
					{
						fieldname: "seed",
						fieldtype: "Int",
						label: __("Random Seed"),
						default: 42,
						reqd: 1,
						description: __("The same seed loads the same data; a seed loads once."),
					},
				],
				(values) =>
					frappe
						.call({ method: "sales_crm.api.load_demo_data", args: values, freeze: true })
						.then(() =>
							frappe.show_alert({
								message: __("Demo data is loading in the background"),
								indicator: "blue",
							})
						),
				__("Load Demo Data"),
				__("Load")
			);
		});
	},
});

frappe.realtime.on("sales_crm_demo_loaded", (data) => {
	frappe.hide_progress();
	frappe.msgprint({
		title: __("Demo Data"),
		indicator: "green",
		message: __("Demo data of seed {0} loaded: {1} leads.", [data.seed, data.counts["Sales Lead"]]),
	});
});

frappe.ui.form.on("Sales CRM Settings", {
	refresh(frm) {
		if (!frappe.user.has_role(["System Manager", "Sales Director"])) return;
		frm.add_custom_button(__("Run Customer Mining Now"), () =>
			frappe.call({ method: "sales_crm.api.run_mining", freeze: true }).then((r) =>
				frappe.show_alert({
					message: __("Customer mining {0} is running in the background", [r.message.run]),
					indicator: "blue",
				})
			)
		);
	},
});
