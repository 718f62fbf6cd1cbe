// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Quotation"] = {
	add_fields: ["status", "docstatus", "version", "valid_till", "grand_total", "currency"],
	has_indicator_for_draft: 1,

	get_indicator(doc) {
		if (doc.docstatus === 2) {
			return [__("Cancelled"), "red", "docstatus,=,2"];
		}
		if (
			doc.status === "Expired" ||
			(doc.status === "Approved" &&
				doc.valid_till &&
				frappe.datetime.get_diff(doc.valid_till, frappe.datetime.get_today()) < 0)
		) {
			// marked by the daily job, or past its Valid Till since the last run
			return [__("Expired"), "gray", "status,=,Expired"];
		}
		const colours = {
			Quoting: "orange",
			Approved: "blue",
			Accepted: "green",
			Rejected: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
