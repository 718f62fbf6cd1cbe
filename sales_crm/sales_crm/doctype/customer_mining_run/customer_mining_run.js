// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer Mining Run", {
	refresh(frm) {
		const colours = { Queued: "gray", Running: "blue", Completed: "green", Failed: "red" };
		frm.page.set_indicator(__(frm.doc.status), colours[frm.doc.status] || "gray");
		if (frm.doc.win_status === "Too Little History") {
			frm.dashboard.add_comment(
				__(
					"Too little history for the win model: open opportunities keep their stage's probability."
				),
				"yellow",
				true
			);
		}
		if (frm.doc.status === "Completed" && frm.doc.churn_auc) {
			frm.dashboard.add_comment(
				__(
					"Backtest: the model expected {0} repeat purchases in the holdout and {1} happened; churn score AUC {2}.",
					[
						flt(frm.doc.expected_holdout_purchases, 0),
						frm.doc.actual_holdout_purchases,
						flt(frm.doc.churn_auc, 2),
					]
				),
				"blue",
				true
			);
		}
	},
});
