"""The covering indexes the reports read alone, as one table: DocType -> {index name: columns}.

A report's figures that grow with the data are read from an index that holds every column the query
needs, led by the columns it filters on with an equality and then the one it groups by. MariaDB then adds
each group up as the index streams past: no row is read (a random read once the tables outgrow the buffer
pool) and no temporary table is built (about 3 µs a row, seconds at a million orders). Each DocType's
``on_doctype_update`` adds its own (``add_report_indexes``); Frappe runs it only when the DocType is saved,
so a patch adds a new one on existing sites (``patches.v1.add_owner_report_indexes``).

An index that a report reads under a user's scope also carries the owner columns (``sales_person``,
``sales_department``): a manager's or a salesperson's scope (``reporting.visible``) is a condition on
them, and an index without them makes MariaDB read every row it passes to test it (12 s against 1.0 s for
a manager's Follow-up Activity at 1M leads). A patch rebuilds an index whose columns changed
(``rebuild_changed``)."""

from __future__ import annotations

import frappe

# what Receivable Ageing reads of each open receivable: when it was posted, what it owes and in which rate,
# the dates it is aged from, and when it was first and last settled (what it owed on an earlier date)
_AGEING_COLUMNS = (
	"posting_date",
	"outstanding_amount",
	"total_amount",
	"exchange_rate",
	"due_date",
	"invoice_date",
	"first_settled_on",
	"last_settled_on",
)

REPORT_INDEXES: dict[str, dict[str, tuple[str, ...]]] = {
	"Sales Lead": {
		# the funnel's and Lead Source Effectiveness's lead figures, in the order they group by
		"lead_report_index": (
			"sales_person",
			"creation",
			"sales_department",
			"lead_source",
			"status",
			"converted_on",
		),
		"lead_source_report_index": (
			"lead_source",
			"creation",
			"status",
			"converted_on",
			"sales_person",
			"sales_department",
		),
		# the funnel's leads per department
		"lead_department_report_index": ("sales_department", "creation", "sales_person"),
		# Lead Source Effectiveness reaches the won opportunities' leads here, not by a row read per lead
		"lead_opportunity_report_index": (
			"opportunity",
			"status",
			"creation",
			"lead_source",
			"sales_person",
			"sales_department",
		),
	},
	"Sales Opportunity": {
		# the funnel's opportunity figures per salesperson or department
		"opportunity_report_index": ("sales_person", "creation", "sales_department", "base_expected_revenue"),
		"opportunity_department_report_index": (
			"sales_department",
			"creation",
			"base_expected_revenue",
			"sales_person",
		),
		# the forecast's open pipeline per salesperson and expected close day
		"opportunity_forecast_index": (
			"status",
			"sales_person",
			"expected_close_date",
			"base_expected_revenue",
			"probability",
			"win_probability",
			"sales_method",
			"sales_stage",
			"sales_department",
		),
		# the funnel's opportunities per lead source (carried from their lead: chain.ATTRIBUTION)
		"opportunity_source_report_index": (
			"lead_source",
			"creation",
			"base_expected_revenue",
			"sales_person",
			"sales_department",
		),
	},
	"Sales Opportunity Stage": {
		# Opportunity Pipeline's days in stage, each stage's stays in turn: a stay's row has its opportunity's
		# creation (Frappe gives child rows their parent's), so the period is tested in the index
		"stage_duration_index": ("parenttype", "stage", "creation", "entered_on", "left_on"),
	},
	"Sales Quotation": {
		# the funnel's quotations per salesperson or department (drafts and submitted)
		"quotation_person_report_index": (
			"sales_person",
			"transaction_date",
			"docstatus",
			"base_grand_total",
			"sales_department",
		),
		"quotation_department_report_index": (
			"sales_department",
			"transaction_date",
			"docstatus",
			"base_grand_total",
			"sales_person",
		),
		# the funnel's quotations per lead source
		"quotation_source_report_index": (
			"lead_source",
			"transaction_date",
			"docstatus",
			"base_grand_total",
			"sales_person",
			"sales_department",
		),
	},
	"Sales Contract": {
		# Sales Plan Achievement's signed contracts per salesperson and day; the funnel's per department
		"contract_person_report_index": (
			"docstatus",
			"sales_person",
			"signed_on",
			"base_grand_total",
			"sales_department",
		),
		"contract_department_report_index": (
			"docstatus",
			"sales_department",
			"signed_on",
			"base_grand_total",
			"sales_person",
		),
		# the funnel's contracts per lead source
		"contract_source_report_index": (
			"docstatus",
			"lead_source",
			"signed_on",
			"base_grand_total",
			"sales_person",
			"sales_department",
		),
	},
	"Customer Order": {
		# the per-customer and per-site reports (and the mining run), for a manager's scope too
		"customer_order_report_index": (
			"docstatus",
			"customer",
			"customer_address",
			"order_date",
			"base_grand_total",
			"sales_person",
			"sales_department",
		),
		# the figures per salesperson or department and day: funnel, forecast, plan achievement, value chart
		# (reporting.ORDER_INDEXES)
		"order_person_report_index": (
			"docstatus",
			"sales_person",
			"order_date",
			"base_grand_total",
			"per_collected",
			"sales_department",
		),
		"order_department_report_index": (
			"docstatus",
			"sales_department",
			"order_date",
			"base_grand_total",
			"per_collected",
			"sales_person",
		),
		# the funnel's orders per lead source
		"order_source_report_index": (
			"docstatus",
			"lead_source",
			"order_date",
			"base_grand_total",
			"per_collected",
			"sales_person",
			"sales_department",
		),
	},
	"Customer Order Item": {
		# the product targets' order rows per salesperson, product and day (the order's, carried on the
		# row: chain.ROW_CARRIES)
		"order_item_report_index": ("docstatus", "sales_person", "product", "order_date", "base_amount"),
	},
	"Sales Customer": {
		# Sales Plan Achievement's new customers per salesperson and day: the first order each customer
		# keeps (sales_crm.kept)
		"first_order_report_index": ("first_order_by", "first_order_date"),
	},
	"Sales Product Month": {
		# Sales Plan Achievement's product targets: the kept monthly amounts (sales_crm.kept)
		"product_month_report_index": ("sales_person", "product", "month", "base_amount"),
	},
	"Sales Receivable": {
		# Receivable Ageing per customer, for a manager's scope too
		"receivable_report_index": (
			"docstatus",
			"customer",
			*_AGEING_COLUMNS,
			"sales_person",
			"sales_department",
		),
		# Receivable Ageing per customer as of today: the open receivables alone (about half of them), the
		# settled dates left out (as of today nothing was settled since)
		"receivable_open_report_index": (
			"docstatus",
			"status",
			"customer",
			*(column for column in _AGEING_COLUMNS if not column.endswith("_settled_on")),
			"sales_person",
			"sales_department",
		),
		# Receivable Ageing per salesperson: the same, in salesperson order
		"receivable_person_report_index": ("docstatus", "sales_person", *_AGEING_COLUMNS, "sales_department"),
	},
	"Sales Receipt": {
		# Customer Value Analysis's collections and days to pay per customer (Receivable Ageing's collections
		# too), for a manager's scope too; it replaced ``receipt_report_index``, which lacked the days
		"receipt_customer_report_index": (
			"docstatus",
			"customer",
			"receipt_date",
			"base_paid_amount",
			"total_allocated_amount",
			"allocated_days",
			"sales_person",
			"sales_department",
		),
		# Sales Plan Achievement's collections and the value chart's, per salesperson and day
		"receipt_person_report_index": (
			"docstatus",
			"sales_person",
			"receipt_date",
			"base_paid_amount",
			"sales_department",
		),
		# Customer Credit Balance's advances and refunds: a few percent of the receipts
		"receipt_credit_report_index": (
			"receipt_type",
			"docstatus",
			"customer",
			"currency",
			"receipt_date",
			"unallocated_amount",
			"offset_amount",
			"refunded_amount",
			"paid_amount",
			"exchange_rate",
		),
	},
	"Sales Receipt Allocation": {
		# what receipts and offsets collected after a date, per plan (the receivable's contract, else its
		# order) and plan line named: Receivable Ageing by payment plan as of an earlier date, from the rows
		# alone (dated by chain.ROW_CARRIES, the receivable's contract and order fetched onto the row)
		"allocation_settled_report_index": (
			"docstatus",
			"settled_on",
			"sales_contract",
			"customer_order",
			"payment_plan_line",
			"allocated_amount",
		),
	},
	"Sales Credit Offset": {
		# Customer Credit Balance's offsets per customer and currency
		"offset_report_index": (
			"docstatus",
			"customer",
			"currency",
			"posting_date",
			"total_amount",
			"exchange_rate",
		),
	},
	"Sales Follow Up": {
		# Follow-up Activity per salesperson, type and status (each group counted as it streams by)
		"follow_up_report_index": (
			"sales_person",
			"follow_up_type",
			"status",
			"follow_up_date",
			"sales_department",
		),
		# Follow-up Activity's leads, opportunities and customers touched: each salesperson's distinct ones
		# are the groups of one of these, streamed in order (a distinct count's tree of names cost more)
		"follow_up_lead_report_index": ("sales_person", "sales_lead", "follow_up_date", "sales_department"),
		"follow_up_opportunity_report_index": (
			"sales_person",
			"opportunity",
			"follow_up_date",
			"sales_department",
		),
		"follow_up_customer_report_index": ("sales_person", "customer", "follow_up_date", "sales_department"),
		# Opportunities Without Follow-up: each open opportunity's last follow-up
		"opportunity_follow_up_index": ("opportunity", "follow_up_date"),
	},
}


def add_report_indexes(doctype: str) -> None:
	"""The DocType's report indexes that the table lacks (``add_index`` skips a name that exists)."""
	for name, columns in REPORT_INDEXES.get(doctype, {}).items():
		frappe.db.add_index(doctype, list(columns), index_name=name)


def rebuild_changed(doctype: str) -> list[str]:
	"""Drop the DocType's declared report indexes whose columns on the site differ from the declaration
	(``add_report_indexes`` then adds them as declared): the names dropped."""
	dropped = []
	for name, columns in REPORT_INDEXES.get(doctype, {}).items():
		found = frappe.db.sql(f"show index from `tab{doctype}` where Key_name = %s", name, as_dict=True)
		if found and [row.Column_name for row in sorted(found, key=lambda r: r.Seq_in_index)] != list(
			columns
		):
			frappe.db.sql_ddl(f"alter table `tab{doctype}` drop index `{name}`")
			dropped.append(name)
	return dropped
