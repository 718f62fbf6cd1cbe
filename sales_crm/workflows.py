"""Names of the Frappe Workflows the app ships (the definitions are fixtures)."""

WORKFLOW_NAMES = ("Sales Lead Workflow", "Sales Quotation Workflow", "Customer Commission Workflow")
