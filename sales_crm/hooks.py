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

before_install = "sales_crm.install.before_install"
after_install = "sales_crm.install.after_install"
after_migrate = "sales_crm.install.after_migrate"
before_uninstall = "sales_crm.install.before_uninstall"

# Drafts the previous month's Monthly salesperson commissions when Sales CRM Settings switch it on.
# and refreshes which receivables are overdue every day.
scheduler_events = {
	"daily": ["sales_crm.flows.orders.flag_overdue_receivables"],
	"monthly": ["sales_crm.flows.commissions.run_monthly_commission_job"],
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
				["Sales Lead Workflow", "Sales Quotation Workflow", "Customer Commission Workflow"],
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
	"Salesperson Commission",
	"Customer Commission",
	"Sales Plan",
)
permission_query_conditions = {doctype: "sales_crm.permissions.query_conditions" for doctype in _scoped}
has_permission = {doctype: "sales_crm.permissions.has_permission" for doctype in _scoped}

# A large lead import's progress and per-row answers (sales_crm/flows/lead_import.py) outlive a cache clear.
persistent_cache_keys = ["sales_crm:lead_import:*"]

# Print formats call rmb_upper (amounts in Chinese financial capitals).
jinja = {"methods": ["sales_crm.rules.money_words.rmb_upper"]}

# Values no Sales CRM record may hold (NaN, unstorable numbers, objects in text fields, non-dates):
# refused with a translated error before any controller or database sees them (sales_crm/sanitize.py).
before_request = ["sales_crm.sanitize.check_request_shape"]
# before_insert too: Frappe names a new document (from its naming_series) before it validates it.
doc_events = {
	"*": {
		"before_insert": "sales_crm.sanitize.validate_field_values",
		"before_validate": "sales_crm.sanitize.validate_field_values",
	},
	# A department Assignment Rule (sales_crm/lead_import.py) gave a lead to a user: make it their lead.
	"ToDo": {"after_insert": "sales_crm.flows.lead_import.on_todo_insert"},
}
