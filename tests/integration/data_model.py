"""DATA_MODEL.md as data: the DocTypes, fieldnames, Select options and statuses outside clients rely on.

Written from the design document by hand, not generated from the app, so the meta test can catch drift.
"""

CURRENCY_FIELD = "Currency"

# doctype -> (is_submittable, [fieldnames listed in DATA_MODEL.md])
FIELDS = {
	"Sales Credit Offset": (
		1,
		"posting_date customer credit_receipt credit_available currency exchange_rate allocations total_amount base_total_amount sales_person sales_department",
	),
	"Sales Write Off Reason": (0, "reason disabled description"),
	"Sales Customer": (
		0,
		"customer_name customer_type industry phone email address primary_contact source_lead sales_person sales_department disabled",
	),
	"Sales Product": (0, "product_code product_name specification uom standard_rate disabled"),
	"Sales Department": (0, "department_name manager members"),
	"Sales Department Member": (0, "user commission_rate is_active"),
	"Price Strategy": (0, "strategy_name discount_percentage description disabled"),
	"Sales Method": (0, "method_name stages"),
	"Sales Method Stage": (0, "stage probability"),
	"Sales Lead": (
		0,
		"company_name industry address website contact_name contact_title phone mobile email own_products lead_source origin status opportunity lost_reason sales_person sales_department customer assigned_on converted_on possible_duplicate_of",
	),
	"Sales Lead Product": (0, "product_name specification annual_volume remarks"),
	"Sales Opportunity": (
		0,
		"opportunity_name status customer sales_lead sales_method sales_stage expected_revenue currency won_amount probability stage_history items sales_person sales_department expected_close_date lost_reason lead_source",
	),
	"Sales Opportunity Stage": (0, "stage entered_on left_on changed_by"),
	"Sales Opportunity Item": (0, "product qty uom rate amount"),
	"Sales Quotation": (
		1,
		"title version status opportunity customer price_strategy payment_terms sales_person valid_till currency exchange_rate items total_qty net_total tax_rate tax_amount grand_total base_grand_total amended_from lead_source",
	),
	"Sales Quotation Item": (
		0,
		"product specification uom qty price_list_rate discount_percentage rate amount",
	),
	"Sales Contract": (
		1,
		"contract_no contract_type customer price_strategy sales_person quotation opportunity net_total tax_amount grand_total base_grand_total currency exchange_rate commission_rate total_commission items status signed_on start_date end_date per_ordered per_collected lead_source",
	),
	"Sales Contract Item": (
		0,
		"product specification uom qty price_list_rate discount_percentage rate amount ordered_qty",
	),
	"Salesperson Commission": (
		1,
		"commission_name commission_type sales_contract contract_type contract_amount from_date to_date contracts commission_basis base_amount commission_rate accrued_amount paid_amount outstanding_amount commission_date sales_person status",
	),
	"Salesperson Commission Detail": (0, "sales_contract contract_type contract_amount commission_amount"),
	"Customer Commission": (
		0,
		"commission_name status from_date to_date sales_contract sales_amount customer contact_person sales_person commission_rate commission_amount customer_paid_amount commission_paid_amount",
	),
	"Customer Order": (
		1,
		"order_no order_date order_type order_source customer sales_mode delivery_method settlement_method delivery_address price_strategy currency exchange_rate tax_rate tax_amount net_total grand_total base_grand_total contact_person sales_person quotation sales_contract opportunity items status delivery_date per_delivered per_invoiced per_collected lead_source",
	),
	"Customer Order Item": (
		0,
		"product specification uom qty price_list_rate discount_percentage rate amount delivered_qty invoiced_qty",
	),
	"Sales Receivable": (
		1,
		"posting_date description customer_order sales_contract opportunity customer currency exchange_rate settlement_method total_amount received_amount write_off_amount outstanding_amount status due_date is_overdue invoice_no invoice_date sales_person",
	),
	"Sales Receipt": (
		1,
		"receipt_date receipt_type customer customer_order sales_contract sales_person currency exchange_rate receivable_amount previously_received outstanding_before write_off_amount paid_amount total_amount allocations",
	),
	"Sales Receipt Allocation": (0, "sales_receivable outstanding_amount allocated_amount write_off_amount"),
	"Sales Plan": (1, "plan_name fiscal_year period_type sales_department targets"),
	"Sales Plan Target": (
		0,
		"sales_person period period_start period_end target_order_amount target_collection_amount target_new_customers",
	),
}

SELECTS = {
	("Sales Customer", "customer_type"): "Company Individual",
	(
		"Sales Lead",
		"lead_source",
	): "Marketing Campaign|Employee Referral|800 Hotline|Advertising Response|Customer Referral",
	("Sales Lead", "origin"): "Marketing Subsystem|Direct Entry",
	("Sales Lead", "status"): "Unassigned Assigned Converted Lost",
	("Sales Opportunity", "status"): "Open Won Lost",
	("Sales Quotation", "status"): "Quoting Approved Accepted Rejected Expired",
	("Sales Contract", "contract_type"): "Standard Framework Service",
	("Sales Contract", "status"): "Draft Signed Completed Cancelled",
	("Salesperson Commission", "commission_type"): "Basic Monthly Quarterly Half-Yearly Annual",
	("Salesperson Commission", "commission_basis"): "Contract Amount|Collected Amount",
	("Salesperson Commission", "status"): "Draft|Accrued|Partly Paid|Paid|Cancelled",
	("Customer Commission", "status"): "Drafting|Under Approval|Executing|Closed",
	("Customer Order", "order_type"): "Standard Sample Replacement",
	("Customer Order", "order_source"): "Contract Quotation Direct",
	("Customer Order", "sales_mode"): "Direct Distribution Consignment Online",
	("Customer Order", "delivery_method"): "Customer Pickup|Own Delivery|Courier",
	("Customer Order", "settlement_method"): "Bank Transfer|Cash|Cheque|Acceptance Draft|Credit",
	("Customer Order", "status"): "Draft|To Deliver and Invoice|To Invoice|To Deliver|Completed|Cancelled",
	("Sales Receivable", "status"): "Unpaid Paid",
	("Sales Receipt", "receipt_type"): "Payment Advance Refund",
	("Sales Receipt", "payment_mode"): "Bank Transfer|Cash|Cheque|Bank Acceptance Bill|WeChat Pay|Alipay",
	("Sales Plan", "period_type"): "Monthly Quarterly Half-Yearly Annual",
}

CHILD_TABLES = {
	("Sales Department", "members"): "Sales Department Member",
	("Sales Method", "stages"): "Sales Method Stage",
	("Sales Lead", "own_products"): "Sales Lead Product",
	("Sales Opportunity", "stage_history"): "Sales Opportunity Stage",
	("Sales Opportunity", "items"): "Sales Opportunity Item",
	("Sales Quotation", "items"): "Sales Quotation Item",
	("Sales Contract", "items"): "Sales Contract Item",
	("Customer Order", "items"): "Customer Order Item",
	("Salesperson Commission", "contracts"): "Salesperson Commission Detail",
	("Sales Receipt", "allocations"): "Sales Receipt Allocation",
	("Sales Plan", "targets"): "Sales Plan Target",
}

# Money on transactions is Currency in the document's currency.
MONEY = {
	"Sales Quotation": "net_total tax_amount grand_total",
	"Sales Contract": "net_total tax_amount grand_total total_commission",
	"Customer Order": "net_total tax_amount grand_total",
	"Sales Receivable": "total_amount received_amount write_off_amount outstanding_amount",
	"Sales Receipt": "receivable_amount previously_received outstanding_before write_off_amount paid_amount total_amount",
	"Sales Opportunity": "expected_revenue won_amount",
}

LINKS = {
	("Sales Lead", "opportunity"): "Sales Opportunity",
	("Sales Lead", "sales_department"): "Sales Department",
	("Sales Lead", "sales_person"): "User",
	("Sales Customer", "source_lead"): "Sales Lead",
	("Sales Opportunity", "customer"): "Sales Customer",
	("Sales Opportunity", "sales_method"): "Sales Method",
	("Sales Quotation", "opportunity"): "Sales Opportunity",
	("Sales Contract", "quotation"): "Sales Quotation",
	("Customer Order", "sales_contract"): "Sales Contract",
	("Sales Receivable", "customer_order"): "Customer Order",
	("Sales Receipt Allocation", "sales_receivable"): "Sales Receivable",
	("Salesperson Commission", "sales_contract"): "Sales Contract",
	("Customer Commission", "sales_contract"): "Sales Contract",
}

NAMING = {
	"Sales Credit Offset": "OFS-",
	"Sales Lead": "LEAD-",
	"Sales Opportunity": "OPP-",
	"Sales Quotation": "QTN-",
	"Sales Contract": "CON-",
	"Customer Order": "ORD-",
	"Sales Receivable": "AR-",
	"Sales Receipt": "RCPT-",
	"Salesperson Commission": "SPC-",
	"Customer Commission": "CC-",
	"Sales Plan": "PLAN-",
}

STANDARD_STAGES = [
	("Needs Tracking", 20),
	("Solution Design", 40),
	("Quotation", 60),
	("Contract Signing", 80),
]


def options(spec: str) -> list[str]:
	"""Options are space-separated, or '|'-separated when one of them has a space."""
	return spec.split("|") if "|" in spec else spec.split()
