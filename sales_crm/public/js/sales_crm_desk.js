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
