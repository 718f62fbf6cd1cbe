// An open opportunity's win probability (the customer mining run's win model) and the factors that move
// it most, each with an indicator: green raises the chance, red lowers it.
frappe.ui.form.on("Sales Opportunity", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== "Open" || !frm.doc.win_factors) return;
		let factors;
		try {
			factors = JSON.parse(frm.doc.win_factors);
		} catch (e) {
			return;
		}
		// the model's feature names, translated here (the run stores them in English)
		const names = {
			"Lead Source": __("Lead Source"),
			"Sales Department": __("Sales Department"),
			"Sales Method": __("Sales Method"),
			Stage: __("Stage"),
			"Age (Days)": __("Age (Days)"),
			Amount: __("Amount"),
			Products: __("Products"),
			"Follow-ups": __("Follow-ups"),
			"Days Since Follow-up": __("Days Since Follow-up"),
			"Customer Orders": __("Customer Orders"),
			"Customer Order Amount": __("Customer Order Amount"),
		};
		if (!factors.model) {
			frm.dashboard.add_comment(
				__("Win probability {0}%: the stage's probability (too little history to learn from yet).", [
					flt(frm.doc.win_probability, 0),
				]),
				"gray",
				true
			);
			return;
		}
		const parts = (factors.factors || []).map(([label, value]) => {
			const [name, ...rest] = label.split(" = ");
			const text = `${names[name] || name} = ${rest.join(" = ")}`;
			const colour = value >= 0 ? "green" : "red";
			return `<span class="indicator-pill ${colour}" style="margin-right: 6px">${frappe.utils.escape_html(
				text
			)} ${value >= 0 ? "▲" : "▼"}</span>`;
		});
		frm.dashboard.add_comment(
			`${__("Win probability {0}%.", [flt(frm.doc.win_probability, 0)])} ${__(
				"Main factors:"
			)} ${parts.join("")}`,
			frm.doc.win_probability >= 50 ? "green" : "orange",
			true
		);
	},
});
