"""The money invariants of FLOW.md, checked over the whole database (committed rows)."""

import frappe


def violations() -> list[str]:
	"""Every broken invariant, described; empty when the books are consistent."""
	frappe.db.rollback()  # a fresh snapshot: see what other processes committed
	found = []
	for r in frappe.db.sql(
		"""select name, total_amount, received_amount, write_off_amount, outstanding_amount
		from `tabSales Receivable` where docstatus = 1""",
		as_dict=True,
	):
		if abs(r.total_amount - r.received_amount - r.write_off_amount - r.outstanding_amount) > 0.005:
			found.append(f"{r.name}: total ≠ received + write-off + outstanding ({r})")
		if r.outstanding_amount < -0.005 or r.received_amount < -0.005 or r.write_off_amount < -0.005:
			found.append(f"{r.name}: negative amount ({r})")
	for r in frappe.db.sql(
		"""select o.name, o.grand_total, o.invoiced_amount,
			(select coalesce(sum(total_amount), 0) from `tabSales Receivable` ar
			 where ar.customer_order = o.name and ar.docstatus = 1) as receivables
		from `tabCustomer Order` o where o.docstatus = 1""",
		as_dict=True,
	):
		if r.receivables > r.grand_total + 0.005 or abs(r.receivables - r.invoiced_amount) > 0.005:
			found.append(
				f"{r.name}: invoiced {r.receivables} / recorded {r.invoiced_amount} of {r.grand_total}"
			)
	for r in frappe.db.sql(
		"""select ar.name, ar.received_amount, ar.write_off_amount,
			coalesce(sum(a.allocated_amount), 0) as allocated, coalesce(sum(a.write_off_amount), 0) as written
		from `tabSales Receivable` ar
		left join `tabSales Receipt Allocation` a on a.sales_receivable = ar.name
			and a.parent in (select name from `tabSales Receipt` where docstatus = 1)
		where ar.docstatus = 1 group by ar.name""",
		as_dict=True,
	):
		if abs(r.allocated - r.received_amount) > 0.005 or abs(r.written - r.write_off_amount) > 0.005:
			found.append(
				f"{r.name}: allocations {r.allocated}+{r.written} ≠ received {r.received_amount}+{r.write_off_amount}"
			)
	for table, done in (("Sales Contract Item", "ordered_qty"), ("Customer Order Item", "delivered_qty")):
		for r in frappe.db.sql(
			f"""select i.name, i.qty, i.{done} as done from `tab{table}` i
			join `tab{table.rsplit(" ", 1)[0]}` p on p.name = i.parent where p.docstatus = 1 and i.{done} > i.qty + 0.000001""",
			as_dict=True,
		):
			found.append(f"{table} {r.name}: {done} {r.done} > qty {r.qty}")
	return found
