// Live totals: typing a quantity, price, discount or tax recomputes the rows and totals before the save,
// with the server's own arithmetic (sales_crm.pricing, the port of sales_crm/rules/pricing.py). The server
// recomputes every figure again on save; these only spare the user a save to see them.
// Forms include this file (after pricing.js) with a Jinja include directive in a line comment.
frappe.provide("sales_crm");

sales_crm.live_totals = {
	// what sales_crm.rounding reads: System Settings' method, else Frappe's default
	method() {
		return frappe.sys_defaults.rounding_method || "Banker's Rounding (legacy)";
	},

	precision(frm, fieldname) {
		return cint(precision(fieldname, frm.doc)) || 2;
	},

	set(frm, doc, values) {
		Object.entries(values).forEach(([fieldname, value]) => (doc[fieldname] = value));
		if (doc === frm.doc) frm.refresh_fields(Object.keys(values));
	},

	// Each row of a table takes its figures (values[i] for the i-th row), and only the cells whose value
	// moved are redrawn: redrawing the whole grid would also redraw the cell the user is typing in, and
	// drop what was typed there but not yet taken by the grid (a quantity typed as the price arrives).
	set_rows(frm, table, values) {
		const grid = frm.fields_dict[table] && frm.fields_dict[table].grid;
		let redraw_all = false;
		(frm.doc[table] || []).forEach((row, i) => {
			const moved = Object.keys(values[i]).filter((fieldname) => row[fieldname] !== values[i][fieldname]);
			moved.forEach((fieldname) => (row[fieldname] = values[i][fieldname]));
			const grid_row = grid && grid.get_row(row.name);
			if (grid_row) moved.forEach((fieldname) => grid_row.refresh_field(fieldname));
			else if (moved.length) redraw_all = true;
		});
		if (redraw_all) frm.refresh_field(table);
	},

	// Quotations, contracts and orders: rate, amount and base figures of every row, then the totals.
	selling(frm) {
		const { doc } = frm;
		if (doc.docstatus !== 0) return;
		const strategy_discount = frm.__price_strategy_discount || 0;
		const rows = (doc.items || []).map((row) => ({
			qty: row.qty,
			price_list_rate: row.price_list_rate,
			// the price strategy's discount applies to rows with a list price and no discount of their own
			discount_percentage:
				doc.price_strategy && row.price_list_rate && !row.discount_percentage
					? strategy_discount
					: row.discount_percentage,
			rate: row.rate,
		}));
		let priced;
		try {
			priced = sales_crm.pricing.price_document(
				rows,
				doc.tax_rate || 0,
				doc.exchange_rate || 1,
				this.precision(frm, "grand_total"),
				this.method()
			);
		} catch (e) {
			return; // a number being typed ("1e"): the server says what is wrong on save
		}
		this.set_rows(frm, "items", priced.items);
		this.set(frm, doc, priced.totals);
	},

	selling_events(item_doctype) {
		const recompute = (frm) => sales_crm.live_totals.selling(frm);
		frappe.ui.form.on(item_doctype, {
			qty: recompute,
			price_list_rate: recompute,
			discount_percentage: recompute,
			rate: recompute,
			product: recompute,
			items_remove: recompute,
		});
		return {
			tax_rate: recompute,
			exchange_rate: recompute,
			items_remove: recompute,
			onload_post_render(frm) {
				sales_crm.live_totals.load_strategy(frm);
				// the server fills an empty tax rate with the settings' default: show it before the save
				if (frm.is_new() && (frm.doc.tax_rate === null || frm.doc.tax_rate === undefined)) {
					frappe.xcall("sales_crm.desk.selling_defaults").then((defaults) => {
						if (frm.doc.tax_rate === null || frm.doc.tax_rate === undefined) {
							frm.set_value("tax_rate", defaults.tax_rate || 0);
						}
					});
				}
			},
			price_strategy: (frm) => sales_crm.live_totals.load_strategy(frm),
		};
	},

	load_strategy(frm) {
		if (!frm.doc.price_strategy) {
			frm.__price_strategy_discount = 0;
			return sales_crm.live_totals.selling(frm);
		}
		return frappe.db
			.get_value("Price Strategy", frm.doc.price_strategy, "discount_percentage")
			.then((r) => {
				frm.__price_strategy_discount = (r.message || {}).discount_percentage || 0;
				if (frm.is_dirty()) sales_crm.live_totals.selling(frm);
			});
	},

	// Opportunities: row amount = qty × rate; the expected revenue follows the rows until the user types
	// their own figure (the server keeps a typed one).
	opportunity(frm) {
		const { doc } = frm;
		const p = this.precision(frm, "expected_revenue");
		const method = this.method();
		let amounts;
		try {
			amounts = (doc.items || []).map(
				(row) =>
					sales_crm.pricing.item_values(
						{ qty: row.qty || 0, price_list_rate: 0, discount_percentage: 0, rate: row.rate },
						1,
						2,
						method
					).amount
			);
		} catch (e) {
			return;
		}
		this.set_rows(
			frm,
			"items",
			amounts.map((amount) => ({ amount }))
		);
		const total = sales_crm.pricing.sum(amounts, p, method);
		const expected = flt(doc.expected_revenue);
		if (!expected || expected === frm.__items_total) {
			this.set(frm, doc, { expected_revenue: total });
		}
		frm.__items_total = total;
		this.set(frm, doc, {
			base_expected_revenue: flt(flt(doc.expected_revenue) * flt(doc.exchange_rate || 1), 2),
		});
	},

	// Receipts: paid (unless an advance, whose amount is typed), write-off and total from the allocations.
	receipt(frm) {
		const { doc } = frm;
		if (doc.docstatus !== 0 || doc.receipt_type === "Refund") return;
		const p = this.precision(frm, "total_amount");
		const method = this.method();
		const rows = doc.allocations || [];
		try {
			const allocated = sales_crm.pricing.sum(
				rows.map((row) => row.allocated_amount || 0),
				p,
				method
			);
			const write_off = sales_crm.pricing.sum(
				rows.map((row) => row.write_off_amount || 0),
				p,
				method
			);
			const paid = doc.receipt_type === "Advance" ? flt(doc.paid_amount) : allocated;
			this.set(frm, doc, {
				paid_amount: paid,
				write_off_amount: write_off,
				total_amount: sales_crm.pricing.sum([paid, write_off], p, method),
				base_paid_amount: sales_crm.pricing.multiply(paid, doc.exchange_rate || 1, p, method),
			});
		} catch (e) {
			return;
		}
	},
};
