// The payment plan of a contract or an order: choosing a template fills the lines for the current grand
// total (the server fills an empty plan on save as well, and checks that the lines add up). Below the grid,
// the plan's live totals against the grand total; share lines follow the grand total while typing. On a
// submitted document, "Record Receipt" opens a receipt for a plan line.
frappe.provide("sales_crm");

sales_crm.payment_plan = {
	following: {}, // the item DocTypes whose changes the plan follows (handlers added once)

	precision(frm) {
		return cint(precision("grand_total", frm.doc)) || 2;
	},

	// share lines take their share of the grand total, the last share line what rounding leaves
	follow_total(frm) {
		const { doc } = frm;
		if (doc.docstatus !== 0 || !(doc.payment_plan || []).length) return;
		const digits = this.precision(frm);
		const total = flt(doc.grand_total, digits);
		const lines = doc.payment_plan;
		const shares = lines.filter((line) => flt(line.share));
		const fixed = lines.reduce((sum, line) => sum + (flt(line.share) ? 0 : flt(line.amount)), 0);
		const share_sum = shares.reduce((sum, line) => sum + flt(line.share), 0);
		let given = 0;
		shares.forEach((line, i) => {
			const last = i === shares.length - 1 && Math.abs(share_sum - 100) < 1e-9;
			line.amount = last
				? flt(total - fixed - given, digits)
				: flt((total * flt(line.share)) / 100, digits);
			given += line.amount;
		});
		frm.refresh_field("payment_plan");
	},

	totals(frm) {
		const field = frm.fields_dict.payment_plan;
		if (!field || !field.grid) return;
		const { doc } = frm;
		const lines = doc.payment_plan || [];
		let $totals = field.grid.wrapper.find(".payment-plan-totals");
		if (!$totals.length) {
			$totals = $('<div class="payment-plan-totals text-muted small"></div>').appendTo(
				field.grid.wrapper
			);
		}
		if (!lines.length) {
			$totals.empty();
			return;
		}
		const digits = this.precision(frm);
		const sum = (key) =>
			flt(
				lines.reduce((s, line) => s + flt(line[key]), 0),
				digits
			);
		const planned = sum("amount");
		const difference = flt(flt(doc.grand_total, digits) - planned, digits);
		const money = (value) => format_currency(value, doc.currency, digits);
		const parts = [
			`${__("Planned")}: <b class="plan-planned">${money(planned)}</b>`,
			`${__("Grand Total")}: ${money(doc.grand_total)}`,
		];
		if (doc.docstatus === 1) {
			parts.push(`${__("Received")}: <b class="plan-received">${money(sum("received_amount"))}</b>`);
			parts.push(`${__("Outstanding")}: ${money(sum("outstanding_amount"))}`);
		}
		if (difference) {
			parts.push(
				`<span class="plan-difference text-danger">${__("Difference")}: ${money(difference)}</span>`
			);
		}
		$totals.html(parts.join(" · "));
	},

	refresh(frm) {
		this.totals(frm);
		const open = (frm.doc.payment_plan || []).filter((line) => flt(line.outstanding_amount) > 0);
		if (frm.doc.docstatus === 1 && open.length) {
			frm.add_custom_button(__("Record Receipt"), () => this.record_receipt(frm, open), __("Create"));
		}
	},

	// a submitted plan's grid is read-only (no row selection): the line is chosen in a dialog
	record_receipt(frm, open) {
		if (open.length === 1) {
			this.open_receipt(open[0].name);
			return;
		}
		const dialog = new frappe.ui.Dialog({
			title: __("Record Receipt"),
			fields: [
				{
					fieldname: "line",
					fieldtype: "Select",
					label: __("Payment Plan Line"),
					reqd: 1,
					options: open.map((line) => ({
						value: line.name,
						label: `${line.idx}. ${line.label} · ${
							line.due_date ? frappe.datetime.str_to_user(line.due_date) : __("Not dated")
						} · ${format_currency(line.outstanding_amount, frm.doc.currency)}`,
					})),
				},
			],
			primary_action_label: __("Record Receipt"),
			primary_action: ({ line }) => {
				dialog.hide();
				this.open_receipt(line);
			},
		});
		dialog.show();
	},

	open_receipt(line) {
		frappe.call({
			method: "sales_crm.flows.collections.receipt_for_plan_line",
			args: { line },
			callback(r) {
				if (!r.message) return;
				const doc = frappe.model.sync(r.message)[0];
				frappe.set_route("Form", doc.doctype, doc.name);
			},
		});
	},

	events: {
		setup(frm) {
			// after the live totals of the items moved the grand total, the share lines follow it
			const field = frappe.meta.get_docfield(frm.doctype, "items");
			const items = field && field.options;
			if (!items || sales_crm.payment_plan.following[items]) return;
			sales_crm.payment_plan.following[items] = true;
			const follow = (f) => {
				if (f.doctype !== frm.doctype) return;
				sales_crm.payment_plan.follow_total(f);
				sales_crm.payment_plan.totals(f);
			};
			frappe.ui.form.on(items, {
				qty: follow,
				price_list_rate: follow,
				discount_percentage: follow,
				rate: follow,
				items_remove: follow,
			});
		},
		refresh(frm) {
			sales_crm.payment_plan.refresh(frm);
		},
		tax_rate(frm) {
			sales_crm.payment_plan.follow_total(frm);
			sales_crm.payment_plan.totals(frm);
		},
		payment_plan_add(frm) {
			sales_crm.payment_plan.totals(frm);
		},
		payment_plan_remove(frm) {
			sales_crm.payment_plan.totals(frm);
		},
		payment_terms_template(frm) {
			if (!frm.doc.payment_terms_template || frm.doc.docstatus !== 0) return;
			frappe.call({
				method: "sales_crm.api.payment_plan",
				args: {
					template: frm.doc.payment_terms_template,
					grand_total: frm.doc.grand_total || 0,
					signed_on: frm.doc.signed_on || frm.doc.order_date || null,
				},
				callback(r) {
					frm.clear_table("payment_plan");
					(r.message || []).forEach((line) => frm.add_child("payment_plan", line));
					frm.refresh_field("payment_plan");
					sales_crm.payment_plan.totals(frm);
				},
			});
		},
	},
};

frappe.ui.form.on("Sales Payment Plan Line", {
	share(frm) {
		sales_crm.payment_plan.follow_total(frm);
		sales_crm.payment_plan.totals(frm);
	},
	amount(frm) {
		sales_crm.payment_plan.totals(frm);
	},
});
