"""Conversions that return an unsaved target (ERPNext's mapper convention): the desk opens it, a REST
client POSTs it to /api/resource/<DocType>."""

import frappe
from frappe import _
from frappe.model.mapper import get_mapped_doc
from frappe.utils import flt

from sales_crm import chain
from sales_crm.flows.quotations import check_not_expired
from sales_crm.rules.fulfilment import remaining

ITEM_FIELDS = [
	"product",
	"product_name",
	"specification",
	"uom",
	"price_list_rate",
	"discount_percentage",
	"rate",
]


def _require(doc, ok: bool, message: str):
	if not ok:
		frappe.throw(_("{0} {1}: {2}").format(_(doc.doctype), doc.name, message), title=_("Not Allowed"))


def make_quotation(source_name: str, target_doc=None):
	source = frappe.get_doc("Sales Opportunity", source_name)
	source.check_permission("read")
	_require(source, source.status == "Open", _("only an Open opportunity can be quoted"))

	def postprocess(source, target):
		target.title = source.opportunity_name
		for row in target.items:
			row.price_list_rate = row.price_list_rate or frappe.db.get_value(
				"Sales Product", row.product, "standard_rate"
			)

	return get_mapped_doc(
		"Sales Opportunity",
		source_name,
		{
			"Sales Opportunity": {
				"doctype": "Sales Quotation",
				"field_map": {"name": "opportunity"},
				"field_no_map": ["status", "naming_series"],
			},
			"Sales Opportunity Item": {
				"doctype": "Sales Quotation Item",
				"field_map": {"rate": "price_list_rate"},
			},
		},
		target_doc,
		postprocess,
	)


def _map_remaining(
	source, done: dict, target: str, parent_map: dict, row_links: dict, target_doc, postprocess=None
):
	"""Map ``source`` to ``target`` with each row's quantity not yet taken (``done``: row name → qty taken);
	rows with nothing left are skipped. ``row_links``: target row field → source row field."""
	source_items = frappe.get_meta(source.doctype).get_field("items").options
	target_items = frappe.get_meta(target).get_field("items").options

	def update_item(source_row, target_row, source_parent):
		for target_field, source_field in row_links.items():
			target_row.set(target_field, source_row.get(source_field))
		target_row.qty = remaining(source_row.qty, done.get(source_row.name, 0))

	return get_mapped_doc(
		source.doctype,
		source.name,
		{
			source.doctype: {"doctype": target, **parent_map},
			source_items: {
				"doctype": target_items,
				"field_map": {f: f for f in ITEM_FIELDS},
				"postprocess": update_item,
				"condition": lambda row: remaining(row.qty, done.get(row.name, 0)) > 0,
			},
		},
		target_doc,
		postprocess,
	)


def _source(copy: chain.Copy, name: str, done: dict | None = None, all_taken: str | None = None):
	source = frappe.get_doc(copy.source, name)
	source.check_permission("read")
	chain.require_ready(copy, source)
	if done is not None:
		_require(source, any(remaining(r.qty, done.get(r.name, 0)) > 0 for r in source.items), all_taken)
	return source


def make_contract(source_name: str, target_doc=None):
	done = chain.taken("contracted", source_name)
	source = _source(
		chain.copy_of("Sales Contract", "Sales Quotation"),
		source_name,
		done,
		_("everything is contracted already"),
	)
	check_not_expired(source, "contract")
	return _map_remaining(
		source,
		done,
		"Sales Contract",
		{
			"field_map": {"name": "quotation"},
			"field_no_map": ["status", "naming_series", "title", "approved_by", "approved_on", "version"],
		},
		{"quotation_item": "name"},
		target_doc,
	)


def make_order(source_name: str, target_doc=None):
	"""From a Signed contract (its not-yet-ordered quantities) or an Accepted quotation."""
	if frappe.db.exists("Sales Contract", source_name):
		return _order_from_contract(source_name, target_doc)
	if frappe.db.exists("Sales Quotation", source_name):
		return _order_from_quotation(source_name, target_doc)
	frappe.throw(
		_("No Sales Contract or Sales Quotation named {0}").format(source_name), frappe.DoesNotExistError
	)


def _order_from_contract(source_name: str, target_doc=None):
	done = chain.taken("ordered", source_name)
	source = _source(
		chain.copy_of("Customer Order", "Sales Contract"),
		source_name,
		done,
		_("everything is ordered already"),
	)

	def postprocess(source, target):
		target.order_source = "Contract"
		target.credit_days = None
		# the order is collected on the contract's plan, not on a copy of it
		target.set("payment_plan", [])

	return _map_remaining(
		source,
		done,
		"Customer Order",
		{
			"field_map": {"name": "sales_contract"},
			"field_no_map": ["status", "naming_series", "per_collected", "payment_terms_template"],
		},
		{"contract_item": "name", "quotation_item": "quotation_item"},
		target_doc,
		postprocess,
	)


def _order_from_quotation(source_name: str, target_doc=None):
	source = _source(chain.copy_of("Customer Order", "Sales Quotation"), source_name)
	check_not_expired(source, "order")

	def update_item(source_row, target_row, source_parent):
		target_row.quotation_item = source_row.name

	return get_mapped_doc(
		"Sales Quotation",
		source_name,
		{
			"Sales Quotation": {
				"doctype": "Customer Order",
				"field_map": {"name": "quotation"},
				"field_no_map": ["status", "naming_series", "title", "approved_by", "approved_on", "version"],
			},
			"Sales Quotation Item": {"doctype": "Customer Order Item", "postprocess": update_item},
		},
		target_doc,
		lambda source, target: target.set("order_source", "Quotation"),
	)


def make_receipt(source_name: str, target_doc=None):
	"""From a receivable, or from an order (all its open receivables): allocations for what is outstanding."""
	if frappe.db.exists("Sales Receivable", source_name):
		names = [source_name]
	elif frappe.db.exists("Customer Order", source_name):
		names = frappe.get_all(
			"Sales Receivable",
			filters={"customer_order": source_name, "docstatus": 1, "outstanding_amount": [">", 0]},
			pluck="name",
			order_by="name asc",
		)
	else:
		frappe.throw(
			_("No Sales Receivable or Customer Order named {0}").format(source_name), frappe.DoesNotExistError
		)
	receivables = [frappe.get_doc("Sales Receivable", name) for name in names]
	for receivable in receivables:
		receivable.check_permission("read")
		_require(
			receivable,
			receivable.docstatus == 1 and flt(receivable.outstanding_amount) > 0,
			_("nothing is outstanding"),
		)
	if not receivables:
		frappe.throw(_("Customer Order {0}: nothing is outstanding").format(source_name))
	first = receivables[0]
	receipt = frappe.new_doc("Sales Receipt")
	receipt.update(
		{
			"customer": first.customer,
			"currency": first.currency,
			"exchange_rate": first.exchange_rate,
			"customer_order": first.customer_order
			if len({r.customer_order for r in receivables}) == 1
			else None,
			"sales_contract": first.sales_contract,
			"sales_person": first.sales_person,
		}
	)
	for receivable in receivables:
		receipt.append(
			"allocations",
			{
				"sales_receivable": receivable.name,
				"invoice_no": receivable.invoice_no,
				"customer_order": receivable.customer_order,
				"outstanding_amount": receivable.outstanding_amount,
				"allocated_amount": receivable.outstanding_amount,
			},
		)
	return receipt
