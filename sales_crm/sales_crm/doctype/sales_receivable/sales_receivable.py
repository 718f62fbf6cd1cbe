# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt


import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, cint, flt, getdate, nowdate

from sales_crm import chain, reads
from sales_crm.controllers.base import SalesDocument
from sales_crm.flows.collections import on_invoice, require_fapiao, validate_fapiao
from sales_crm.permissions import add_scope_indexes
from sales_crm.report_indexes import add_report_indexes
from sales_crm.rules.receivables import (
	Balance,
	check_invoice_amount,
	check_invoice_delivered,
	delivered_value,
)
from sales_crm.rules.status import receivable_status
from sales_crm.utils import company_currency, get_settings
from sales_crm.validation import throw, throw_problems


class SalesReceivable(SalesDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_from: DF.Link | None
		base_outstanding_amount: DF.Currency
		base_total_amount: DF.Currency
		company_currency: DF.Link | None
		currency: DF.Link
		customer: DF.Link
		customer_order: DF.Link
		description: DF.SmallText | None
		due_date: DF.Date | None
		exchange_rate: DF.Float
		first_settled_on: DF.Date | None
		invoice_date: DF.Date
		invoice_no: DF.Data
		is_overdue: DF.Check
		last_settled_on: DF.Date | None
		naming_series: DF.Literal["AR-.YYYY.-"]
		opportunity: DF.Link | None
		outstanding_amount: DF.Currency
		posting_date: DF.Date
		received_amount: DF.Currency
		sales_contract: DF.Link | None
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		settlement_method: DF.Literal["Bank Transfer", "Cash", "Cheque", "Acceptance Draft", "Credit"]
		status: DF.Literal["Unpaid", "Paid"]
		total_amount: DF.Currency
		write_off_amount: DF.Currency
	# end: auto-generated types

	def validate(self):
		self.set_missing_values()
		if self._action != "submit":  # before_submit checks it under the order's lock: once is enough
			self.validate_order()
		self.set_amounts()
		validate_fapiao(self)

	def before_update_after_submit(self):
		# the fapiao may be recorded after the receivable was posted
		validate_fapiao(self)

	def set_missing_values(self):
		order = reads.row(
			"Customer Order",
			self.customer_order,
			[
				"customer",
				"customer_name",
				"currency",
				"exchange_rate",
				"sales_contract",
				"opportunity",
				"sales_person",
				"sales_department",
				"settlement_method",
				"credit_days",
			],
		)
		if not order:
			throw(self, _("Customer Order {0} not found").format(self.customer_order), "customer_order")
		for fieldname in (
			"customer",
			"customer_name",  # the title: a receivable posted by invoice_order has no fetch from the desk
			"currency",
			"exchange_rate",
			"sales_contract",
			"opportunity",
			"sales_person",
			"sales_department",
		):
			self.set(fieldname, order.get(fieldname))
		self.settlement_method = self.settlement_method or order.settlement_method
		self.company_currency = company_currency()
		self.invoice_date = self.invoice_date or nowdate()
		if not self.due_date:
			days = cint(order.credit_days) or cint(get_settings().default_credit_days)
			self.due_date = add_days(self.invoice_date, days)
		if getdate(self.due_date) < getdate(self.invoice_date):
			throw(self, _("cannot fall before the invoice date {0}").format(self.invoice_date), "due_date")

	def validate_order(self, for_update: bool = False):
		order = reads.row(
			"Customer Order",
			self.customer_order,
			["docstatus", "grand_total", "net_total"],
			for_update=for_update,
		)
		if order.docstatus != 1:
			throw(self, _("order {0} is not submitted").format(self.customer_order), "customer_order")
		receivable = frappe.qb.DocType("Sales Receivable")
		query = (
			frappe.qb.from_(receivable)
			.select(Sum(receivable.total_amount))
			.where((receivable.customer_order == self.customer_order) & (receivable.docstatus == 1))
			.where(receivable.name != (self.name or ""))
		)
		if for_update:
			# by the (customer_order, docstatus) index: a draft another request is submitting is not read
			query = query.force_index(chain.source_index("customer_order")).for_update()
		invoiced = flt(query.run()[0][0])
		problem = check_invoice_amount(self.total_amount, order.grand_total, invoiced)
		throw_problems(self, [problem] if problem else [])
		if not cint(get_settings().allow_invoice_before_delivery):
			# a receivable is formed once the sale is realised (销售实现, 开出发票): delivered value only
			delivered = order_delivered_value(self.customer_order, order)
			if check_invoice_delivered(self.total_amount, delivered, invoiced):
				throw(
					self,
					_(
						"{0} exceeds what order {1} delivered and has not invoiced yet ({2} delivered, {3} invoiced); deliver first, or allow invoicing before delivery in Sales CRM Settings"
					).format(
						frappe.bold(flt(self.total_amount, 2)),
						self.customer_order,
						flt(delivered, 2),
						flt(invoiced, 2),
					),
					"total_amount",
				)

	def set_amounts(self):
		if self.docstatus == 0:
			self.received_amount = 0
			self.write_off_amount = 0
		self.set_balance(
			Balance(flt(self.total_amount), flt(self.received_amount), flt(self.write_off_amount))
		)
		self.base_total_amount = flt(flt(self.total_amount) * flt(self.exchange_rate), 2)

	def set_balance(self, balance: Balance):
		values = {
			"received_amount": balance.received,
			"write_off_amount": balance.write_off,
			"outstanding_amount": balance.outstanding,
			"base_outstanding_amount": flt(balance.outstanding * flt(self.exchange_rate), 2),
			"status": receivable_status(balance.outstanding),
			"is_overdue": int(balance.outstanding > 0 and getdate(self.due_date) < getdate(nowdate())),
		}
		self.update(values)

	def before_submit(self):
		require_fapiao(self)
		# under the order's row lock: concurrent invoices can never exceed the order's grand total
		chain.lock(self)
		self.validate_order(for_update=True)

	def on_submit(self):
		# lines due after the invoice are dated by the first one, then settled by the roll-up
		on_invoice(self)
		chain.roll_up(self)

	def before_cancel(self):
		receipts = linked_receipts(self.name)
		if receipts:
			throw(self, _("receipts are allocated to it; cancel them first: {0}").format(", ".join(receipts)))
		chain.lock(self)

	def on_cancel(self):
		chain.roll_up(self)


def linked_receipts(receivable: str) -> list[str]:
	"""The submitted receipts and offsets allocated to the receivable (rows carry their parent's docstatus)."""
	allocation = frappe.qb.DocType("Sales Receipt Allocation")
	rows = (
		frappe.qb.from_(allocation)
		.select(allocation.parent)
		.distinct()
		.where((allocation.sales_receivable == receivable) & (allocation.docstatus == 1))
		.orderby(allocation.parent)
		.run()
	)
	return [r[0] for r in rows]


def order_delivered_value(order_name: str, order) -> float:
	"""The order's delivered value, tax included (``rules.receivables.delivered_value``)."""
	rows = reads.rows(
		"Customer Order Item",
		{"parent": order_name, "parenttype": "Customer Order"},
		["qty", "delivered_qty", "amount"],
	)
	return delivered_value(
		[(r.qty, r.delivered_qty, r.amount) for r in rows], order.net_total, order.grand_total
	)


def on_doctype_update():
	add_scope_indexes("Sales Receivable")
	from sales_crm.chain import add_indexes

	add_indexes("Sales Receivable")
	# one fapiao number per fapiao type, whatever two requests do at once
	frappe.db.add_unique("Sales Receivable", ["fapiao_type", "fapiao_no"], constraint_name="fapiao_type_no")
	# a manager's count (their departments' rows or their own) reads this narrow index alone (issue 11)
	frappe.db.add_index("Sales Receivable", ["sales_person", "sales_department"])
	add_report_indexes("Sales Receivable")
