// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.listview_settings["Customer Order"] = {
	add_fields: ["status", "docstatus", "workflow_state", "per_delivered", "per_invoiced", "per_collected"],
	has_indicator_for_draft: 1,

	get_indicator(doc) {
		// a draft waiting for, or holding, a director's approval says so (the status stays Draft)
		const workflow = { "Pending Approval": "orange", Approved: "blue" };
		if (doc.docstatus === 0 && workflow[doc.workflow_state]) {
			return [
				__(doc.workflow_state),
				workflow[doc.workflow_state],
				"workflow_state,=," + doc.workflow_state,
			];
		}
		const colours = {
			Draft: "gray",
			"To Deliver and Invoice": "orange",
			"To Invoice": "yellow",
			"To Deliver": "purple",
			Completed: "green",
			Cancelled: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
