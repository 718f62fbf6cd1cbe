// Who decides next on a quotation, contract or order, shown at the top of the form: a salesperson who
// saved a document that needs a director must not be left guessing why nothing happens. Each form's script
// includes this file with a Jinja include directive in a line comment, which Frappe renders when it serves
// the script (no build step).
frappe.provide("sales_crm");

sales_crm.approval = {
	is_director() {
		return frappe.user.has_role("Sales Director") || frappe.user.has_role("System Manager");
	},

	// The reasons the server gave (one a line) as a list, each escaped: they quote names users typed.
	reasons_html(reasons) {
		const items = (reasons || "")
			.split("\n")
			.map((line) => line.trim())
			.filter(Boolean)
			.map((line) => `<li>${frappe.utils.escape_html(line)}</li>`)
			.join("");
		return items ? `<ul class="sales-crm-approval-reasons" style="margin: 4px 0 0">${items}</ul>` : "";
	},

	headline(frm, html, colour) {
		frm.dashboard.clear_headline();
		frm.dashboard.set_headline_alert(
			`<div class="sales-crm-approval-hint">${html}</div>`,
			colour || "orange"
		);
	},

	// A saved quotation in Quoting waits for a Sales Director's Approve (or Request Changes).
	quotation(frm) {
		if (frm.is_new() || frm.doc.docstatus !== 0 || frm.doc.status !== "Quoting") return;
		if (this.is_director()) {
			frm.set_intro(
				__("This quotation awaits your approval: use Actions → Approve, or Request Changes."),
				"orange"
			);
		} else {
			frm.set_intro(
				__(
					"Saved: this quotation is awaiting a Sales Director's approval. You are notified when it is approved."
				),
				"blue"
			);
		}
	},

	// Frappe checks every state change of a save against the workflow's transitions, the server's own too,
	// so Approved keeps a Request Approval transition: a change of an approved document's terms moves it back
	// to Pending Approval through it. As a button it offers nothing (the save already asks again), and the
	// signer must see Sign or Confirm alone.
	hide_request_on_approved(frm) {
		const page = frm.page;
		if (page.__sales_crm_filtered) return;
		page.__sales_crm_filtered = true;
		const add_action_item = page.add_action_item.bind(page);
		page.add_action_item = (label, ...rest) => {
			const doc = frm.doc; // the form object stays; its doc is the one on screen
			const approved = doc && doc.docstatus === 0 && doc.workflow_state === "Approved";
			if (approved && label === __("Request Approval")) return null;
			return add_action_item(label, ...rest);
		};
	},

	// A contract or an order that departs from its quotation (or carries another commission rate) waits
	// for a director; once approved it is signed (contract) or confirmed (order) by the salesperson.
	contract_or_order(frm, sign_action) {
		this.hide_request_on_approved(frm);
		const { doc } = frm;
		if (frm.is_new() || doc.docstatus !== 0) return;
		const state = doc.workflow_state;
		const reasons = this.reasons_html(doc.approval_reasons);
		if (state === "Approved") {
			this.headline(
				frm,
				__("Approved by {0}: use Actions → {1}.", [
					frappe.utils.escape_html(frappe.user.full_name(doc.approved_by) || ""),
					__(sign_action),
				]),
				"blue"
			);
		} else if (state === "Pending Approval") {
			const what = this.is_director()
				? __("This awaits your approval: use Actions → Approve, or Request Changes. Why:")
				: __("Awaiting a Sales Director's approval. Why it needs one:");
			this.headline(frm, `<b>${what}</b>${reasons}`, "orange");
		} else if (doc.needs_approval) {
			this.headline(
				frm,
				`<b>${__("This needs a Sales Director's approval before {0}:", [__(sign_action)])}</b>` +
					reasons +
					`<div>${__("Use Actions → Request Approval to send it to a director.")}</div>`,
				"orange"
			);
		}
	},
};
