// Copyright (c) 2026, sales_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Sales History Import", {
	refresh(frm) {
		if (
			!frm.is_new() &&
			frm.doc.import_file &&
			["Not Started", "Failed", "Partially Completed"].includes(frm.doc.status)
		) {
			frm.add_custom_button(__("Start Import"), () =>
				frappe
					.call({
						method: "sales_crm.api.import_history",
						args: { history_import: frm.doc.name },
						freeze: true,
					})
					.then((r) => {
						frappe.show_alert({
							message: __("Importing {0} orders in the background", [r.message.total]),
							indicator: "blue",
						});
						frm.reload_doc();
					})
			).addClass("btn-primary");
		}
		frm.trigger("render_log");
	},
	render_log(frm) {
		const wrapper = frm.get_field("log_html").$wrapper;
		let results = [];
		try {
			results = JSON.parse(frm.doc.import_log || "[]");
		} catch (e) {
			results = [];
		}
		const problems = results.filter((r) => r.status !== "created");
		if (!results.length) {
			wrapper.html("");
			return;
		}
		const rows = problems
			.slice(0, 500)
			.map(
				(r) => `<tr>
					<td>${frappe.utils.escape_html(String(r.row))}</td>
					<td><span class="indicator-pill ${r.status === "error" ? "red" : "orange"}">${__(
						r.status === "error" ? "Error" : "Skipped"
					)}</span></td>
					<td>${frappe.utils.escape_html(r.external_id || "")}</td>
					<td>${frappe.utils.escape_html(r.message || "")}</td>
				</tr>`
			)
			.join("");
		wrapper.html(`
			<p>${__("{0} orders created, {1} skipped, {2} errors.", [
				frm.doc.created_count || 0,
				frm.doc.skipped_count || 0,
				frm.doc.error_count || 0,
			])}</p>
			${
				problems.length
					? `<table class="table table-bordered table-sm">
				<thead><tr><th>${__("Row")}</th><th>${__("Status")}</th><th>${__("External ID")}</th><th>${__(
					"Message"
				)}</th></tr></thead>
				<tbody>${rows}</tbody></table>`
					: ""
			}`);
	},
});
