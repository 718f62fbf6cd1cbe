"""Lost and rejection reasons as a master (issue 12), the opportunity kind, and the reports on them."""

import frappe
import pytest
from factories import db_state, make_customer, pipeline
from frappe.model.workflow import apply_workflow
from frappe.utils import nowdate, random_string

from sales_crm.constants import LOSS_REASONS
from sales_crm.sales_crm.report.loss_reason_analysis import loss_reason_analysis
from sales_crm.sales_crm.report.opportunity_pipeline import opportunity_pipeline


def test_the_shipped_reasons_exist_for_every_kind_of_loss():
	for reason in LOSS_REASONS:
		row = frappe.db.get_value(
			"Sales Loss Reason",
			reason,
			["applies_to_leads", "applies_to_opportunities", "applies_to_quotations", "disabled"],
		)
		assert row == (1, 1, 1, 0), reason


def make_lead(**kwargs):
	return frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"company_name": f"Lost Co {random_string(6)}",
			"lead_source": "800 Hotline",
			**kwargs,
		}
	).insert()


def test_a_lead_marked_lost_with_a_reason_gets_its_detail_from_it():
	lead = make_lead(loss_reason="Competitor")
	assert lead.lost_reason == "Competitor"  # so the workflow's Mark Lost condition holds
	lead = apply_workflow(lead, "Mark Lost")
	assert frappe.db.get_value("Sales Lead", lead.name, ["status", "loss_reason"]) == ("Lost", "Competitor")


def test_a_typed_detail_is_kept():
	lead = make_lead(loss_reason="Price", lost_reason="15 % above the competitor")
	assert lead.lost_reason == "15 % above the competitor"


@pytest.mark.parametrize("change", ["disabled", "applies_to_leads"])
def test_a_disabled_or_foreign_reason_is_refused_and_nothing_is_written(change):
	reason = frappe.get_doc({"doctype": "Sales Loss Reason", "reason": f"R {random_string(5)}"}).insert()
	reason.db_set(change, 1 if change == "disabled" else 0)
	before = db_state()
	with pytest.raises(frappe.ValidationError, match="is not a reason for a"):
		make_lead(loss_reason=reason.name)
	assert db_state() == before


def test_an_opportunity_lost_and_a_quotation_rejected_name_their_reasons():
	chain = pipeline("approved")
	opportunity = frappe.get_doc("Sales Opportunity", chain.opportunity)
	quotation = frappe.get_doc("Sales Quotation", chain.quotation)
	quotation.loss_reason = "Price"
	quotation.save()  # on the submitted quotation, before the customer's answer
	quotation = apply_workflow(quotation, "Customer Rejected")
	assert frappe.db.get_value("Sales Quotation", quotation.name, ["status", "loss_reason"]) == (
		"Rejected",
		"Price",
	)

	opportunity.reload()
	opportunity.update({"status": "Lost", "loss_reason": "Price", "opportunity_kind": "Product Sale"})
	opportunity.save()
	assert opportunity.lost_reason == "Price"

	_columns, data, *_ = loss_reason_analysis.execute(
		{"from_date": nowdate(), "to_date": nowdate(), "customer": chain.customer}
	)
	rows = {row["loss_reason"]: row for row in data}
	assert rows["Price"]["opportunities_lost"] == 1
	assert rows["Price"]["quotations_rejected"] == 1
	assert rows["Price"]["lost_amount"] == opportunity.base_expected_revenue
	# by opportunity kind
	_columns, data, *_ = loss_reason_analysis.execute(
		{
			"from_date": nowdate(),
			"to_date": nowdate(),
			"customer": chain.customer,
			"opportunity_kind": "Service",
		}
	)
	assert data == []


def test_opportunity_kind_is_a_list_filter_and_a_pipeline_dimension():
	meta = frappe.get_meta("Sales Opportunity")
	field = meta.get_field("opportunity_kind")
	assert field.in_standard_filter
	assert field.options.split("\n") == ["", "Purchase Need", "Product Sale", "Partnership", "Service"]
	customer = make_customer()
	for kind in ("Purchase Need", "Partnership", "Partnership"):
		frappe.get_doc(
			{
				"doctype": "Sales Opportunity",
				"opportunity_name": f"Deal {random_string(5)}",
				"customer": customer.name,
				"opportunity_kind": kind,
				"expected_revenue": 100,
			}
		).insert()

	def count(kind):
		_columns, data, *_ = opportunity_pipeline.execute(
			{
				"from_date": nowdate(),
				"to_date": nowdate(),
				"customer": customer.name,
				"opportunity_kind": kind,
			}
		)
		return sum(row.get("opportunities") or 0 for row in data)

	assert (count("Purchase Need"), count("Partnership"), count("Service"), count(None)) == (1, 2, 0, 3)
