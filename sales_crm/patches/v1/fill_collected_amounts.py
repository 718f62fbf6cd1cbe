"""What was received on each order (``Customer Order.received_amount``) and collected on each contract
(``Sales Contract.collected_amount``, ``base_collected_amount``), summed from the receivables' received
amounts as chain.ROLLUPS declares them. Sites from before the document chain have these columns at 0 on
every submitted record, and the collection reports, payment plans and collected-basis commissions read
them. Only the zeros are filled (a figure already stored stays as it is): one set-based UPDATE per roll-up,
without touching ``modified``."""

import frappe

from sales_crm import chain

FILLED = {
	("Customer Order", "received_amount"),
	("Sales Contract", "collected_amount"),
	("Sales Contract", "base_collected_amount"),
}


def execute():
	for r in chain.ROLLUPS:
		if (r.target, r.field) not in FILLED:
			continue
		amount = f"s.`{r.value}` * s.`{r.factor}`" if r.factor else f"s.`{r.value}`"
		frappe.db.sql(
			f"""update `tab{r.target}` t set t.`{r.field}` = (
				select coalesce(sum({amount}), 0) from `tab{r.source}` s
				where s.`{r.link}` = t.name and s.docstatus = 1)
			where t.docstatus = 1 and t.`{r.field}` = 0"""
		)
