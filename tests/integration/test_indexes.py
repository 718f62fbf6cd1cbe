"""The columns that row scopes, lists, number cards, reports and duplicate matching filter on are
indexed in the database (DocType ``search_index`` or ``on_doctype_update``)."""

import frappe
import pytest
from factories import sent_queries

from sales_crm.constants import SCOPED
from sales_crm.permissions import WALK_LIST_ORDER
from sales_crm.report_indexes import REPORT_INDEXES

REPORT_DATES = {
	"Sales Lead": ["creation"],
	"Sales Opportunity": ["creation", "expected_close_date"],
	"Sales Quotation": ["transaction_date"],
	"Sales Contract": ["signed_on"],
	"Customer Order": ["order_date"],
	"Sales Receivable": ["posting_date", "due_date", "invoice_date"],
	"Sales Receipt": ["receipt_date"],
	"Salesperson Commission": ["commission_date"],
	"Customer Commission": ["from_date", "to_date"],
}
DUPLICATE_KEYS = {
	"Sales Lead": ["company_key", "phone_key", "mobile_key", "email_key", "external_id"],
	"Sales Customer": ["company_key", "phone_key", "email_key"],
}


def indexed_columns(doctype: str) -> set[str]:
	"""Columns that lead an index of the DocType's table."""
	rows = frappe.db.sql(f"show index from `tab{doctype}`", as_dict=True)
	return {row.Column_name for row in rows if row.Seq_in_index == 1}


@pytest.mark.parametrize("doctype", sorted(SCOPED))
def test_owner_columns_are_indexed(doctype):
	meta = frappe.get_meta(doctype)
	owners = [f for f in ("sales_person", "sales_department") if meta.has_field(f)]
	assert owners
	assert set(owners) <= indexed_columns(doctype)


@pytest.mark.parametrize("doctype", sorted(REPORT_DATES))
def test_report_dates_are_indexed(doctype):
	assert set(REPORT_DATES[doctype]) <= indexed_columns(doctype)


@pytest.mark.parametrize("doctype", sorted(DUPLICATE_KEYS))
def test_duplicate_keys_are_indexed(doctype):
	assert set(DUPLICATE_KEYS[doctype]) <= indexed_columns(doctype)


# the indexes that report queries read alone, never touching the rows (sales_crm.report_indexes)
REPORTS_INDEXES = sorted((doctype, name) for doctype, named in REPORT_INDEXES.items() for name in named)


def test_the_report_indexes_include_those_the_reports_name():
	"""Every index a report names (``force_index``) is one the table declares."""
	from sales_crm.reporting import ORDER_INDEXES

	declared = {name for named in REPORT_INDEXES.values() for name in named}
	assert set(ORDER_INDEXES.values()) <= declared
	assert {
		"receipt_person_report_index",
		"contract_person_report_index",
		"opportunity_follow_up_index",
		"order_item_report_index",
	} <= declared


@pytest.mark.parametrize("doctype,index", REPORTS_INDEXES)
def test_report_indexes_cover_their_queries(doctype, index):
	"""On the site, each declared index with its columns in their order."""
	rows = frappe.db.sql(f"show index from `tab{doctype}` where Key_name = %s", index, as_dict=True)
	assert [row.Column_name for row in sorted(rows, key=lambda r: r.Seq_in_index)] == list(
		REPORT_INDEXES[doctype][index]
	)


def test_the_patch_adds_the_report_indexes_to_a_site_without_them_and_drops_the_stays_old_one():
	"""A site from before these indexes: the patch gives it every one (a migrate without DocType changes
	runs no ``on_doctype_update``) and drops the stays' index that led with the date."""
	from sales_crm.patches.v1 import add_owner_report_indexes

	def names(table):
		return {row.Key_name for row in frappe.db.sql(f"show index from `{table}`", as_dict=True)}

	dropped = [("Customer Order", "order_person_report_index"), ("Sales Follow Up", "follow_up_report_index")]
	for doctype, index in dropped:
		frappe.db.sql_ddl(f"alter table `tab{doctype}` drop index `{index}`")
	frappe.db.sql_ddl(
		"alter table `tabSales Opportunity Stage` add index stage_report_index (creation, parenttype, stage)"
	)
	try:
		add_owner_report_indexes.execute()
		for doctype, index in dropped:
			assert index in names(f"tab{doctype}")
		assert "stage_report_index" not in names("tabSales Opportunity Stage")
	finally:  # DDL commits: leave the site as the other tests expect it, whatever happened
		if "stage_report_index" in names("tabSales Opportunity Stage"):
			frappe.db.sql_ddl("alter table `tabSales Opportunity Stage` drop index stage_report_index")
		for doctype, _index in dropped:
			frappe.get_attr(
				f"sales_crm.sales_crm.doctype.{frappe.scrub(doctype)}.{frappe.scrub(doctype)}.on_doctype_update"
			)()


def test_the_patch_rebuilds_a_report_index_whose_columns_changed():
	"""A site whose follow-ups' index lacks the department (as before the owner columns): the patch drops it
	and adds it as declared; an index already as declared is left alone."""
	from sales_crm.patches.v1 import carry_owner_columns_in_report_indexes

	def columns(doctype, index):
		rows = frappe.db.sql(f"show index from `tab{doctype}` where Key_name = %s", index, as_dict=True)
		return [row.Column_name for row in sorted(rows, key=lambda r: r.Seq_in_index)]

	old = ["sales_person", "follow_up_type", "status", "follow_up_date"]
	frappe.db.sql_ddl(
		"alter table `tabSales Follow Up` drop index follow_up_report_index, "
		f"add index follow_up_report_index ({', '.join(old)})"
	)
	try:
		assert columns("Sales Follow Up", "follow_up_report_index") == old
		carry_owner_columns_in_report_indexes.execute()
		for doctype, named in REPORT_INDEXES.items():
			for index, declared in named.items():
				assert columns(doctype, index) == list(declared), (doctype, index)
	finally:  # DDL commits: leave the site as declared, whatever happened
		from sales_crm.report_indexes import add_report_indexes, rebuild_changed

		rebuild_changed("Sales Follow Up")
		add_report_indexes("Sales Follow Up")


@pytest.mark.parametrize("doctype", sorted(d for d in SCOPED if d != "Sales Plan"))
def test_a_salesperson_s_list_reads_an_index_in_its_order(doctype):
	"""(sales_person, modified): a salesperson's first page is 20 entries of it, in order, as
	Administrator's is 20 of ``modified`` (permissions.add_scope_indexes; issue 11)."""
	rows = frappe.db.sql(f"show index from `tab{doctype}`", as_dict=True)
	columns = [r.Column_name for r in rows if r.Key_name == "sales_person_modified_index"]
	assert columns == ["sales_person", "modified"]
	# on a test site's few rows MariaDB may prefer reading the table: the index must be a candidate, and
	# serve the order (no filesort) when used
	query = "select name from `tab{0}` {1} where sales_person = %s order by modified desc limit 20"
	plan = frappe.db.sql("explain " + query.format(doctype, ""), "someone@example.com", as_dict=True)[0]
	assert "sales_person_modified_index" in plan.possible_keys
	forced = query.format(doctype, "force index (sales_person_modified_index)")
	plan = frappe.db.sql("explain " + forced, "someone@example.com", as_dict=True)[0]
	assert "filesort" not in (plan.Extra or "")


@pytest.mark.parametrize("doctype", sorted(WALK_LIST_ORDER))
def test_the_modified_index_carries_the_owner_columns(doctype):
	"""Frappe's ``modified`` index, widened to (modified desc, sales_person, sales_department): a broad
	scope's list page reads it as a range and tests the owners in the index (permissions._walk_condition)."""
	rows = frappe.db.sql(f"show index from `tab{doctype}` where Key_name = 'modified'", as_dict=True)
	assert [(r.Column_name, r.Collation) for r in sorted(rows, key=lambda r: r.Seq_in_index)] == [
		("modified", "D"),
		("sales_person", "A"),
		("sales_department", "A"),
	]
	query = (
		f"select name, status from `tab{doctype}` {{}} where (ifnull(sales_person, '') = 'x@example.com'"
		f" or ifnull(sales_department, '') in ('X')) and modified is not null order by modified desc limit 20"
	)
	plan = frappe.db.sql("explain " + query.format(""), as_dict=True)[0]
	assert plan.possible_keys == "modified"  # the walk's only candidate: no owner column has a range
	plan = frappe.db.sql("explain " + query.format("force index (modified)"), as_dict=True)[0]
	assert plan.type == "range" and "Using index condition" in plan.Extra and "filesort" not in plan.Extra


@pytest.mark.parametrize("doctype", ["Sales Customer", "Customer Site Score"])
def test_the_lifetime_value_ranking_reads_an_index(doctype):
	"""Customer Lifetime Value lists the top customers (sites) by ``clv``: read down its index."""
	assert "clv" in indexed_columns(doctype)


def _grouped_reads(run) -> list[tuple[str, object]]:
	"""The queries ``run`` sends that name an index, with their values."""
	return [(query, values) for query, values in sent_queries(run) if "FORCE INDEX" in query.upper()]


def _owner_figure_reads():
	from frappe.desk.query_report import run

	from sales_crm.sales_crm.report.sales_plan_achievement import sales_plan_achievement as plans

	period = {"from_date": "2025-01-01", "to_date": "2026-12-31"}
	for group in ("sales_person", "sales_department", "lead_source", "month"):
		run("Sales Funnel Conversion", {**period, "group_by": group}, ignore_prepared_report=True)
	for group in ("Sales Person", "Sales Department"):
		run("Sales Pipeline Forecast", {**period, "group_by": group}, ignore_prepared_report=True)
	run("Customer Value Analysis", period, ignore_prepared_report=True)  # its chart's months
	for per_site in (0, 1):  # each customer's (or site's) orders, in customer (and site) order
		run("Customer Retention", {**period, "per_site": per_site}, ignore_prepared_report=True)
	span = plans.Span(["a@example.com", "b@example.com"], "2026-01-01", "2026-12-31")
	for figure in plans.ACTUALS.values():
		plans.person_months(span, *figure)
	plans.monthly_product_amounts(span, ["P-1", "P-2"])  # the product targets' kept months
	# the receipts per salesperson and day, as a narrower scope than the kept months' reads them
	from sales_crm.reporting import monthly_amounts

	monthly_amounts(
		"Sales Receipt",
		"receipt_date",
		"base_paid_amount",
		"receipt_person_report_index",
		lambda table: (table.receipt_date >= span.start) & (table.receipt_date <= span.end),
	)
	plans.monthly_new_customers(span)  # the customers' kept first orders


def test_owner_figures_are_added_up_as_the_index_streams_by():
	"""The funnel's (every stage's), the forecast's, the plan achievement's and the value chart's figures per
	salesperson, department (or a lead's source) read an index that leads with the owner column (after the
	docstatus, where there is one) alone and in its order: no temporary table and no sort, whose cost grows
	with every record (seconds at a million)."""
	from sales_crm.reporting import ORDER_INDEXES
	from sales_crm.sales_crm.report.sales_funnel_conversion.sales_funnel_conversion import STAGE_INDEXES

	reads = _grouped_reads(_owner_figure_reads)
	named = {index for query, _values in reads for index in ORDER_INDEXES.values() if index in query}
	assert named == set(ORDER_INDEXES.values())
	funnel = {index for by_group in STAGE_INDEXES.values() for index in by_group.values()}
	assert funnel <= {index for query, _values in reads for index in funnel if f"`{index}`" in query}
	assert any("receipt_person_report_index" in query for query, _values in reads)
	assert any("contract_person_report_index" in query for query, _values in reads)
	assert any("product_month_report_index" in query for query, _values in reads)
	assert any("first_order_report_index" in query for query, _values in reads)
	# Customer Retention's, per customer and per site
	assert (
		sum("customer_order_report_index" in query and "HAVING" in query.upper() for query, _v in reads) == 2
	)
	for query, values in reads:
		plan = frappe.db.sql("explain " + query, values, as_dict=True)
		assert len(plan) == 1, query
		assert plan[0].key in query, (plan[0].key, query)
		assert "Using index" in plan[0].Extra, query  # the rows themselves are never read
		if " LIMIT " in query.upper():
			continue  # a ranking (``top_customers``): sorting its groups by amount is the ranking itself
		assert "temporary" not in plan[0].Extra and "filesort" not in plan[0].Extra, (plan[0].Extra, query)


# each standard report a manager reads, with the groupings whose figures come down a named index
MANAGER_RUNS = (
	*(("Sales Funnel Conversion", {"group_by": g}) for g in ("sales_person", "sales_department", "month")),
	*(("Sales Pipeline Forecast", {"group_by": g}) for g in ("Sales Person", "Sales Department")),
	("Follow-up Activity", {}),
	("Customer Value Analysis", {}),
	("Lead Source Effectiveness", {}),
	*(("Receivable Ageing", {"group_by": g}) for g in ("customer", "sales_person")),
	("Customer Site Purchases", {}),
)


def test_a_manager_s_figures_are_read_from_the_report_indexes_alone():
	"""A manager's scope is a condition on the owner columns (their own records or their department's).
	Every index a report names then holds those columns too: the figures come from the index, as
	Administrator's do, with no row read to test the scope (12 s against 1.3 s for Follow-up Activity at
	1M leads before the follow-ups' indexes carried the department)."""
	from factories import sales_team
	from frappe.desk.query_report import run

	team = sales_team()
	period = {"from_date": "2025-01-01", "to_date": "2026-12-31"}

	def reports():
		frappe.set_user(team.manager)
		try:
			for name, filters in MANAGER_RUNS:
				run(name, {**period, **filters}, ignore_prepared_report=True)
		finally:
			frappe.set_user("Administrator")

	scoped = [(query, values) for query, values in _grouped_reads(reports) if team.department in query]
	forced = {index for query, _values in scoped for index in _names_forced(query)}
	# the scope reached the follow-ups', the quotations', contracts', receipts' and orders' indexes
	assert {
		"follow_up_report_index",
		"follow_up_lead_report_index",
		"follow_up_customer_report_index",
		"quotation_person_report_index",
		"contract_person_report_index",
		"receipt_person_report_index",
		"order_person_report_index",
		"receivable_person_report_index",
	} <= forced, forced
	for query, values in scoped:
		plan = frappe.db.sql("explain " + query, values, as_dict=True)
		for index in _names_forced(query):
			rows = [row for row in plan if row.key == index]
			assert rows and all("Using index" in row.Extra for row in rows), (index, plan, query)


def _names_forced(query: str) -> list[str]:
	import re

	return re.findall(r"FORCE INDEX \(`?(\w+)`?\)", query, flags=re.IGNORECASE)


def test_a_manager_s_leads_per_source_are_read_from_an_index_alone():
	"""Lead Source Effectiveness counts a manager's leads per source down the source's index, without
	reading a lead or a temporary table (3.9 s against 0.5 s for the report at 1M leads when that index
	lacked the owner columns)."""
	from factories import sales_team

	from sales_crm.sales_crm.report.lead_source_effectiveness import lead_source_effectiveness as report

	team = sales_team()

	def execute():
		frappe.set_user(team.manager)
		try:
			report.execute({"from_date": "2025-01-01", "to_date": "2026-12-31"})
		finally:
			frappe.set_user("Administrator")

	leads = [(q, v) for q, v in _grouped_reads(execute) if team.department in q and "`tabSales Lead`" in q]
	assert len(leads) == 1, leads
	plan = frappe.db.sql("explain " + leads[0][0], leads[0][1], as_dict=True)
	assert len(plan) == 1 and plan[0].key == "lead_source_report_index", plan
	assert "Using index" in plan[0].Extra and "temporary" not in plan[0].Extra, plan
