"""Delivering and invoicing a submitted order."""

import frappe
from frappe import _
from frappe.utils import cint, flt, nowdate

from sales_crm import chain
from sales_crm.flows.collections import FAPIAO_FIELDS, on_delivery
from sales_crm.rules.fulfilment import check_delivery, check_take, is_whole_unit, remaining
from sales_crm.rules.receivables import remaining_to_invoice
from sales_crm.sales_crm.doctype.sales_receivable.sales_receivable import order_delivered_value
from sales_crm.utils import get_settings
from sales_crm.validation import throw, throw_problems


def _locked_order(name: str):
	# chain.LOCK_ORDER: the order's contract before the order, as a receipt or receivable of the order
	# locks them; taking the order first deadlocked against a receipt holding the contract
	contract = frappe.db.get_value("Customer Order", name, "sales_contract")
	if contract:
		frappe.db.get_value("Sales Contract", contract, "name", for_update=True)
	if not frappe.db.get_value("Customer Order", name, "name", for_update=True):
		frappe.throw(_("Customer Order {0} not found").format(name), frappe.DoesNotExistError)
	order = frappe.get_doc("Customer Order", name)
	if order.docstatus != 1:
		throw(order, _("only a submitted order can be delivered or invoiced"))
	return order


def deliver_order(name: str, items: dict | None = None) -> dict:
	"""Record delivery: every remaining quantity, or ``{row name or idx: qty}`` (a row's 0 delivers nothing
	of it; a row of a whole unit takes whole numbers only)."""
	order = _locked_order(name)
	order.check_permission("write")
	rows = {row.name: row for row in order.items}
	by_idx = {str(row.idx): row for row in order.items}
	problems = []
	if items is None:
		wanted = {row.name: remaining(row.qty, row.delivered_qty) for row in order.items}
		wanted = {k: v for k, v in wanted.items() if v > 0}
		if not wanted:
			throw(order, _("everything is delivered already"))
	else:
		wanted = {}
		for key, qty in items.items():
			row = rows.get(key) or by_idx.get(str(key))
			if not row:
				throw(order, _("has no item row {0}").format(key), "items")
			problem = check_delivery(
				row.idx, qty, remaining(row.qty, row.delivered_qty), is_whole_unit(row.uom)
			)
			if problem:
				problems.append(problem)
			elif flt(qty):
				wanted[row.name] = flt(qty)
		throw_problems(order, problems)
		if not wanted:
			throw(order, _("nothing to deliver: every quantity is 0"), "items")
	for row_name, qty in wanted.items():
		row = rows[row_name]
		problem = check_take(row.idx, "delivered_qty", qty, remaining(row.qty, row.delivered_qty))
		if problem:
			problems.append(problem)
	throw_problems(order, problems)
	for row_name, qty in wanted.items():
		row = rows[row_name]
		row.db_set("delivered_qty", flt(row.delivered_qty) + flt(qty), update_modified=False)
	chain.refresh_delivered(order.name)
	on_delivery(order.name)
	order.reload()
	order.add_comment(
		"Info",
		_("Delivered: {0}").format(
			", ".join(f"#{rows[k].idx} {rows[k].product} × {v}" for k, v in wanted.items())
		),
	)
	return {
		"order": order.name,
		"per_delivered": order.per_delivered,
		"status": order.status,
		"delivered": [
			{
				"idx": rows[k].idx,
				"product": rows[k].product,
				"product_name": rows[k].product_name,
				"qty": v,
				"uom": rows[k].uom,
			}
			for k, v in wanted.items()
		],
	}


def invoice_order(
	name: str,
	invoice_no: str,
	invoice_date: str,
	amount=None,
	due_date: str | None = None,
	fapiao: dict | None = None,
) -> str:
	"""Post a submitted Sales Receivable for the invoice; the same invoice number returns the same receivable."""
	if not frappe.has_permission("Sales Receivable", "create"):
		frappe.throw(_("Not permitted to invoice orders"), frappe.PermissionError)
	invoice_no = (invoice_no or "").strip()
	if not invoice_no:
		frappe.throw(_("Customer Order {0}: Invoice No is required").format(name))
	order = _locked_order(name)
	existing = frappe.db.get_value(
		"Sales Receivable",
		{"customer_order": name, "invoice_no": invoice_no, "docstatus": 1},
		"name",
		for_update=True,
	)
	if existing:
		return existing
	if amount in (None, ""):
		amount = remaining_to_invoice(order.grand_total, order.invoiced_amount)
		if not cint(get_settings().allow_invoice_before_delivery):
			delivered = order_delivered_value(order.name, order)
			amount = min(amount, remaining_to_invoice(delivered, order.invoiced_amount))
	receivable = frappe.get_doc(
		{
			"doctype": "Sales Receivable",
			"customer_order": name,
			"invoice_no": invoice_no,
			"invoice_date": invoice_date,
			"posting_date": invoice_date,
			"due_date": due_date,
			"total_amount": amount,
			"description": _("Invoice {0} of order {1}").format(invoice_no, name),
			**{k: v for k, v in (fapiao or {}).items() if k in FAPIAO_FIELDS and v not in (None, "")},
		}
	)
	receivable.insert()
	receivable.submit()
	return receivable.name


def flag_overdue_receivables(today=None) -> int:
	"""Daily job: ``is_overdue`` of every submitted receivable as of ``today``, in one statement each way."""
	today = today or nowdate()
	receivable = frappe.qb.DocType("Sales Receivable")
	overdue = (
		(receivable.docstatus == 1) & (receivable.outstanding_amount > 0) & (receivable.due_date < today)
	)
	frappe.qb.update(receivable).set(receivable.is_overdue, 1).where(
		overdue & (receivable.is_overdue == 0)
	).run()
	frappe.qb.update(receivable).set(receivable.is_overdue, 0).where(
		(receivable.docstatus == 1) & (receivable.is_overdue == 1) & ~overdue
	).run()
	return frappe.db.count("Sales Receivable", {"docstatus": 1, "is_overdue": 1})
