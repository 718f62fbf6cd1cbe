"""The Frappe Workflows the app ships as fixtures (sales_crm/fixtures/), and their states and actions."""

WORKFLOW_NAMES = ("Sales Lead Workflow", "Sales Quotation Workflow", "Customer Commission Workflow")
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
)
