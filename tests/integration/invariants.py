"""The money invariants of FLOW.md, checked over the whole database (committed rows)."""

import frappe

from sales_crm import kept


def violations(fresh: bool = True) -> list[str]:
	"""Every broken invariant, described; empty when the books are consistent. ``fresh=False`` reads
	within the open transaction (its own uncommitted writes included) instead of a fresh snapshot."""
	if fresh:
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
			and (a.parent in (select name from `tabSales Receipt` where docstatus = 1)
				or a.parent in (select name from `tabSales Credit Offset` where docstatus = 1))
		where ar.docstatus = 1 group by ar.name""",
		as_dict=True,
	):
		if abs(r.allocated - r.received_amount) > 0.005 or abs(r.written - r.write_off_amount) > 0.005:
			found.append(
				f"{r.name}: allocations {r.allocated}+{r.written} ≠ received {r.received_amount}+{r.write_off_amount}"
			)
	for r in frappe.db.sql(
		"""select ar.name, ar.first_settled_on, ar.last_settled_on,
			min(coalesce(p.receipt_date, o.posting_date)) as first_date,
			max(coalesce(p.receipt_date, o.posting_date)) as last_date
		from `tabSales Receivable` ar
		left join `tabSales Receipt Allocation` a on a.sales_receivable = ar.name
		left join `tabSales Receipt` p on a.parenttype = 'Sales Receipt' and p.name = a.parent
			and p.docstatus = 1
		left join `tabSales Credit Offset` o on a.parenttype = 'Sales Credit Offset' and o.name = a.parent
			and o.docstatus = 1
		where ar.docstatus = 1 group by ar.name
		having not (ar.first_settled_on <=> first_date and ar.last_settled_on <=> last_date)""",
		as_dict=True,
	):
		found.append(
			f"{r.name}: settled {r.first_settled_on} to {r.last_settled_on}, its receipts and offsets are "
			f"dated {r.first_date} to {r.last_date}"
		)
	for r in frappe.db.sql(
		"""select a.name, a.parent from `tabSales Receipt Allocation` a
		left join `tabSales Receipt` p on a.parenttype = 'Sales Receipt' and p.name = a.parent
		left join `tabSales Credit Offset` o on a.parenttype = 'Sales Credit Offset' and o.name = a.parent
		where not (a.settled_on <=> coalesce(p.receipt_date, o.posting_date))""",
		as_dict=True,
	):
		found.append(f"Sales Receipt Allocation {r.name}: not dated as its {r.parent}")
	for r in frappe.db.sql(
		"""select a.name, a.sales_receivable from `tabSales Receipt Allocation` a
		join `tabSales Receivable` ar on ar.name = a.sales_receivable
		where not (a.customer_order <=> ar.customer_order and a.sales_contract <=> ar.sales_contract)""",
		as_dict=True,
	):
		found.append(f"Sales Receipt Allocation {r.name}: not the order and contract of {r.sales_receivable}")
	for table, done in (("Sales Contract Item", "ordered_qty"), ("Customer Order Item", "delivered_qty")):
		for r in frappe.db.sql(
			f"""select i.name, i.qty, i.{done} as done from `tab{table}` i
			join `tab{table.rsplit(" ", 1)[0]}` p on p.name = i.parent where p.docstatus = 1 and i.{done} > i.qty + 0.000001""",
			as_dict=True,
		):
			found.append(f"{table} {r.name}: {done} {r.done} > qty {r.qty}")
	for r in frappe.db.sql(
		"""select i.name, i.parent from `tabCustomer Order Item` i join `tabCustomer Order` o on o.name = i.parent
		where not (i.sales_person <=> o.sales_person and i.order_date <=> o.order_date)
			or i.docstatus != o.docstatus""",
		as_dict=True,
	):
		found.append(
			f"Customer Order Item {r.name}: not its order {r.parent}'s salesperson, date or docstatus"
		)
	for r in frappe.db.sql(
		"""select r.name, r.total_allocated_amount, r.allocated_days, r.days_to_pay,
			coalesce(sum(if(a.allocated_amount > 0, a.allocated_amount, 0)), 0) as allocated,
			coalesce(sum(if(a.allocated_amount > 0, a.allocated_amount
				* datediff(r.receipt_date, coalesce(v.invoice_date, v.posting_date)), 0)), 0) as weighted
		from `tabSales Receipt` r
		left join `tabSales Receipt Allocation` a on a.parent = r.name and a.parenttype = 'Sales Receipt'
		left join `tabSales Receivable` v on v.name = a.sales_receivable
		where r.docstatus = 1 group by r.name
		having abs(allocated - r.total_allocated_amount) > 0.005 or abs(weighted - r.allocated_days) > 0.005
			or abs(r.days_to_pay - if(allocated > 0, weighted / allocated, 0)) > 0.051""",
		as_dict=True,
	):
		found.append(
			f"Sales Receipt {r.name}: keeps {r.total_allocated_amount} allocated, {r.allocated_days} × days "
			f"({r.days_to_pay} days); its allocations make {r.allocated}, {r.weighted}"
		)
	found += credit_violations()
	found += plan_violations()
	found += kept_violations()
	return found


def kept_violations() -> list[str]:
	"""What is kept of the submitted documents (``sales_crm.kept``), recomputed from them: each customer's
	first order (earliest date, then lowest name) with its date and salesperson, and every monthly figure
	(``TALLIES``)."""
	found = []
	for r in frappe.db.sql(
		"""select c.name, c.first_order, c.first_order_date, c.first_order_by, o.name as actual,
			o.order_date, o.sales_person
		from `tabSales Customer` c
		left join `tabCustomer Order` o on o.name = (select f.name from `tabCustomer Order` f
			where f.docstatus = 1 and f.customer = c.name order by f.order_date, f.name limit 1)
		where not (c.first_order <=> o.name and c.first_order_date <=> o.order_date
			and c.first_order_by <=> o.sales_person)""",
		as_dict=True,
	):
		found.append(
			f"{r.name}: keeps first order {r.first_order} ({r.first_order_date}, {r.first_order_by}), orders say {r.actual} ({r.order_date}, {r.sales_person})"
		)
	for tally in kept.TALLIES:
		found += tally_violations(tally)
	return found


def plan_violations() -> list[str]:
	"""Per payment plan of a submitted contract or direct order: the lines add up to the grand total; per line
	received + outstanding = amount and 0 ≤ what receipts named it for ≤ received ≤ amount, the named sum
	recomputed from the submitted receipt and offset rows; the lines received what the document collected
	(up to its grand total)."""
	found = []
	for parent, collected in (("Sales Contract", "collected_amount"), ("Customer Order", "received_amount")):
		for r in frappe.db.sql(
			f"""select p.name, p.grand_total, p.{collected} as collected, sum(l.amount) as amount,
				sum(l.received_amount) as received, sum(l.outstanding_amount) as outstanding
			from `tab{parent}` p join `tabSales Payment Plan Line` l
				on l.parent = p.name and l.parenttype = %(parent)s and l.parentfield = 'payment_plan'
			where p.docstatus = 1 group by p.name""",
			{"parent": parent},
			as_dict=True,
		):
			if abs(r.amount - r.grand_total) > 0.005:
				found.append(f"{parent} {r.name}: plan lines add up to {r.amount}, not {r.grand_total}")
			if abs(r.received - min(r.collected, r.grand_total)) > 0.005:
				found.append(f"{parent} {r.name}: plan lines received {r.received}, collected {r.collected}")
	for r in frappe.db.sql(
		"""select l.name, l.parent, l.amount, l.named_amount, l.received_amount, l.outstanding_amount,
			(select coalesce(sum(a.allocated_amount), 0) from `tabSales Receipt Allocation` a
			 where a.payment_plan_line = l.name and a.docstatus = 1) as named
		from `tabSales Payment Plan Line` l
		left join `tabSales Contract` c on l.parenttype = 'Sales Contract' and c.name = l.parent
		left join `tabCustomer Order` o on l.parenttype = 'Customer Order' and o.name = l.parent
		where l.parentfield = 'payment_plan' and coalesce(c.docstatus, o.docstatus) = 1""",
		as_dict=True,
	):
		if abs(r.received_amount + r.outstanding_amount - r.amount) > 0.005:
			found.append(f"plan line {r.name} of {r.parent}: received + outstanding ≠ amount ({r})")
		if abs(r.named - r.named_amount) > 0.005:
			found.append(
				f"plan line {r.name} of {r.parent}: named {r.named_amount}, rows name {r.named} ({r})"
			)
		if not (-0.005 <= r.named_amount <= r.received_amount + 0.005 <= r.amount + 0.01):
			found.append(f"plan line {r.name} of {r.parent}: named ≤ received ≤ amount broken ({r})")
	return found


def credit_violations() -> list[str]:
	"""Per advance: credit left = paid − own allocations − offsets − refunds ≥ 0, recomputed from the
	documents; per customer: ``credit_balance`` = Σ credit left × rate, and per currency advances − offsets
	− refunds = the credit left."""
	found = []
	for r in frappe.db.sql(
		"""select r.name, r.paid_amount, r.unallocated_amount, r.offset_amount, r.refunded_amount,
			coalesce((select sum(a.allocated_amount) from `tabSales Receipt Allocation` a
				where a.parent = r.name and a.parenttype = 'Sales Receipt'), 0) as allocated,
			coalesce((select sum(o.total_amount) from `tabSales Credit Offset` o
				where o.credit_receipt = r.name and o.docstatus = 1), 0) as offsets,
			coalesce((select sum(f.paid_amount) from `tabSales Receipt` f
				where f.against_receipt = r.name and f.docstatus = 1), 0) as refunds
		from `tabSales Receipt` r where r.docstatus = 1 and r.receipt_type = 'Advance'""",
		as_dict=True,
	):
		left = r.paid_amount - r.allocated - r.offsets - r.refunds
		if abs(left - r.unallocated_amount) > 0.005 or left < -0.005:
			found.append(f"{r.name}: credit left {r.unallocated_amount}, documents say {left} ({r})")
		if abs(r.offsets - r.offset_amount) > 0.005 or abs(r.refunds - r.refunded_amount) > 0.005:
			found.append(f"{r.name}: offset/refunded sums differ from the documents ({r})")
	for r in frappe.db.sql(
		"""select o.name from `tabSales Credit Offset` o join `tabSales Receipt` r on r.name = o.credit_receipt
		where o.docstatus = 1 and r.docstatus != 1
		union all
		select f.name from `tabSales Receipt` f join `tabSales Receipt` r on r.name = f.against_receipt
		where f.docstatus = 1 and r.docstatus != 1""",
	):
		found.append(f"{r[0]} draws on an advance that is not submitted")
	for r in frappe.db.sql(
		"""select c.name, c.credit_balance,
			coalesce((select sum(round(r.unallocated_amount * r.exchange_rate, 2)) from `tabSales Receipt` r
				where r.customer = c.name and r.docstatus = 1 and r.receipt_type = 'Advance'), 0) as expected
		from `tabSales Customer` c""",
		as_dict=True,
	):
		if abs(r.credit_balance - r.expected) > 0.005:
			found.append(f"{r.name}: credit balance {r.credit_balance}, advances say {r.expected}")
	return found


def customer_credit(customer: str) -> dict[str, float]:
	"""Per currency, what the documents say: advances (unallocated at receipt) − offsets − refunds."""
	frappe.db.rollback()
	out = {}
	for currency, advances in frappe.db.sql(
		"""select r.currency, sum(r.paid_amount - coalesce((select sum(a.allocated_amount)
			from `tabSales Receipt Allocation` a where a.parent = r.name and a.parenttype = 'Sales Receipt'), 0))
		from `tabSales Receipt` r where r.customer = %s and r.docstatus = 1 and r.receipt_type = 'Advance'
		group by r.currency""",
		customer,
	):
		out[currency] = advances
	for currency, offsets in frappe.db.sql(
		"""select currency, sum(total_amount) from `tabSales Credit Offset`
		where customer = %s and docstatus = 1 group by currency""",
		customer,
	):
		out[currency] = out.get(currency, 0) - offsets
	for currency, refunds in frappe.db.sql(
		"""select currency, sum(paid_amount) from `tabSales Receipt`
		where customer = %s and docstatus = 1 and receipt_type = 'Refund' group by currency""",
		customer,
	):
		out[currency] = out.get(currency, 0) - refunds
	return {k: round(float(v), 2) for k, v in out.items()}


def tally_violations(tally) -> list[str]:
	"""A kept monthly figure against the submitted documents' (or rows') sums, per group and month."""
	by = ", ".join(f"`{field}`" for field in tally.by)
	source = frappe.db.sql(
		f"""select {by}, date_format(`{tally.date}`, '%%Y-%%m-01') month, sum(`{tally.value}`)
		from `tab{tally.row}` where docstatus = 1 {"and parenttype = %(parent)s" if tally.table else ""}
		group by {by}, month""",
		{"parent": tally.source},
	)
	held = frappe.db.sql(
		f"select {by}, month, sum(`{tally.value}`) from `tab{tally.kept}` group by {by}, month"
	)
	expected = {(*row[:-2], str(row[-2])): row[-1] for row in source}
	kept_sums = {(*row[:-2], str(row[-2])): row[-1] for row in held}
	return [
		f"{tally.kept}.{tally.value} {key}: keeps {kept_sums.get(key)}, documents say {expected.get(key)}"
		for key in sorted(set(expected) | set(kept_sums), key=str)
		if abs((expected.get(key) or 0) - (kept_sums.get(key) or 0)) > 0.005
	]
