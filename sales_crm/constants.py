"""Names the app ships and refers to: roles, the standard sales method, its workflows.

Plain data: no imports, so any module (and the tests) can read it.
"""

ROLES = ("Sales User", "Sales Manager", "Sales Director", "Accounts User")

STANDARD_METHOD = "Standard"
STANDARD_STAGES = (
	("Needs Tracking", 20),
	("Solution Design", 40),
	("Quotation", 60),
	("Contract Signing", 80),
)

WORKFLOW_NAMES = (
	"Sales Lead Workflow",
	"Sales Quotation Workflow",
	"Customer Commission Workflow",
	"Sales Contract Workflow",
	"Customer Order Workflow",
	"Salesperson Commission Workflow",
)
WORKFLOW_STATES = (
	"Unassigned",
	"Assigned",
	"Converted",
	"Lost",
	"Quoting",
	"Approved",
	"Accepted",
	"Rejected",
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
)
WORKFLOW_ACTIONS = (
	"Assign",
	"Mark Lost",
	"Approve",
	"Request Changes",
	"Customer Accepted",
	"Customer Rejected",
	"Request Approval",
	"Close",
	"Sign",
	"Confirm",
	"Pay",
)
# Frappe creates these on every site (frappe.utils.install); the app's workflows use them, never ship them.
CORE_WORKFLOW_STATES = frozenset({"Pending", "Approved", "Rejected"})
CORE_WORKFLOW_ACTIONS = frozenset({"Approve", "Reject", "Review"})

# The lost and rejection reasons every site starts with (Sales Loss Reason); users add their own.
LOSS_REASONS = (
	"Price",
	"Competitor",
	"No Budget",
	"No Decision",
	"Timing",
	"Product Fit",
	"No Response",
	"Other",
)

# The write-off reasons every site starts with (Sales Write Off Reason); users add their own.
WRITE_OFF_REASONS = ("Rounding", "Bank Charges", "Discount Granted", "Bad Debt", "Other")

# The shipped Payment Terms Templates: (label, share %, due rule, days) per instalment. The labels are
# stored in the site's language when the template is created (首款, 中期款, 尾款, 质保金).
STANDARD_PAYMENT_TERMS = {
	"30/70": (
		("Down Payment", 30, "Days After Signing", 0),
		("Final Payment", 70, "Days After Delivery", 30),
	),
	"30/60/10": (
		("Down Payment", 30, "Days After Signing", 0),
		("Progress Payment", 60, "Days After Delivery", 30),
		("Retention Payment", 10, "Days After Invoice", 365),
	),
}

# Address types a customer's sites may have besides Frappe's own (Office, Plant, Warehouse, …): the seed's
# purchasing and IT departments. Added to Address.address_type with a Property Setter on install/migrate.
ADDRESS_TYPES = ("Purchasing", "IT")

# DocTypes with row-level rules (sales_crm.permissions); hooks.py lists the same names.
SCOPED = (
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

# Frappe's own DocTypes that the app scopes through their Dynamic Links to the DocTypes above (a customer's
# or lead's contacts and sites); hooks.py lists the same names. Child tables of the DocTypes above are
# scoped through their parent (sales_crm.permissions.child_query_conditions, hooked for "*").
LINK_SCOPED = ("Contact", "Address")
