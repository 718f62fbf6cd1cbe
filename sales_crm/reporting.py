"""What every Sales CRM report shares: filter defaults, the rows a user may count, and the figures of
the workspace's custom number cards.

Every report query goes through ``scope()``, which applies ``permissions.criterion`` — a Sales User's
report counts only their own records, whatever filters they send.
"""

from __future__ import annotations

from datetime import date

import frappe
from frappe import _
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Coalesce, Sum
from frappe.utils import add_days, getdate

from sales_crm.permissions import criterion

NOT_SET = "Not Set"


def report_filters(filters) -> frappe._dict:
	"""The filters with the period defaulting to the current calendar year."""
	filters = frappe._dict(filters or {})
	today = getdate()
	filters.from_date = getdate(filters.from_date or date(today.year, 1, 1))
	filters.to_date = getdate(filters.to_date or date(today.year, 12, 31))
	if filters.from_date > filters.to_date:
		frappe.throw(_("From Date must be before To Date"), title=_("Invalid Period"))
	return filters


def period(table, fieldname: str, filters, is_datetime: bool = False) -> Criterion:
	"""``fieldname`` within the report period (a datetime up to the end of ``to_date``), index friendly."""
	if is_datetime:
		return (table[fieldname] >= filters.from_date) & (table[fieldname] < add_days(filters.to_date, 1))
	return (table[fieldname] >= filters.from_date) & (table[fieldname] <= filters.to_date)


def department_condition(table, department: str) -> Criterion:
	return table.sales_department == department


def scope(
	table, doctype: str, filters, date_field: str | None = None, is_datetime: bool = False
) -> Criterion:
	"""The rows of ``doctype`` a report may count: the user's permission scope, the period and the
	salesperson / department filters."""
	conditions = []
	allowed = criterion(table, doctype)
	if allowed is not None:
		conditions.append(allowed)
	if date_field:
		conditions.append(period(table, date_field, filters, is_datetime))
	if filters.get("sales_person"):
		conditions.append(table.sales_person == filters.sales_person)
	if filters.get("sales_department"):
		conditions.append(department_condition(table, filters.sales_department))
	if filters.get("customer") and frappe.get_meta(doctype).has_field("customer"):
		conditions.append(table.customer == filters.customer)
	return Criterion.all(conditions)


def label(value) -> str:
	return value or _(NOT_SET)


def currency(fieldname: str, label_: str, width: int = 130) -> dict:
	return {"fieldname": fieldname, "label": label_, "fieldtype": "Currency", "width": width}


def column(fieldname: str, label_: str, fieldtype: str = "Int", width: int = 100, **kwargs) -> dict:
	return {"fieldname": fieldname, "label": label_, "fieldtype": fieldtype, "width": width, **kwargs}


def summary(value, label_: str, datatype: str = "Currency", indicator: str = "Blue") -> dict:
	return {"value": value, "label": label_, "datatype": datatype, "indicator": indicator}


# ---------------------------------------------------------------- number cards (type "Custom")


@frappe.whitelist()
def weighted_pipeline(filters: str | dict | None = None) -> dict:
	"""Open opportunities' company-currency expected revenue weighted by their probability."""
	opportunity = frappe.qb.DocType("Sales Opportunity")
	query = frappe.qb.from_(opportunity).select(
		Sum(Coalesce(opportunity.base_expected_revenue, 0) * Coalesce(opportunity.probability, 0) / 100)
	)
	query = query.where(opportunity.status == "Open").where(
		scope(opportunity, "Sales Opportunity", frappe._dict())
	)
	value = query.run()[0][0] or 0
	return {"value": value, "fieldtype": "Currency"}


@frappe.whitelist()
def overdue_receivables(filters: str | dict | None = None) -> dict:
	"""Submitted receivables' outstanding amount past due today (aged by invoice date without a due date),
	as Receivable Ageing counts it; the stored ``is_overdue`` flag is only refreshed when a row changes."""
	receivable = frappe.qb.DocType("Sales Receivable")
	due = Coalesce(receivable.due_date, receivable.invoice_date, receivable.posting_date)
	value = (
		frappe.qb.from_(receivable)
		.select(Sum(receivable.base_outstanding_amount))
		.where((receivable.docstatus == 1) & (receivable.outstanding_amount > 0) & (due < getdate()))
		.where(scope(receivable, "Sales Receivable", frappe._dict()))
		.run()[0][0]
		or 0
	)
	return {"value": value, "fieldtype": "Currency"}
