// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.provide("sales_crm.mining");

sales_crm.mining.run_now = function (after) {
	frappe.call({ method: "sales_crm.api.run_mining", freeze: true }).then((r) => {
		frappe.show_alert({
			message: __("Customer mining {0} is running in the background", [r.message.run]),
			indicator: "blue",
		});
		if (after) after(r.message);
	});
};

frappe.listview_settings["Customer Mining Run"] = {
	get_indicator(doc) {
		const colours = { Queued: "gray", Running: "blue", Completed: "green", Failed: "red" };
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
	onload(listview) {
		if (!frappe.user.has_role(["System Manager", "Sales Director"])) return;
		listview.page.add_inner_button(__("Run Now"), () =>
			sales_crm.mining.run_now(() => listview.refresh())
		);
	},
};
