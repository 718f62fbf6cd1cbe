// Loaded on every desk page (hooks.app_include_js). A System Manager is warned when no background worker
// runs: notifications and the scheduled and queued jobs would silently never happen.
frappe.provide("sales_crm");

sales_crm.warn_if_no_workers = function () {
	if (!frappe.session || frappe.session.user === "Guest") return;
	if (!frappe.user.has_role("System Manager")) return;
	frappe
		.xcall("sales_crm.desk.background_health")
		.then((health) => {
			if (!health || (health.workers && !health.scheduler_inactive)) return;
			const message = !health.workers
				? __(
						"No background worker is running: notifications are not sent and scheduled or queued jobs do not run. Start the workers (bench start, or the supervisor's workers)."
				  )
				: __(
						"The scheduler is disabled: daily and monthly jobs do not run (bench enable-scheduler)."
				  );
			$(".sales-crm-worker-warning").remove();
			$(`<div class="sales-crm-worker-warning alert alert-warning text-center small"
				style="margin: 0; border-radius: 0; padding: 6px 12px;"></div>`)
				.text(message)
				.insertAfter($("header.navbar, .navbar").first());
		})
		.catch(() => {});
};

$(document).on("startup", () => sales_crm.warn_if_no_workers());

// On a phone (below Bootstrap's sm breakpoint) Frappe gives every workspace block the full width, so the
// number cards stack one a row, a screen of figures before anything else: two a row fit, as on a tablet.
// A list's standard filters likewise fill the first screen before any row: sales_crm.fold_standard_filters
// folds them behind one button there.
sales_crm.add_phone_styles = function () {
	if (document.getElementById("sales-crm-phone-styles")) return;
	const style = document.createElement("style");
	style.id = "sales-crm-phone-styles";
	style.textContent = `
		@media (max-width: 575.98px) {
			.layout-main-section .ce-block:has(.number-widget-box) {
				flex: 0 0 50%;
				max-width: 50%;
			}
			.layout-main-section .ce-block:has(.number-widget-box) .widget {
				padding: var(--padding-sm);
			}
		}
		@media (max-width: 767.98px) {
			.sales-crm-filters-toggle {
				white-space: nowrap;
			}
			.page-form.sales-crm-filters-folded .standard-filter-section {
				display: none !important;
			}
		}`;
	document.head.appendChild(style);
};

sales_crm.fold_standard_filters = function (listview) {
	const form = listview.page.page_form;
	if (!form || form.data("sales-crm-fold")) return;
	const fields = () => Object.values(listview.page.fields_dict || {});
	const button = $(
		`<button class="btn btn-default btn-sm sales-crm-filters-toggle d-md-none" type="button"></button>`
	);
	const label = () => {
		const set = fields().filter((field) => field.get_value && field.get_value()).length;
		const folded = form.hasClass("sales-crm-filters-folded");
		button.text(
			(folded ? __("Show Filters") : __("Hide Filters")) + (set ? ` (${set})` : "")
		);
	};
	form.data("sales-crm-fold", label).addClass("sales-crm-filters-folded");
	button.on("click", () => {
		form.toggleClass("sales-crm-filters-folded");
		label();
	});
	const section = form.find(".filter-section");
	(section.length ? section : form).prepend(button);
	label();
};

sales_crm.add_phone_styles();
