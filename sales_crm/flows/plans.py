"""Sales plans on the site: compiling empty targets from the previous comparable period's orders."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import flt

from sales_crm.rules import plans
from sales_crm.validation import throw


def order_amounts(sales_people: list[str], start, end) -> dict[str, float]:
	"""Submitted orders' company-currency grand total per salesperson, ordered between the two dates."""
	if not sales_people:
		return {}
	order = frappe.qb.DocType("Customer Order")
	rows = (
		frappe.qb.from_(order)
		.select(order.sales_person, Sum(order.base_grand_total))
		.where(
			(order.docstatus == 1)
			& order.sales_person.isin(sales_people)
			& (order.order_date >= start)
			& (order.order_date <= end)
		)
		.groupby(order.sales_person)
		.run()
	)
	return {person: flt(amount) for person, amount in rows}


def compile_sales_plan(name: str):
	"""Fill every empty (zero) order target with the previous comparable period's actual orders of that
	salesperson × the plan's growth factor; save the draft and return it."""
	plan = frappe.get_doc("Sales Plan", name)
	plan.check_permission("write")
	if plan.docstatus != 0:
		throw(plan, _("a submitted plan is frozen; amend it to change its targets"))
	empty = {}
	for row in plan.targets:
		period = plans.parse_period(plan.period_type, row.period)
		if period and row.sales_person and not flt(row.target_order_amount):
			empty.setdefault(period.previous(), []).append(row)
	for previous, rows in empty.items():  # one grouped query per distinct previous period
		actual = order_amounts(sorted({row.sales_person for row in rows}), previous.start, previous.end)
		for row in rows:
			row.target_order_amount = plans.compiled_target(
				actual.get(row.sales_person, 0), plan.growth_factor
			)
	plan.save()
	return plan
