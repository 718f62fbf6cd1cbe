"""Each receipt keeps its allocated total and days to pay (``flows.receipts.set_days_to_pay``): fill them on
the receipts that exist, in slices of receipts so that no one statement locks the whole table, from the
same allocations and invoice dates the receipt's own save reads. The report index that carries them
replaces the one that did not (``receipt_report_index``)."""

import frappe

from sales_crm.patches.v1.add_report_indexes import run_doctype_updates
from sales_crm.patches.v1.carry_order_fields_to_rows import slices


def execute():
	for first, last in slices("Sales Receipt"):
		fill(first, last)
		frappe.db.commit()  # nosemgrep: a slice at a time, so an interrupted run resumes where it stopped
	run_doctype_updates(("Sales Receipt",))
	if frappe.db.has_index("tabSales Receipt", "receipt_report_index"):
		frappe.db.sql_ddl("alter table `tabSales Receipt` drop index `receipt_report_index`")


def fill(first: str, last: str) -> None:
	"""The receipts named ``first`` to ``last``: Σ allocated and Σ allocated × days from the receivable's
	invoice date (else its posting date) to the receipt, over the rows that allocate something."""
	frappe.db.sql(
		"""update `tabSales Receipt` receipt
		join (
			select row.parent, sum(row.allocated_amount) as allocated,
				sum(row.allocated_amount * datediff(paid.receipt_date,
					coalesce(receivable.invoice_date, receivable.posting_date))) as weighted
			from `tabSales Receipt Allocation` row
			join `tabSales Receipt` paid on paid.name = row.parent
			join `tabSales Receivable` receivable on receivable.name = row.sales_receivable
			where row.parenttype = 'Sales Receipt' and row.parentfield = 'allocations'
				and row.allocated_amount > 0 and paid.receipt_date is not null
				and row.parent between %(first)s and %(last)s
			group by row.parent
		) kept on kept.parent = receipt.name
		set receipt.total_allocated_amount = kept.allocated, receipt.allocated_days = kept.weighted,
			receipt.days_to_pay = round(kept.weighted / kept.allocated, 1)""",
		{"first": first, "last": last},
	)
