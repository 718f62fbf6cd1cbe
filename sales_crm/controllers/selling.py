"""What quotations, contracts and orders share: defaults, and totals recomputed on the server."""

import frappe
from frappe.model.document import Document
from frappe.utils import cint

from sales_crm.flows.contacts import validate_contact_and_site
from sales_crm.rules.pricing import ItemInput, price_document
from sales_crm.utils import company_currency, default_sales_person, get_settings
from sales_crm.validation import throw_problems


class SellingController(Document):
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
