"""What quotations, contracts and orders share: defaults, and totals recomputed on the server."""

import frappe
from frappe import _
from frappe.utils import cint, flt, now_datetime

from sales_crm import chain
from sales_crm.controllers.base import SalesDocument
from sales_crm.flows.collections import plan_rows_for_fingerprint
from sales_crm.flows.contacts import validate_contact_and_site
from sales_crm.org import APPROVERS, has_role
from sales_crm.rules.approval import (
	COMMISSION_RATE,
	DRIFT,
	NO_SOURCE,
	approval_reasons,
	terms_fingerprint,
)
from sales_crm.rules.pricing import ItemInput, price_document
from sales_crm.utils import company_currency, default_sales_person, get_settings
from sales_crm.validation import throw, throw_problems


class SellingController(SalesDocument):
	"""Each subclass's validate() calls set_missing_values() and calculate_totals() among its own steps."""

	def set_missing_values(self):
		self.company_currency = company_currency()
		if not self.currency:
			self.currency = self.company_currency
		if self.currency == self.company_currency:
			self.exchange_rate = 1
		if self.meta.has_field("tax_rate") and self.tax_rate is None:
			self.tax_rate = get_settings().default_tax_rate
		default_sales_person(self)
		self.apply_price_strategy()
		# the contact and the customer site are the customer's (Contact/Address Dynamic Links)
		validate_contact_and_site(self)

	def apply_price_strategy(self):
		"""Rows with a list price and no discount of their own take the price strategy's discount."""
		if not self.price_strategy:
			return
		discount = frappe.db.get_value("Price Strategy", self.price_strategy, "discount_percentage")
		for row in self.items:
			if row.price_list_rate and not row.discount_percentage:
				row.discount_percentage = discount

	def calculate_totals(self):
		"""Every figure from the rows; whatever totals the client sent are overwritten."""
		precision = cint(self.precision("grand_total")) or 2
		priced = price_document(
			(
				ItemInput(row.idx, row.qty, row.price_list_rate, row.discount_percentage, row.rate)
				for row in self.items
			),
			self.tax_rate,
			self.exchange_rate,
			precision,
		)
		throw_problems(self, priced.problems)
		for row, values in zip(self.items, priced.items, strict=True):
			row.rate = values.rate
			row.amount = values.amount
			row.base_rate = values.base_rate
			row.base_amount = values.base_amount
		totals = priced.totals
		self.total_qty = totals.total_qty
		self.net_total = totals.net_total
		self.tax_amount = totals.tax_amount
		self.grand_total = totals.grand_total
		self.base_net_total = totals.base_net_total
		self.base_tax_amount = totals.base_tax_amount
		self.base_grand_total = totals.base_grand_total


class ApprovedSellingController(SellingController):
	"""Contracts and orders: signed (submitted) as approved, or by a Sales Director.

	``set_approval()`` (in ``validate``) works out whether the document departs from what was approved
	upstream (``sales_crm.chain.drift``) or carries a commission rate other than the policy's; if so the
	workflow sends it to a director (Request Approval → Approve), whose approval is bound to a fingerprint
	of the terms. ``check_approval()`` (in ``before_submit``) refuses a signature the approval does not
	cover — whatever path the submit comes by (desk, REST, workflow action, ``bench execute``).
	"""

	APPROVAL_FIELDS = ("approved_by", "approved_on", "approval_hash")

	def approval_source(self):
		"""``(source document or None, chain.Copy or None)`` the document is checked against."""
		raise NotImplementedError

	def commission_rates(self) -> tuple[object, object]:
		"""``(rate, policy rate)`` when the document carries a commission; ``(None, None)`` otherwise."""
		return None, None

	def set_approval(self):
		self.keep_approval_fields()
		source, copy = self.approval_source()
		drift = chain.drift(self, source, copy) if source else []
		rate, policy = self.commission_rates()
		reasons = approval_reasons(source is not None, drift, rate, policy)
		self.needs_approval = int(bool(reasons))
		self.approval_reasons = "\n".join(self.describe_reason(r, source) for r in reasons) or None
		self.track_approval()

	def keep_approval_fields(self):
		"""Only the server writes who approved what: values sent by a client are replaced."""
		before = self.get_doc_before_save()
		for fieldname in self.APPROVAL_FIELDS:
			self.set(fieldname, before.get(fieldname) if before else None)

	def describe_reason(self, reason: tuple, source) -> str:
		kind = reason[0]
		if kind == NO_SOURCE:
			return _("no accepted quotation stands behind it")
		if kind == COMMISSION_RATE:
			return _("commission rate {0}% instead of the department policy's {1}%").format(
				flt(reason[1], 6), flt(reason[2], 6)
			)
		if kind == DRIFT:
			_kind, idx, fieldname, value, upstream = reason
			if idx is None:
				label = _(self.meta.get_label(fieldname))
				return _("{0} is {1}, {2} {3} has {4}").format(
					label, value, _(source.doctype), source.name, upstream
				)
			label = _(frappe.get_meta(self.meta.get_field("items").options).get_label(fieldname))
			return _("row {0}: {1} is {2}, {3} {4} has {5}").format(
				idx, label, value, _(source.doctype), source.name, upstream
			)
		return str(reason)

	def terms_hash(self) -> str:
		header = {
			f: self.get(f)
			for f in (
				"customer",
				"currency",
				"exchange_rate",
				"price_strategy",
				"payment_terms",
				"tax_rate",
				"commission_rate",
				"grand_total",
				"sales_person",
				"sales_department",
			)
			if self.meta.has_field(f)
		}
		# the payment plan is a money term: a line changed after approval sends the document back
		for i, line in enumerate(plan_rows_for_fingerprint(self)):
			header.update({f"payment_plan_{i}_{k}": v for k, v in line.items()})
		rows = [
			{
				f: row.get(f)
				for f in ("product", "qty", "uom", "price_list_rate", "discount_percentage", "rate")
			}
			for row in self.items
		]
		return terms_fingerprint(header, rows)

	def track_approval(self):
		"""The workflow's Approve records the director and the terms; a later change of the terms sends
		the document back for approval."""
		before = self.get_doc_before_save()
		state = self.get("workflow_state")
		was = before.get("workflow_state") if before else None
		if state == "Approved" and was != "Approved":
			if not has_role(APPROVERS):
				throw(
					self, _("only a Sales Director approves it"), "needs_approval", exc=frappe.PermissionError
				)
			self.record_approval()
		elif state == "Approved" and self.approval_hash != self.terms_hash():
			self.workflow_state = "Pending Approval" if self.needs_approval else "Draft"
			for fieldname in self.APPROVAL_FIELDS:
				self.set(fieldname, None)

	def record_approval(self):
		self.approved_by = frappe.session.user
		self.approved_on = now_datetime()
		self.approval_hash = self.terms_hash()

	def check_approval(self):
		"""In ``before_submit``: a document that needs approval is signed only as approved."""
		if not self.needs_approval:
			return
		if has_role(APPROVERS):
			self.record_approval()  # a director's own signature is the approval
			return
		if self.approved_by and self.approval_hash == self.terms_hash():
			return
		throw(
			self,
			_("needs a Sales Director's approval before it is signed ({0})").format(
				"; ".join((self.approval_reasons or "").splitlines())
			),
			"needs_approval",
			title=_("Approval Required"),
			exc=frappe.PermissionError,
		)
