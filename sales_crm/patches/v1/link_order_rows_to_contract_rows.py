"""An order row made from a contract names the contract row it orders (``contract_item``): the contract
row's ``ordered_qty`` is the sum over those links (chain.ROLLUPS), recomputed at every posting that reaches
the contract. Orders that an earlier demo loader wrote in bulk carry no link while their contracts say
fully ordered; the next receipt on such an order would set the contract back to nothing ordered and let its
quantities be ordered twice. Each unlinked row gets the row of its order's contract at the same position
with the same product (the order a copy keeps); a row with no such match stays as it is."""

import frappe


def execute():
	frappe.db.sql(
		"""update `tabCustomer Order Item` oi
		join `tabCustomer Order` o on o.name = oi.parent and oi.parenttype = 'Customer Order'
		join `tabSales Contract Item` ci on ci.parent = o.sales_contract and ci.parenttype = 'Sales Contract'
			and ci.idx = oi.idx and ci.product = oi.product
		set oi.contract_item = ci.name
		where coalesce(oi.contract_item, '') = '' and coalesce(o.sales_contract, '') != ''"""
	)
