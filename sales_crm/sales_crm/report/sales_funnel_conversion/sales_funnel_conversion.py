# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt
"""Sales Funnel Conversion: how many leads, opportunities, quotations, contracts, orders and fully
collected orders the period produced, their company-currency amounts and the stage-to-stage conversion,
grouped by lead source, department, salesperson or month.

Each stage is counted by its own date in the period (a lead by its creation, a contract by its signing,
…), one grouped query per stage. Every stage carries the lead source it came from (``chain.ATTRIBUTION``).
"""

import frappe
from frappe import _, _lt
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Count, DateFormat, Sum
from frappe.utils import flt

from sales_crm.reporting import (
	ORDER_INDEXES,
	column,
	currency,
	label,
	never_raises,
	report_filters,
	scope,
	summary,
)
from sales_crm.rules.analysis import rate
from sales_crm.rules.forecast import month_sums

GROUP_BY = ("lead_source", "sales_department", "sales_person", "month")

# stage -> (label, doctype, date field, date field is a datetime, amount field); the labels translate when
# made strings (str), at the request's language
STAGES = {
	"lead": (_lt("Leads"), "Sales Lead", "creation", True, None),
	"opportunity": (_lt("Opportunities"), "Sales Opportunity", "creation", True, "base_expected_revenue"),
	"quotation": (_lt("Quotations"), "Sales Quotation", "transaction_date", False, "base_grand_total"),
	"contract": (_lt("Contracts"), "Sales Contract", "signed_on", False, "base_grand_total"),
	"order": (_lt("Orders"), "Customer Order", "order_date", False, "base_grand_total"),
	"collected": (_lt("Collected Orders"), "Customer Order", "order_date", False, "base_grand_total"),
}
# conversion column -> (from stage, to stage)
CONVERSIONS = {
	"lead_to_opportunity": ("lead", "opportunity"),
	"opportunity_to_quotation": ("opportunity", "quotation"),
	"quotation_to_contract": ("quotation", "contract"),
	"contract_to_order": ("contract", "order"),
	"order_to_collected": ("order", "collected"),
}


@never_raises
def execute(filters=None):
	filters = report_filters(filters)
	filters.group_by = filters.group_by if filters.group_by in GROUP_BY else "sales_person"
	data, totals = get_data(filters)
	return get_columns(filters), data, None, get_chart(totals), get_summary(totals)


def get_columns(filters) -> list[dict]:
	group = {
		"lead_source": column("group", _("Lead Source"), "Data", 170),
		"sales_department": column("group", _("Sales Department"), "Link", 170, options="Sales Department"),
		"sales_person": column("group", _("Sales Person"), "Link", 190, options="User"),
		"month": column("group", _("Month"), "Data", 90),
	}[filters.group_by]
	columns = [group]
	previous = None
	for stage, (stage_label, _doctype, _date, _dt, amount) in STAGES.items():
		stage_label = str(stage_label)
		columns.append(column(f"{stage}_count", stage_label, "Int", 100))
		if amount:
			columns.append(currency(f"{stage}_amount", _("{0} Amount").format(stage_label)))
		if previous:
			columns.append(
				column(
					f"{previous}_to_{stage}",
					_("{0} → {1} %").format(str(STAGES[previous][0]), stage_label),
					"Percent",
					110,
				)
			)
		previous = stage
	return columns


# stage -> {group_by: the covering index (``report_indexes``) its grouped query reads}: named, because with
# a long list of salespeople in the scope MariaDB would rather read a wider index and sort every row, and a
# small table gets any plan at all
STAGE_INDEXES = {
	"lead": {
		"sales_person": "lead_report_index",
		"sales_department": "lead_department_report_index",
		"lead_source": "lead_source_report_index",
	},
	"opportunity": {
		"sales_person": "opportunity_report_index",
		"sales_department": "opportunity_department_report_index",
		"lead_source": "opportunity_source_report_index",
	},
	"quotation": {
		"sales_person": "quotation_person_report_index",
		"sales_department": "quotation_department_report_index",
		"lead_source": "quotation_source_report_index",
	},
	"contract": {
		"sales_person": "contract_person_report_index",
		"sales_department": "contract_department_report_index",
		"lead_source": "contract_source_report_index",
	},
	"order": {**ORDER_INDEXES, "lead_source": "order_source_report_index"},
}

# a fully collected order: its receipts cover its grand total (to the rounding of per_collected)
FULLY_COLLECTED = 99.9999


def stage_query(stage: str, filters):
	"""(group, count, amount) of one stage, grouped in SQL. The orders' query also counts the fully
	collected ones, (group, count, amount, collected count, collected amount): one read of the orders for
	both stages."""
	_label, doctype, date_field, is_datetime, amount_field = STAGES[stage]
	if filters.group_by == "month" and not is_datetime:
		return month_query(stage, filters)
	table = frappe.qb.DocType(doctype)
	query = frappe.qb.from_(table)
	index = STAGE_INDEXES.get(stage, {}).get(filters.group_by)
	if index:
		query = query.force_index(index)
	query = query.where(scope(table, doctype, filters, date_field, is_datetime))
	if (counted := _counted(table, stage)) is not None:
		query = query.where(counted)

	if filters.group_by == "month":  # the leads and opportunities (the other stages: month_query)
		key = DateFormat(table[date_field], "%Y-%m")
	else:
		# the bare column, in the order of the index that leads with it (``STAGE_INDEXES``): MariaDB counts
		# each group as it streams by, with no temporary table. Every stage carries its lead source
		# (``chain.ATTRIBUTION``), so none is joined to its opportunity and lead for it.
		key = table[filters.group_by]
	# get_data merges the empty and the missing value
	rows = query.select(key, *_figures(table, stage, amount_field)).groupby(key).run()
	return rows if amount_field else [(grp, cnt, 0.0) for grp, cnt in rows]


def _counted(table, stage: str):
	"""Which of the stage's records count: quotations drafts and submitted, contracts and orders submitted."""
	if stage == "quotation":
		return table.docstatus < 2
	if stage in ("contract", "order"):
		return table.docstatus == 1
	return None


def _figures(table, stage: str, amount_field: str | None) -> list:
	"""Per group: the count, the amount, and for the orders the fully collected ones' count and amount."""
	figures = [Count("*")]
	if amount_field:
		amount = Coalesce(table[amount_field], 0)
		figures.append(Sum(amount))
		if stage == "order":
			collected = table.per_collected >= FULLY_COLLECTED
			figures += [Sum(Case().when(collected, 1).else_(0)), Sum(Case().when(collected, amount).else_(0))]
	return figures


def month_query(stage: str, filters) -> list[tuple]:
	"""``stage_query`` by month for a stage dated by day: its figures per salesperson and day, read in the
	order of the stage's salesperson index (no temporary table, which a group by the formatted month needs:
	2.6 s over 1.6M orders against 1.1 s), then added up by month (``month_sums``, exact)."""
	_label, doctype, date_field, _is_datetime, amount_field = STAGES[stage]
	table = frappe.qb.DocType(doctype)
	rows = (
		frappe.qb.from_(table)
		.force_index(STAGE_INDEXES[stage]["sales_person"])
		.select(table.sales_person, table[date_field], *_figures(table, stage, amount_field))
		.where(scope(table, doctype, filters, date_field, False))
		.where(_counted(table, stage))
		.groupby(table.sales_person, table[date_field])
		.run()
	)
	months = month_sums((None, day, *values) for _person, day, *values in rows if day)
	undated = [values for _person, day, *values in rows if not day]
	if undated:  # as the month group by gives them: the empty group
		months[(None, "")] = [sum(column) for column in zip(*undated, strict=True)]
	return [(month, *sums) for (_key, month), sums in sorted(months.items())]


def get_data(filters) -> tuple[list[dict], dict]:
	figures = {stage: {} for stage in STAGES}

	def add(stage, grp, cnt, amount):
		count, total = figures[stage].get(grp or "", (0, 0.0))
		# a count summed in SQL (the collected orders) comes back a Decimal: the answer keeps whole numbers
		figures[stage][grp or ""] = (count + int(cnt or 0), total + flt(amount))

	for stage in STAGES:
		if stage == "collected":
			continue  # counted with the orders
		for grp, cnt, amount, *collected in stage_query(stage, filters):
			add(stage, grp, cnt, amount)
			if collected:
				add("collected", grp, *collected)
	groups = sorted({grp for rows in figures.values() for grp in rows}, key=lambda g: (g == "", g))
	data = [
		line(label(grp) if filters.group_by != "sales_person" else grp or _("Unassigned"), figures, grp)
		for grp in groups
	]
	totals = line(
		_("Total"),
		{
			stage: {"": (sum(c for c, _a in rows.values()), sum(a for _c, a in rows.values()))}
			for stage, rows in figures.items()
		},
		"",
	)
	return data, totals


def line(group_label: str, figures: dict, grp: str) -> dict:
	row = {"group": group_label}
	for stage in STAGES:
		count, amount = figures[stage].get(grp, (0, 0.0))
		row[f"{stage}_count"] = count
		if STAGES[stage][4]:
			row[f"{stage}_amount"] = amount
	for fieldname, (source, target) in CONVERSIONS.items():
		row[fieldname] = rate(row[f"{target}_count"], row[f"{source}_count"])
	return row


# the chart's axis gives each stage a sixth of the width, and frappe-charts cuts a longer label ("Collected  ...")
CHART_LABELS = {"collected": _lt("Collected")}


def get_chart(totals: dict) -> dict | None:
	if not any(totals[f"{stage}_count"] for stage in STAGES):
		return None
	return {
		"data": {
			"labels": [str(CHART_LABELS.get(stage, STAGES[stage][0])) for stage in STAGES],
			"datasets": [{"name": _("Count"), "values": [totals[f"{stage}_count"] for stage in STAGES]}],
		},
		"type": "bar",
		"colors": ["#5e64ff"],
	}


def get_summary(totals: dict) -> list[dict]:
	overall = rate(totals["order_count"], totals["lead_count"])
	return [
		summary(totals["lead_count"], _("Leads"), "Int"),
		summary(totals["opportunity_count"], _("Opportunities"), "Int"),
		summary(totals["order_count"], _("Orders"), "Int"),
		summary(totals["order_amount"], _("Order Amount")),
		summary(totals["collected_amount"], _("Collected Orders Amount"), indicator="Green"),
		summary(overall, _("Lead → Order %"), "Percent", "Green" if overall else "Orange"),
	]
