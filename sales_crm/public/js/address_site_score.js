// A customer site (Address) shows its value and churn risk from the last customer mining run
// (Customer Site Score), as the customer form shows the customer's.
frappe.ui.form.on("Address", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe.db
			.get_list("Customer Site Score", {
				filters: { address: frm.doc.name },
				fields: [
					"name",
					"customer",
					"clv",
					"p_alive",
					"expected_orders_365",
					"rfm_segment",
					"churn_risk",
					"churn_score",
					"last_scored_on",
				],
				limit: 5,
			})
			.then((scores) => {
				for (const score of scores) {
					const colour =
						{ High: "red", Medium: "orange", Low: "green" }[score.churn_risk] || "gray";
					frm.dashboard.add_comment(
						__(
							"Site of {0}: expected 12-month value {1}, {2} expected orders in a year, still buying {3}%, segment {4}, churn risk {5} (scored {6}).",
							[
								frappe.utils.escape_html(score.customer),
								format_currency(score.clv),
								flt(score.expected_orders_365, 1),
								flt(score.p_alive, 0),
								__(score.rfm_segment || ""),
								__(score.churn_risk || ""),
								frappe.datetime.str_to_user(score.last_scored_on),
							]
						),
						colour,
						true
					);
				}
			});
	},
});
