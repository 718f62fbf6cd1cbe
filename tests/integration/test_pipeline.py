"""Lead → opportunity → quotation → contract → order → receivables → receipts, as the users who do it."""

import random

import frappe
import pytest
from factories import make_product, sales_team
from frappe.model.workflow import apply_workflow
from frappe.utils import random_string

from sales_crm import api


@pytest.fixture
def team():
	return sales_team()


def make_lead(**kwargs):
	doc = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": kwargs.pop("company_name", f"Lead Co {random_string(6)}"),
			"lead_source": "Marketing Campaign",
			"origin": "Marketing Subsystem",
			"contact_name": "Li Lei",
			"phone": kwargs.pop("phone", f"+86-10-{random.randint(10000000, 99999999)}"),
			"own_products": [{"product_name": "Steel tubes", "specification": "DN50", "annual_volume": 1200}],
			**kwargs,
		}
	)
	return doc.insert()


def as_user(user):
	frappe.set_user(user)


def test_the_whole_flow(team):
	product_a = make_product(standard_rate=100)
	product_b = make_product(standard_rate=50)

	# a department lead, assigned by the manager
	as_user(team.manager)
	lead = make_lead(sales_department=team.department)
	assert lead.status == "Unassigned" and not lead.sales_person
	with pytest.raises(frappe.PermissionError):
		as_user(team.sales)
		api.assign_leads([lead.name], team.sales)
	as_user(team.manager)
	assert api.assign_leads(frappe.as_json([lead.name]), team.sales) == [lead.name]
	lead.reload()
	assert (lead.status, lead.sales_person) == ("Assigned", team.sales)
	assert frappe.db.exists(
		"ToDo", {"reference_name": lead.name, "allocated_to": team.sales, "status": "Open"}
	)

	# the salesperson converts it; a second call returns the same opportunity
	as_user(team.sales)
	opportunity_name = api.convert_lead(lead.name)
	assert api.convert_lead(lead.name) == opportunity_name
	lead.reload()
	assert (lead.status, lead.opportunity) == ("Converted", opportunity_name)
	opportunity = frappe.get_doc("Sales Opportunity", opportunity_name)
	assert opportunity.customer == lead.customer
	assert frappe.db.get_value("Sales Customer", lead.customer, "source_lead") == lead.name
	assert (opportunity.sales_stage, opportunity.probability, opportunity.status) == (
		"Needs Tracking",
		20,
		"Open",
	)
	assert "Steel tubes" in opportunity.notes
	assert [row.stage for row in opportunity.stage_history] == ["Needs Tracking"]

	opportunity.append("items", {"product": product_a.name, "qty": 10, "rate": 100})
	opportunity.append("items", {"product": product_b.name, "qty": 4, "rate": 50})
	opportunity.save()

	# a quotation moves the opportunity to the Quotation stage
	quotation = frappe.get_doc(api.make_quotation(opportunity.name))
	quotation.tax_rate = 13
	quotation.items[0].discount_percentage = 10
	quotation.insert()
	assert (quotation.net_total, quotation.tax_amount, quotation.grand_total) == (1100, 143, 1243)
	opportunity.reload()
	assert opportunity.sales_stage == "Quotation" and opportunity.probability == 60
	assert [(r.stage, bool(r.left_on)) for r in opportunity.stage_history] == [
		("Needs Tracking", True),
		("Quotation", False),
	]

	# only the director approves
	with pytest.raises(frappe.ValidationError):
		apply_workflow(quotation, "Approve")
	with pytest.raises(frappe.ValidationError):
		apply_workflow(quotation, "Customer Accepted")
	as_user(team.director)
	quotation = apply_workflow(frappe.get_doc("Sales Quotation", quotation.name), "Approve")
	assert (quotation.status, quotation.docstatus, quotation.approved_by) == ("Approved", 1, team.director)
	as_user(team.sales)
	quotation = apply_workflow(frappe.get_doc("Sales Quotation", quotation.name), "Customer Accepted")
	assert quotation.status == "Accepted"

	# the contract is signed: the opportunity is won
	# at the department policy's commission rate: the salesperson signs without a director
	contract = frappe.get_doc(api.make_contract(quotation.name))
	contract.insert()
	assert (contract.commission_rate, contract.needs_approval) == (2, 0)
	contract.submit()
	assert contract.status == "Signed" and contract.grand_total == 1243
	opportunity.reload()
	assert (opportunity.status, opportunity.sales_stage, opportunity.won_amount) == (
		"Won",
		"Contract Signing",
		1243,
	)
	with pytest.raises(frappe.ValidationError, match="everything is contracted"):
		api.make_contract(quotation.name)

	# the order takes the whole contract
	order = frappe.get_doc(api.make_order(contract.name))
	order.insert()
	order.submit()
	contract.reload()
	assert [r.ordered_qty for r in contract.items] == [10, 4] and contract.per_ordered == 100
	assert order.status == "To Deliver and Invoice" and order.grand_total == 1243

	result = api.deliver_order(order.name, frappe.as_json({"1": 4}))
	assert result["status"] == "To Deliver and Invoice"
	api.deliver_order(order.name)
	order.reload()
	assert [r.delivered_qty for r in order.items] == [10, 4] and order.status == "To Invoice"

	# finance invoices in two invoices
	with pytest.raises(frappe.PermissionError):
		api.invoice_order(order.name, "INV-1", "2026-11-01", 743)
	as_user(team.accounts)
	first = api.invoice_order(order.name, "INV-1", "2026-11-01", 743, "2026-12-01")
	assert api.invoice_order(order.name, "INV-1", "2026-11-01", 743) == first
	with pytest.raises(frappe.ValidationError):
		api.invoice_order(order.name, "INV-2", "2026-11-02", 500.01)
	second = api.invoice_order(order.name, "INV-2", "2026-11-02")
	assert frappe.db.get_value("Sales Receivable", second, "total_amount") == 500
	order.reload()
	assert (order.invoiced_amount, order.per_invoiced, order.status) == (1243, 100, "Completed")
	with pytest.raises(frappe.ValidationError):
		api.invoice_order(order.name, "INV-3", "2026-11-03")

	# partly paid with a write-off, cancelled, paid again
	receipt = frappe.get_doc(api.make_receipt(order.name))
	assert [(a.sales_receivable, a.allocated_amount) for a in receipt.allocations] == [
		(first, 743),
		(second, 500),
	]
	receipt.allocations[0].allocated_amount = 700
	receipt.allocations[0].write_off_amount = 3
	receipt.allocations[1].allocated_amount = 200
	receipt.insert()
	receipt.submit()
	assert (receipt.paid_amount, receipt.write_off_amount, receipt.total_amount) == (900, 3, 903)
	ar1, ar2 = (frappe.get_doc("Sales Receivable", n) for n in (first, second))
	assert (ar1.received_amount, ar1.write_off_amount, ar1.outstanding_amount, ar1.status) == (
		700,
		3,
		40,
		"Unpaid",
	)
	assert (ar2.received_amount, ar2.outstanding_amount, ar2.status) == (200, 300, "Unpaid")
	assert frappe.db.get_value("Customer Order", order.name, "per_collected") == pytest.approx(
		900 / 1243 * 100
	)

	with pytest.raises(frappe.ValidationError):
		ar1.cancel()  # a receipt is allocated to it
	receipt.cancel()
	ar1.reload()
	assert (ar1.received_amount, ar1.write_off_amount, ar1.outstanding_amount) == (0, 0, 743)

	again = frappe.get_doc(api.make_receipt(order.name))
	again.insert()
	again.submit()
	for name in (first, second):
		assert frappe.db.get_value("Sales Receivable", name, ["outstanding_amount", "status"]) == (0, "Paid")
	assert frappe.db.get_value("Customer Order", order.name, "per_collected") == 100
	assert frappe.db.get_value("Sales Contract", contract.name, ["per_collected", "status"]) == (
		100,
		"Completed",
	)

	# money booked against the order blocks cancelling it and the contract
	as_user("Administrator")
	with pytest.raises(frappe.ValidationError, match="receivables"):
		frappe.get_doc("Customer Order", order.name).cancel()
	with pytest.raises(frappe.ValidationError, match=order.name):
		frappe.get_doc("Sales Contract", contract.name).cancel()
