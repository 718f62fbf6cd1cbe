app_name = "sales_crm"
app_title = "Sales CRM"
app_publisher = "sales_crm contributors"
app_description = (
	"The sales-management subsystem of a CRM: leads to receipts, commissions, plans and analyses"
)
app_email = "sales-crm@example.com"
app_license = "MIT"
required_apps = []

export_python_type_annotations = True

# The app's tile on Frappe's /apps screen opens the Sales CRM workspace.
add_to_apps_screen = [
	{
		"name": "sales_crm",
		"logo": "/assets/frappe/images/frappe-framework-logo.svg",
		"title": "Sales CRM",
		"route": "/app/sales-crm",
	}
]

# The desk's global search (awesome bar) finds these records by their in_global_search fields.
global_search_doctypes = {
	"Default": [
		{"doctype": "Sales Customer"},
		{"doctype": "Sales Lead"},
		{"doctype": "Sales Opportunity"},
		{"doctype": "Sales Quotation"},
		{"doctype": "Sales Contract"},
		{"doctype": "Customer Order"},
		{"doctype": "Sales Product"},
		{"doctype": "Sales Follow Up"},
	]
}

# On every desk page: warns System Managers when no background worker runs (served from the app's public
# folder, which `bench build` links under sites/assets; no bundling needed).
app_include_js = ["/assets/sales_crm/js/sales_crm_desk.js"]
# Salespeople, managers, directors and finance land on the Sales CRM workspace (sales_crm.desk.boot_session).
boot_session = ["sales_crm.desk.boot_session"]

before_install = "sales_crm.install.before_install"
after_install = "sales_crm.install.after_install"
after_migrate = "sales_crm.install.after_migrate"
before_uninstall = "sales_crm.install.before_uninstall"

# Drafts the previous month's Monthly salesperson commissions when Sales CRM Settings switch it on.
# and refreshes which receivables (and payment plan lines) are overdue every day.
scheduler_events = {
	"daily": [
		"sales_crm.flows.orders.flag_overdue_receivables",
		"sales_crm.flows.follow_ups.flag_overdue_follow_ups",
		"sales_crm.flows.quotations.mark_expired_quotations",
		"sales_crm.flows.mining.daily_run",
		"sales_crm.flows.collections.mark_overdue_plan_lines",
		"sales_crm.flows.collection_reminders.send_collection_reminders",
	],
	"monthly": ["sales_crm.flows.commissions.run_monthly_commission_job"],
	# a run whose worker died reads Failed within minutes, in the list and form too, not at the next run
	"cron": {"*/10 * * * *": ["sales_crm.flows.mining.close_abandoned_runs"]},
}

# Workflows, their states and actions ship as fixtures, filtered to this app's own records: Frappe's
# own states (Pending, Approved, Rejected) and actions (Approve, Reject, Review) are used, never shipped,
# so a migrate does not re-insert them (sales_crm/constants.py keeps these lists; a test compares them).
fixtures = [
	{
		"dt": "Workflow State",
		"filters": [
			[
				"name",
				"in",
				[
					"Unassigned",
					"Assigned",
					"Converted",
					"Lost",
					"Quoting",
					"Accepted",
					"Drafting",
					"Under Approval",
					"Executing",
					"Closed",
					"Draft",
					"Pending Approval",
					"Signed",
					"Confirmed",
					"Cancelled",
					"Paid",
					"Expired",
				],
			]
		],
	},
	{
		"dt": "Workflow Action Master",
		"filters": [
			[
				"name",
				"in",
				[
					"Assign",
					"Mark Lost",
					"Request Changes",
					"Customer Accepted",
					"Customer Rejected",
					"Request Approval",
					"Close",
					"Sign",
					"Confirm",
					"Pay",
				],
			]
		],
	},
	{
		"dt": "Workflow",
		"filters": [
			[
				"name",
				"in",
				[
					"Sales Lead Workflow",
					"Sales Quotation Workflow",
					"Customer Commission Workflow",
					"Sales Contract Workflow",
					"Customer Order Workflow",
					"Salesperson Commission Workflow",
				],
			]
		],
	},
]

# Row-level permissions (sales_crm/permissions.py): lists, reports and link searches use the query
# conditions; get, write, submit, cancel and delete of one document use has_permission.
# The DocTypes are sales_crm.permissions.SCOPED (a test checks that both lists agree).
_scoped = (
	"Sales Customer",
	"Sales Lead",
	"Sales Opportunity",
	"Sales Quotation",
	"Sales Contract",
	"Customer Order",
	"Sales Receivable",
	"Sales Receipt",
	"Sales Credit Offset",
	"Salesperson Commission",
	"Customer Commission",
	"Sales Plan",
	"Sales Follow Up",
	"Customer Site Score",
)
permission_query_conditions = {doctype: "sales_crm.permissions.query_conditions" for doctype in _scoped}
has_permission = {doctype: "sales_crm.permissions.has_permission" for doctype in _scoped}
# Departments: a manager sees and edits their own; members and finance read theirs (sales_crm.org decides).
permission_query_conditions["Sales Department"] = "sales_crm.permissions.department_query_conditions"
has_permission["Sales Department"] = "sales_crm.permissions.department_permission"
# A customer's or lead's contacts and sites (Frappe's Contact and Address) follow the records they link
# through their Dynamic Links (sales_crm.constants.LINK_SCOPED).
_through_links = ("Contact", "Address")
permission_query_conditions.update(
	{doctype: "sales_crm.permissions.link_query_conditions" for doctype in _through_links}
)
has_permission.update({doctype: "sales_crm.permissions.has_link_permission" for doctype in _through_links})
# Rows of a child table read as records (get_list, get_value, reportview of "Sales Contract Item" …) follow
# their parent's scope: Frappe v15 checks only the parent DocType's role there. The hook is for every
# DocType because the child tables are read from the meta; it answers "" for all others.
permission_query_conditions["*"] = "sales_crm.permissions.child_query_conditions"

# Frappe v15 makes a script report a prepared report for everyone once one run takes over 15 s; the app's
# reports stay interactive (sales_crm.reporting.InteractiveReport), others keep Frappe's timer.
override_doctype_class = {"Report": "sales_crm.reporting.InteractiveReport"}

# Frappe v15's frappe.client.get_count checks no permission: for the app's DocTypes, counts go through
# the user's list (row scope and User Permissions); other DocTypes are counted as Frappe counts them.
override_whitelisted_methods = {"frappe.client.get_count": "sales_crm.permissions.get_count"}
# The desk's list and report counts of the app's DocTypes add up the disjoint parts of the user's scope,
# one index range each, instead of one OR that no index serves (issue 11).
override_whitelisted_methods["frappe.desk.reportview.get_count"] = "sales_crm.permissions.get_list_count"
# The list sidebar's group-by counts: the same parts; and "Assigned To", which Frappe v15 counts over every
# record with no permission check, over the rows the user's list shows.
override_whitelisted_methods["frappe.desk.listview.get_group_by_count"] = (
	"sales_crm.permissions.get_group_by_count"
)

# Endpoints that read records past the row scopes (sales_crm/endpoints.py): link search with
# ignore_user_permissions or any filter_fields, a print of a client-built document, the existence answers of
# frappe.client.get, the name, title, default address or linked documents of a record the user may not
# read, and a child row by name (Frappe checks only the parent DocType's role there).
for _method in ("search_widget", "search_link", "get_link_title"):
	override_whitelisted_methods[f"frappe.desk.search.{_method}"] = f"sales_crm.endpoints.{_method}"
for _method in ("get_html_and_style", "get_rendered_raw_commands"):
	override_whitelisted_methods[f"frappe.www.printview.{_method}"] = f"sales_crm.endpoints.{_method}"
override_whitelisted_methods["frappe.utils.print_format.download_pdf"] = "sales_crm.endpoints.download_pdf"
for _method in ("get", "validate_link", "set_value", "delete"):
	override_whitelisted_methods[f"frappe.client.{_method}"] = f"sales_crm.endpoints.{_method}"
override_whitelisted_methods["frappe.desk.form.load.getdoc"] = "sales_crm.endpoints.getdoc"
override_whitelisted_methods["frappe.contacts.doctype.address.address.get_default_address"] = (
	"sales_crm.endpoints.get_default_address"
)
override_whitelisted_methods["frappe.desk.form.linked_with.get_submitted_linked_docs"] = (
	"sales_crm.endpoints.get_submitted_linked_docs"
)

# The background jobs' progress and answers (sales_crm/jobs.py: lead import, commissions, plan compilation)
# outlive a cache clear.
persistent_cache_keys = ["sales_crm:job:*"]

# A customer site (Address) shows its value and churn risk; an opportunity its win probability's factors.
doctype_js = {
	"Address": "public/js/address_site_score.js",
	"Sales Opportunity": "public/js/win_probability.js",
}

# Print formats call rmb_upper (amounts in Chinese financial capitals).
jinja = {"methods": ["sales_crm.rules.money_words.rmb_upper"]}

# Values no Sales CRM record may hold (NaN, unstorable numbers, objects in text fields, non-dates):
# refused with a translated error before any controller or database sees them (sales_crm/sanitize.py).
before_request = ["sales_crm.sanitize.check_request_shape"]
# An API request while the database is unreachable is answered 503 with Retry-After, not 500
# (sales_crm/availability.py); it connects before any other hook of the app queries.
before_request.insert(0, "sales_crm.availability.connect_or_answer_unavailable")
# What runs after a commit (queued jobs, realtime) fails on its own, logged: a request's answer stays the
# committed request's, so that a client does not post again what landed; a job goes on past its commit.
before_request.insert(1, "sales_crm.availability.isolate_after_commit")
after_request = ["sales_crm.availability.add_retry_after"]
# A transaction MariaDB refused (a deadlock's victim, a lock wait timed out) is answered 409 with
# Retry-After and a message, not Frappe's 500 with a traceback: nothing was saved, and a retry lands.
after_request.append("sales_crm.availability.answer_conflict")
# before_insert too: Frappe names a new document (from its naming_series) before it validates it.
doc_events = {
	"*": {
		"before_insert": "sales_crm.sanitize.validate_field_values",
		"before_validate": [
			"sales_crm.sanitize.validate_field_values",
			"sales_crm.sanitize.validate_links",
		],
		"validate": "sales_crm.org.check_membership",
	},
	# A lead assigned in the desk (Assign To, bulk Assign To, an Assignment Rule) becomes the assignee's
	# lead, as assign_leads makes it; a follow-up's ToDo marked done closes the follow-up.
	"ToDo": {
		"after_insert": "sales_crm.flows.lead_import.on_todo_insert",
		"on_update": "sales_crm.flows.follow_ups.on_todo_update",
	},
	# a lead's or an opportunity's new lead source reaches every deal that came from it
	"Sales Lead": {"on_update": "sales_crm.chain.spread_attribution"},
	"Sales Opportunity": {"on_update": "sales_crm.chain.spread_attribution"},
	# a renamed user keeps their departments (Frappe renames the member and manager links in SQL)
	# and one who holds a Sales CRM role lands on its workspace
	"User": {
		"after_rename": "sales_crm.org.clear_departments_cache",
		"validate": "sales_crm.desk.land_on_sales_crm",
	},
}

# Read replicas (site config read_from_replica): a request's or job's report and list reads go to the
# primary while the replica is down or lags more than replica_max_lag_seconds (sales_crm/replica.py).
before_request.append("sales_crm.replica.use_replica_if_healthy")
# A child row named in a request (the /printview page, download_multi_pdf, the form endpoints) is read only
# through its parent record's scope (sales_crm/endpoints.py).
before_request.append("sales_crm.endpoints.guard_child_rows")
before_job = ["sales_crm.availability.isolate_after_commit", "sales_crm.replica.use_replica_if_healthy"]
# Document Type number cards read from the replica too (Frappe v15 leaves them on the primary).
override_whitelisted_methods["frappe.desk.doctype.number_card.number_card.get_result"] = (
	"sales_crm.replica.number_card_result"
)

# A sales user's sidebar leaves out Frappe's administration workspaces (sales_crm.desk.sales_sidebar).
override_whitelisted_methods["frappe.desk.desktop.get_workspace_sidebar_items"] = (
	"sales_crm.desk.get_workspace_sidebar_items"
)
