// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Salesperson Commission"] = {
	add_fields: ["status", "accrued_amount", "paid_amount", "outstanding_amount", "docstatus"],
	has_indicator_for_draft: 1,

	get_indicator(doc) {
		const colours = {
			Draft: "gray",
			Accrued: "orange",
			"Partly Paid": "yellow",
			Paid: "green",
			Cancelled: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},

	onload(listview) {
		if (frappe.user.has_role(["Sales Manager", "Accounts User", "System Manager"])) {
			listview.page.add_inner_button(__("Generate Periodic Commissions"), () =>
				generate_periodic_commissions(listview)
			);
		}
		if (!frappe.user.has_role(["Accounts User", "System Manager"])) return;
		listview.page.add_actions_menu_item(__("Pay Selected"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) {
				frappe.msgprint(__("Select the commissions to pay"));
				return;
			}
			frappe.confirm(__("Pay the outstanding amount of {0} commission(s)?", [names.length]), () =>
				frappe
					.call({
						method: "sales_crm.api.pay_salesperson_commissions",
						args: { names },
						freeze: true,
						freeze_message: __("Recording payments…"),
					})
					.then((r) => {
						const paid = (r.message || []).filter((row) => row.paid > 0);
						frappe.show_alert({
							message: __("{0} commission(s) paid", [paid.length]),
							indicator: "green",
						});
						listview.clear_checked_items();
						listview.refresh();
					})
			);
		});
	},
};

function generate_periodic_commissions(listview) {
	const dialog = new frappe.ui.Dialog({
		title: __("Generate Periodic Commissions"),
		fields: [
			{
				fieldname: "commission_type",
				label: __("Commission Type"),
				fieldtype: "Select",
				options: ["Monthly", "Quarterly", "Half-Yearly", "Annual"],
				default: "Monthly",
				reqd: 1,
			},
			{
				fieldname: "from_date",
				label: __("From Date"),
				fieldtype: "Date",
				default: frappe.datetime.add_months(frappe.datetime.month_start(), -1),
				reqd: 1,
			},
			{
				fieldname: "to_date",
				label: __("To Date"),
				fieldtype: "Date",
				default: frappe.datetime.add_days(frappe.datetime.month_start(), -1),
				reqd: 1,
			},
		],
		primary_action_label: __("Generate"),
		primary_action(values) {
			frappe
				.call({
					method: "sales_crm.api.generate_salesperson_commissions",
					args: values,
					freeze: true,
					freeze_message: __("Generating commissions…"),
				})
				.then(() => {
					dialog.hide();
					frappe.show_alert({ message: __("Commissions generated"), indicator: "green" });
					listview.refresh();
				});
		},
	});
	dialog.show();
}
