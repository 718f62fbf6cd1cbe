"""What every Sales CRM report shares: filter defaults, the rows a user may count, and the figures of
the workspace's custom number cards.

Every report query goes through ``scope()``, which applies ``visible()``: exactly the rows the user's
list of that DocType shows (the app's row scope and Frappe's User Permissions alike), so no report sees
wider than the list — a Sales User's report counts only their own records, whatever filters they send.
"""

from __future__ import annotations

import functools
import time
from datetime import date
from decimal import Decimal

import frappe
from frappe import _
from frappe.core.doctype.report.report import Report
from frappe.query_builder import Criterion, Order
from frappe.query_builder.functions import Coalesce, Sum
from frappe.utils import add_days, flt, get_first_day, get_last_day, getdate
from pypika.terms import CustomFunction, LiteralValue, Term

from sales_crm.rules.forecast import month_sums

NOT_SET = "Not Set"

# the submitted orders' indexes that lead with (docstatus, an owner column, order_date) and carry the amounts:
# a report grouping orders by that column reads one alone, in its order (declared in report_indexes)
ORDER_INDEXES = {
	"sales_person": "order_person_report_index",
	"sales_department": "order_department_report_index",
}


def never_raises(execute):
	"""A report's ``execute`` that answers every filter with rows or a message, and never raises.

	Frappe v15 (``Report.execute_script_report``) starts a 15-second timer before a script report runs
	and cancels it only when the report returns: a report that raises leaves the timer to switch the
	Report to ``prepared_report = 1`` for every user, and without a worker it never answers again. So a
	bad filter becomes the report's message (with no rows), and anything unexpected is logged as well.
	"""

	@functools.wraps(execute)
	def run(filters=None):
		try:
			return name_people(execute(filters))
		except Exception as error:
			messages = [m for m in _messages() if m]
			frappe.clear_messages()
			if isinstance(error, frappe.ValidationError | frappe.PermissionError):
				message = "; ".join(messages) or str(error)
			else:
				frappe.log_error(title=_("Sales CRM report failed"))
				message = _("The report could not run with these filters ({0}).").format(type(error).__name__)
			return [], [], message

	return run


# the reports that answer in the request, never as prepared reports Frappe's timer switched them to
INTERACTIVE = {"module": "Sales CRM", "is_standard": "Yes", "report_type": "Script Report"}


class InteractiveReport(Report):
	"""The Report controller (``override_doctype_class``): Frappe's, except that a standard Sales CRM script
	report is never switched to a prepared report by Frappe's 15-second timer.

	Frappe v15 (``Report.execute_script_report``) sets ``prepared_report = 1`` for every user, for good, once
	any one run takes over 15 s. These reports answer within seconds at a million leads (docs/SCALING.md); a
	run over 15 s is a cold buffer pool after a restart or a lock wait, and would leave every later request
	with a background job instead of an answer (and no answer at all on a site without a worker). A System
	Manager can still make one a prepared report by ticking the box; other reports keep Frappe's timer."""

	def execute_script_report(self, filters):
		if self.prepared_report or any(self.get(field) != value for field, value in INTERACTIVE.items()):
			return super().execute_script_report(filters)
		started = time.monotonic()
		result = self.execute_module(filters)
		frappe.cache.hset("report_execution_time", self.name, time.monotonic() - started)
		return result


def name_people(result):
	"""Each column that links to User carries the full names of the users in its rows (``link_titles``), so
	the desk shows a salesperson's name where the row holds their e-mail (``report_filters.js`` hands them to
	Frappe's link formatter); the rows, their exports and the filters keep the e-mail. One query."""
	if not result or len(result) < 2 or not result[0] or not result[1]:
		return result
	columns, data = result[0], result[1]
	people = [
		(i, c)
		for i, c in enumerate(columns)
		if isinstance(c, dict) and c.get("fieldtype") == "Link" and c.get("options") == "User"
	]
	if not people:
		return result
	emails = set()
	for row in data:
		for i, c in people:
			value = row.get(c["fieldname"]) if isinstance(row, dict) else (row[i] if i < len(row) else None)
			if value and isinstance(value, str):
				emails.add(value)
	if not emails:
		return result
	names = full_names(emails)
	for _i, c in people:
		c["link_titles"] = {email: name for email, name in names.items() if name and name != email}
	return result


def full_names(users) -> dict[str, str]:
	"""``{user: full name}`` of ``users`` (e-mails) in one query (empty for a user who has none)."""
	if not users:
		return {}
	return dict(
		frappe.get_all(
			"User", filters={"name": ("in", sorted(users))}, fields=["name", "full_name"], as_list=True
		)
	)


def _messages() -> list[str]:
	import json

	found = []
	for entry in getattr(frappe.local, "message_log", None) or []:
		try:
			entry = json.loads(entry) if isinstance(entry, str) else entry
		except ValueError:
			pass
		found.append(
			frappe.utils.strip_html_tags(entry.get("message") if isinstance(entry, dict) else str(entry))
		)
	return found


def report_filters(filters) -> frappe._dict:
	"""The filters with the period defaulting to the current calendar year."""
	if not isinstance(filters, dict):
		filters = {}
	filters = frappe._dict(filters)
	for key in (
		"sales_person",
		"sales_department",
		"customer",
		"sales_plan",
		"group_by",
		"sales_method",
		"product",
		"period_type",
	):
		if filters.get(key) is not None and not isinstance(filters.get(key), str):
			frappe.throw(_("Filter {0} must be a single value").format(key), title=_("Invalid Filter"))
	today = getdate()
	try:
		filters.from_date = getdate(filters.from_date or date(today.year, 1, 1))
		filters.to_date = getdate(filters.to_date or date(today.year, 12, 31))
	except Exception:
		frappe.throw(_("From Date and To Date must be dates"), title=_("Invalid Period"))
	if filters.from_date > filters.to_date:
		frappe.throw(_("From Date must be before To Date"), title=_("Invalid Period"))
	return filters


DEFAULT_TOP = 500
MAX_TOP = 20000


def top_filter(filters, default: int = DEFAULT_TOP, maximum: int = MAX_TOP) -> int:
	"""The ``top`` filter of a report that lists a ranking (the rows of highest value, ``default`` unless
	set): a site with hundreds of thousands of customers is read as a ranking, not a screen of every row,
	while its chart and summary still count every row."""
	top = filters.get("top")
	if top in (None, ""):
		return default
	if isinstance(top, str) and top.strip().isdigit():
		top = int(top)
	if not isinstance(top, int) or isinstance(top, bool) or not 0 < top <= maximum:
		frappe.throw(
			_("Top must be a whole number from 1 to {0}, not {1}").format(maximum, frappe.bold(top)),
			title=_("Invalid Filter"),
		)
	return top


# the covering index of each DocType's figures per customer, in customer order (named: with a department
# filter MariaDB would rather read the department's index and every row behind it, 4.1 s against 0.48 s for
# a department's top customers at 1M leads)
CUSTOMER_INDEXES = {
	"Customer Order": "customer_order_report_index",
	"Sales Receipt": "receipt_customer_report_index",
}


def top_customers(
	doctype: str, date_field: str, amount_field: str, filters, top: int, besides=()
) -> list[str]:
	"""The ``top`` customers of highest ``amount_field`` on the submitted ``doctype`` records in the report's
	scope and period (ties by name), leaving out ``besides``: one pass over the doctype's report index in
	customer order, a sum a customer, and only ``top`` leave the database."""
	table = frappe.qb.DocType(doctype)
	amount = Sum(Coalesce(table[amount_field], 0))
	query = (
		frappe.qb.from_(table)
		.force_index(CUSTOMER_INDEXES[doctype])
		.select(table.customer, amount.as_("amount"))
		.where(table.docstatus == 1)
		.where(table.customer.isnotnull() & (table.customer != ""))
		.where(scope(table, doctype, filters, date_field))
		.groupby(table.customer)
		.orderby(amount, order=Order.desc)
		.orderby(table.customer)
		.limit(top)
	)
	if besides:
		query = query.where(table.customer.notin(list(besides)))
	return [customer for customer, _amount in query.run()]


def period(table, fieldname: str, filters, is_datetime: bool = False) -> Criterion:
	"""``fieldname`` within the report period (a datetime up to the end of ``to_date``), index friendly."""
	if is_datetime:
		return (table[fieldname] >= filters.from_date) & (table[fieldname] < add_days(filters.to_date, 1))
	return (table[fieldname] >= filters.from_date) & (table[fieldname] <= filters.to_date)


def department_condition(table, department: str) -> Criterion:
	return table.sales_department == department


class _RawCriterion(Criterion):
	"""A SQL condition Frappe built (the list's match conditions), used as a ``frappe.qb`` criterion."""

	def __init__(self, sql: str):
		super().__init__()
		self.sql = sql

	def get_sql(self, **kwargs) -> str:
		return self.sql


def visible(table, doctype: str, user: str | None = None) -> Criterion | None:
	"""The rows of ``doctype`` the user's list shows, as a criterion on ``table`` (the list's own conditions on
	the DocType's unaliased table, a subquery of them on an alias);
	``None`` when that is every row. Built by Frappe's own list query (``build_match_conditions``:
	``permission_query_conditions`` and User Permissions), so reports and lists never disagree."""
	from frappe.desk.reportview import build_match_conditions

	user = user or frappe.session.user
	if not frappe.has_permission(doctype, "read", user=user):
		return table.name.isnull()  # matches nothing: name is never null
	conditions = build_match_conditions(doctype, user=user, as_condition=True)
	if not conditions:
		return None
	if getattr(table, "_table_name", None) == f"tab{doctype}" and getattr(table, "alias", None) is None:
		# the table itself, unaliased: the conditions name its columns as they are, so they are read from
		# the row (or the covering index) in place of a subquery over the whole table
		return _RawCriterion(f"({conditions})")
	subquery = f"select `tab{doctype}`.`name` from `tab{doctype}` where {conditions}"
	return _RawCriterion(f"{table.name.get_sql(quote_char='`', with_namespace=True)} in ({subquery})")


def scope(
	table, doctype: str, filters, date_field: str | None = None, is_datetime: bool = False
) -> Criterion:
	"""The rows of ``doctype`` a report may count: the user's permission scope, the period and the
	salesperson / department filters."""
	conditions = []
	allowed = visible(table, doctype)
	if allowed is not None:
		conditions.append(allowed)
	if date_field:
		conditions.append(period(table, date_field, filters, is_datetime))
	conditions += team_conditions(table, filters)
	if filters.get("customer") and frappe.get_meta(doctype).has_field("customer"):
		conditions.append(table.customer == filters.customer)
	return Criterion.all(conditions)


def team_conditions(table, filters) -> list[Criterion]:
	"""The report's salesperson and department filters, on a table with those columns."""
	conditions = []
	if filters.get("sales_person"):
		conditions.append(table.sales_person == filters.sales_person)
	if filters.get("sales_department"):
		conditions.append(department_condition(table, filters.sales_department))
	return conditions


def customer_names(names) -> dict[str, str]:
	"""``{customer: customer_name}`` of a report's listed customers: a customer the user may not read (its
	list does not show it) is left out, its name hidden."""
	customer = frappe.qb.DocType("Sales Customer")
	readable = visible(customer, "Sales Customer")
	names = sorted(names or ())
	found = {}
	for start in range(0, len(names), 1000):  # a statement of bounded size, however many customers
		query = (
			frappe.qb.from_(customer)
			.select(customer.name, customer.customer_name)
			.where(customer.name.isin(names[start : start + 1000]))
		)
		if readable is not None:
			query = query.where(readable)
		found.update(query.run())
	return found


_TimestampDiff = CustomFunction("TIMESTAMPDIFF", ["unit", "start", "end"])


def monthly_amounts(
	doctype: str,
	date_field: str,
	amount_field: str,
	index: str,
	condition,
	by: tuple[str, ...] = ("sales_person",),
) -> dict:
	"""The submitted records' ``amount_field`` per ``(key, "YYYY-MM")`` where ``condition(table)`` holds, the
	key being the salesperson (or the tuple of the ``by`` columns): grouped by ``by`` and day in the order of
	``index`` (docstatus, then ``by``, the date and the amount), read alone with no temporary table, then
	added up by month (exactly: ``month_sums``). The index is named: with a long list of
	salespeople MariaDB would rather read a wider one and sort every row."""
	table = frappe.qb.DocType(doctype)
	columns = [table[column] for column in by]
	rows = (
		frappe.qb.from_(table)
		.force_index(index)
		.select(*columns, table[date_field], Sum(table[amount_field]))
		.where((table.docstatus == 1) & condition(table))
		.groupby(*columns, table[date_field])
		.run()
	)
	if len(by) > 1:
		rows = ((tuple(row[: len(by)]), *row[len(by) :]) for row in rows)
	return {key: amount for key, (amount,) in month_sums(rows).items()}


def period_months(doctype: str, date_field: str, amount_field: str, index: str, filters) -> dict[str, object]:
	"""The period's ``amount_field`` per month ("YYYY-MM") over the records ``scope`` lets the report count,
	every salesperson's added up. When the user's list shows every record and no customer is asked for, the
	whole months of the period are read from the monthly figures kept as the records are posted
	(``sales_crm.kept.TALLIES``: a few hundred rows, not a row per record), and only its part months at
	either end from the records; otherwise every day from the records (``monthly_amounts``, through
	``index``), which a narrower scope keeps fewer."""
	span = kept_span(doctype, amount_field, filters)
	months: dict[str, object] = {}
	parts = [(getdate(filters.from_date), getdate(filters.to_date))]
	if span:
		tally, first, last, parts = span
		months = _kept_months(tally, first, last, filters)
	for part_start, part_end in parts:
		part = frappe._dict({**filters, "from_date": part_start, "to_date": part_end})
		per_person = monthly_amounts(
			doctype, date_field, amount_field, index, lambda table: scope(table, doctype, part, date_field)
		)
		for (_person, month), amount in per_person.items():
			months[month] = months.get(month, 0) + (amount or 0)
	return months


def kept_span(doctype: str, amount_field: str, filters):
	"""``(tally, first, last, parts)`` when the period's whole months (``first``–``last``) may be read from the
	monthly figures kept of ``doctype``'s ``amount_field`` (``kept.TALLIES``): there is such a tally, the period
	holds a whole month, no customer is asked for, and the user's list shows every record. ``parts``: the
	``(from, to)`` days at either end still to read from the records (none when the period is whole months).
	None: read every day of the period from the records."""
	from sales_crm import kept

	start, end = getdate(filters.from_date), getdate(filters.to_date)
	tally = kept.tally_of(doctype, amount_field)
	first = start if start.day == 1 else get_first_day(add_days(get_last_day(start), 1))
	last = end if end == get_last_day(end) else add_days(get_first_day(end), -1)
	if not tally or first > last or filters.get("customer"):
		return None
	if visible(frappe.qb.DocType(doctype), doctype) is not None:
		return None
	parts = [(start, add_days(first, -1)), (add_days(last, 1), end)]
	return tally, first, last, [(a, b) for a, b in parts if a <= b]


def _kept_months(tally, first, last, filters) -> dict[str, object]:
	"""The kept figure per month from ``first`` to ``last`` (whole months), for the report's salesperson and
	department filters."""
	rows = kept_sums(tally, first, last, filters, lambda table: table.month)
	return {getdate(month).strftime("%Y-%m"): amount for month, amount in rows if amount}


def kept_sums(tally, first, last, filters, key, where=None) -> list[tuple]:
	"""``(key, Σ kept figure)`` from ``first`` to ``last`` (whole months of ``kept_span``) per ``key(table)`` of
	the kept DocType, for the report's salesperson and department filters and ``where(table)`` when given."""
	table = frappe.qb.DocType(tally.kept)
	group = key(table)
	query = (
		frappe.qb.from_(table)
		.select(group, Sum(table[tally.value]))
		.where((table.month >= first) & (table.month <= last))
		.where(Criterion.all(team_conditions(table, filters)))
		.groupby(group)
	)
	if where is not None:
		query = query.where(where(table))
	return query.run()


def seconds_between(start, end) -> Term:
	"""``end - start`` in seconds (to the microsecond), as ``unix_timestamp(end) - unix_timestamp(start)``
	gives it in a time zone without daylight saving, at a third of its cost a row: unix_timestamp converts
	each value through the session's time zone."""
	return _TimestampDiff(LiteralValue("MICROSECOND"), start, end) / 1_000_000


def rounder(precision: int = 2):
	"""``flt(value, precision)`` for the many values of a long report: the site's rounding method read once
	rather than once per value (``frappe.utils.rounded`` asks the system settings on every call)."""
	method = frappe.get_system_settings("rounding_method") or "Banker's Rounding (legacy)"
	return functools.partial(_rounded, precision=precision, method=method)


def _rounded(value, precision: int, method: str) -> float:
	# A float already at the precision (a database sum of amounts stored to the cent) is what ``flt``
	# returns for it under every rounding method: skip flt's arithmetic, a third of the Python time of a
	# report with 90k rows. A Decimal (a sum of DECIMAL columns) is taken to float first, as ``flt`` takes
	# it, so that a sum at the cent takes the same path. Anything else goes through ``flt``.
	if type(value) is Decimal:
		value = float(value)
	if type(value) is float and value == round(value, precision):
		return value
	return flt(value, precision, method)


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
@frappe.read_only()
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
@frappe.read_only()
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
