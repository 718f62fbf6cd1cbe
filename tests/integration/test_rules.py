"""FLOW.md "Rules every path enforces": one test per rule with bad input. Each asserts the translated
message (record and field named) and that no row of any sales table changed — checked right after
the refusal, with no rollback in between, so the refusal came before any write."""

import frappe
import pytest
from factories import db_state, make_customer, pipeline
from frappe.model.workflow import apply_workflow

from sales_crm import api


def refused(fn, *fragments, exc=frappe.ValidationError):
	before = db_state()
	with pytest.raises(exc) as caught:
		fn()
	message = str(caught.value)
	for fragment in fragments:
		assert fragment in message, f"{fragment!r} not in {message!r}"
	assert db_state() == before, "a refused request changed the database"
	return message


def test_quotation_cannot_be_accepted_before_approval():
	p = pipeline("quotation")
	quotation = frappe.get_doc("Sales Quotation", p.quotation)
	refused(lambda: apply_workflow(quotation, "Customer Accepted"), "Not a valid Workflow Action")


def test_quotation_status_cannot_be_written():
	p = pipeline("quotation")
	quotation = frappe.get_doc("Sales Quotation", p.quotation)
	quotation.status = "Accepted"
	refused(quotation.save, "Workflow State transition not allowed", "Quoting", "Accepted")


def test_only_an_accepted_quotation_becomes_a_contract():
	p = pipeline("approved")
	refused(lambda: api.make_contract(p.quotation), "Sales Quotation", p.quotation, "Accepted")
	contract = frappe.get_doc(
		{
			"doctype": "Sales Contract",
			"customer": p.customer,
			"quotation": p.quotation,
			"items": [{"product": frappe.get_doc("Sales Quotation", p.quotation).items[0].product, "qty": 1}],
		}
	)
	refused(contract.insert, "Sales Contract", "Quotation", "Accepted")


def test_an_approved_quotation_is_frozen():
	p = pipeline("approved")
	quotation = frappe.get_doc("Sales Quotation", p.quotation)
	quotation.items[0].qty = 99
	refused(quotation.save, "Not allowed to change", "Quantity", exc=frappe.UpdateAfterSubmitError)


@pytest.mark.parametrize("fieldname, label", [("customer", "Customer"), ("currency", "Currency")])
def test_contract_must_agree_with_its_quotation(fieldname, label):
	p = pipeline("accepted")
	contract = frappe.get_doc(api.make_contract(p.quotation))
	contract.set(fieldname, make_customer().name if fieldname == "customer" else "USD")
	contract.exchange_rate = 7
	refused(contract.insert, "Sales Contract", label, "must equal the quotation's")


def test_contract_cannot_exceed_the_quotation():
	p = pipeline("accepted")
	contract = frappe.get_doc(api.make_contract(p.quotation))
	contract.items[0].qty = 10.5
	refused(contract.insert, "Sales Contract", "row 1", "Quantity", "exceeds the quantity that remains")


def test_order_cannot_exceed_the_contract():
	p = pipeline("contract")
	order = frappe.get_doc(api.make_order(p.contract))
	order.items[1].qty = 4.01
	refused(order.insert, "Customer Order", "row 2", "Quantity", "exceeds the quantity that remains")
	frappe.get_doc(api.make_order(p.contract)).insert().submit()
	refused(lambda: api.make_order(p.contract), "Sales Contract", p.contract, "everything is ordered")


def test_delivery_cannot_exceed_the_order():
	p = pipeline("order")
	rows = frappe.get_doc("Customer Order", p.order).items
	refused(
		lambda: api.deliver_order(p.order, {rows[0].name: 10.5}),
		"Customer Order",
		"row 1",
		"Delivered Quantity",
	)
	refused(lambda: api.deliver_order(p.order, {"no-such-row": 1}), "Customer Order", "no-such-row")
	refused(lambda: api.deliver_order(p.order, {rows[0].name: -1}), "must be greater than 0")


def test_invoices_cannot_exceed_the_order_and_repeat_returns_the_same():
	p = pipeline("receivable")  # 600 of 1200 invoiced
	refused(
		lambda: api.invoice_order(p.order, "INV-OVER", "2026-11-02", 600.01),
		"Sales Receivable",
		"Total Amount",
		"exceeds what remains to be invoiced",
	)
	invoice_no = frappe.db.get_value("Sales Receivable", p.receivable, "invoice_no")
	before = db_state()
	assert api.invoice_order(p.order, invoice_no, "2026-11-01", 600) == p.receivable
	assert db_state() == before


def test_receipt_cannot_over_allocate():
	p = pipeline("receivable")
	receipt = frappe.get_doc(api.make_receipt(p.receivable))
	receipt.allocations[0].allocated_amount = 590
	receipt.allocations[0].write_off_amount = 10.01
	refused(
		receipt.insert, "Sales Receipt", "row 1", "Allocated Amount", "exceeds the receivable's outstanding"
	)


def test_receipt_customer_and_currency_must_match():
	p = pipeline("receivable")
	receipt = frappe.get_doc(api.make_receipt(p.receivable))
	receipt.customer = make_customer().name
	refused(receipt.insert, "Sales Receipt", "Customer", p.receivable, "belongs to customer")
	receipt = frappe.get_doc(api.make_receipt(p.receivable))
	receipt.currency = "USD"
	refused(receipt.insert, "Sales Receipt", "Currency", p.receivable, "CNY")


def test_cancelling_an_order_with_receivables_names_them():
	p = pipeline("receivable")
	refused(frappe.get_doc("Customer Order", p.order).cancel, "Customer Order", p.order, p.receivable)
	refused(frappe.get_doc("Sales Contract", p.contract).cancel, "Sales Contract", p.order)


def test_lead_status_rules():
	lead = frappe.get_doc(
		{"doctype": "Sales Lead", "company_name": "Rules Ltd", "lead_source": "800 Hotline"}
	).insert()
	lead.status = "Converted"
	refused(lead.save, "Sales Lead", lead.name, "Status", "Convert")
	lead.reload()
	lead.status = "Lost"
	refused(lead.save, "Lost Reason")
	lead.reload()
	refused(lambda: api.convert_lead(lead.name), "Sales Lead", lead.name, "only an Assigned lead")


def test_opportunity_rules():
	p = pipeline("opportunity")
	opportunity = frappe.get_doc("Sales Opportunity", p.opportunity)
	opportunity.status = "Won"
	refused(opportunity.save, "Sales Opportunity", "Status", "contract for it is signed")
	opportunity.reload()
	opportunity.sales_stage = "No Such Stage"
	refused(opportunity.save, "Sales Stage", "No Such Stage")
	opportunity.reload()
	opportunity.sales_stage = "Solution Design"
	opportunity.save()
	opportunity.sales_stage = "Needs Tracking"
	refused(opportunity.save, "Sales Stage", "forward only")
	assert [r.stage for r in opportunity.stage_history][-1] == "Solution Design"


def test_duplicate_leads_are_flagged_and_conversion_reuses_the_customer():
	customer = make_customer(customer_name="Twin Industries", phone="+86-10-55550000")
	lead = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": "  twin industries ",
			"lead_source": "Customer Referral",
			"sales_person": "Administrator",
		}
	).insert()
	assert (lead.possible_duplicate_type, lead.possible_duplicate_of) == ("Sales Customer", customer.name)
	by_phone = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": "Other",
			"lead_source": "800 Hotline",
			"mobile": "+86-10-55550000",
		}
	).insert()
	assert by_phone.possible_duplicate_of == customer.name
	second = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": "Fresh Co",
			"lead_source": "800 Hotline",
			"email": "a@fresh.example",
		}
	).insert()
	assert not second.possible_duplicate_of
	third = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": "Fresh 2",
			"lead_source": "800 Hotline",
			"email": "A@Fresh.Example",
		}
	).insert()
	assert (third.possible_duplicate_type, third.possible_duplicate_of) == ("Sales Lead", second.name)

	frappe.db.set_value("Sales Lead", lead.name, "status", "Assigned")
	opportunity = api.convert_lead(lead.name)
	assert frappe.db.get_value("Sales Opportunity", opportunity, "customer") == customer.name
	assert frappe.db.count("Sales Customer", {"customer_name": ["like", "%twin industries%"]}) == 1


def test_a_revision_is_an_amendment_with_the_next_version():
	p = pipeline("approved")
	quotation = frappe.get_doc("Sales Quotation", p.quotation)
	quotation.cancel()
	revision = frappe.copy_doc(quotation)
	revision.amended_from = quotation.name
	revision.items[0].discount_percentage = 5
	revision.insert()
	assert (revision.version, revision.status, revision.docstatus) == (2, "Quoting", 0)
	assert revision.name.startswith(quotation.name)


def test_the_daily_job_flags_overdue_receivables():
	from sales_crm.flows.orders import flag_overdue_receivables

	p = pipeline("receivable")
	due = frappe.db.get_value("Sales Receivable", p.receivable, "due_date")
	flag_overdue_receivables(today=frappe.utils.add_days(due, 1))
	assert frappe.db.get_value("Sales Receivable", p.receivable, "is_overdue") == 1
	flag_overdue_receivables(today=due)
	assert frappe.db.get_value("Sales Receivable", p.receivable, "is_overdue") == 0


def test_the_opportunity_kanban_moves_stages_by_the_rules():
	from frappe.desk.doctype.kanban_board.kanban_board import update_order_for_single_card

	from sales_crm.install import OPPORTUNITY_KANBAN

	board = frappe.get_doc("Kanban Board", OPPORTUNITY_KANBAN)
	assert (board.reference_doctype, board.field_name) == ("Sales Opportunity", "sales_stage")
	assert [c.column_name for c in board.columns] == [
		"Needs Tracking",
		"Solution Design",
		"Quotation",
		"Contract Signing",
	]
	p = pipeline("opportunity")
	update_order_for_single_card(OPPORTUNITY_KANBAN, p.opportunity, "Needs Tracking", "Solution Design", 0, 0)
	opportunity = frappe.get_doc("Sales Opportunity", p.opportunity)
	assert opportunity.sales_stage == "Solution Design" and opportunity.probability == 40
	assert [r.stage for r in opportunity.stage_history] == ["Needs Tracking", "Solution Design"]
	with pytest.raises(frappe.ValidationError, match="forward only"):
		update_order_for_single_card(
			OPPORTUNITY_KANBAN, p.opportunity, "Solution Design", "Needs Tracking", 0, 0
		)
