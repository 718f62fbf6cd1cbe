"""The server side of the desk's follow-up, delivery and customer pages: per-row delivery quantities, the
expected close date's range, errors that never name an unsaved record, the follow-up calendar's titles,
the receipt's payment mode and default print formats, and the customer overview's row scopes."""

import json

import frappe
import pytest
from factories import db_state, make_customer, pipeline, sales_team
from frappe.utils import add_days, add_years, nowdate, random_string

from sales_crm import api


def refused(fn, *fragments, absent=()):
	before = db_state()
	with pytest.raises(frappe.ValidationError) as caught:
		fn()
	message = str(caught.value)
	for fragment in fragments:
		assert fragment in message, f"{fragment!r} not in {message!r}"
	for fragment in absent:
		assert fragment not in message, f"{fragment!r} in {message!r}"
	assert db_state() == before, "a refused request changed the database"
	return message


def delivered(order):
	return [row.delivered_qty for row in frappe.get_doc("Customer Order", order).items]


def test_delivery_takes_the_quantities_typed_per_row():
	p = pipeline("order")  # rows of 10 and 4 boxes
	rows = frappe.get_doc("Customer Order", p.order).items
	result = api.deliver_order(p.order, json.dumps({rows[0].name: 3, rows[1].name: 0}))
	assert delivered(p.order) == [3, 0]
	assert result["delivered"] == [
		{"idx": 1, "product": rows[0].product, "product_name": rows[0].product_name, "qty": 3, "uom": "Box"}
	]
	assert round(result["per_delivered"], 2) == 21.43  # 3 of 14

	# a box is delivered whole; more than remains, negative, text and all-zero are refused
	refused(
		lambda: api.deliver_order(p.order, {rows[0].name: 1.5}),
		f"Customer Order {p.order}, row 1",
		"Delivered Quantity",
		"whole number",
	)
	refused(
		lambda: api.deliver_order(p.order, {rows[0].name: 8}), "row 1", "exceeds the quantity that remains"
	)
	refused(lambda: api.deliver_order(p.order, {"2": -1}), "row 2", "must be greater than 0")
	refused(lambda: api.deliver_order(p.order, {"2": "two"}), "row 2", "must be a number")
	refused(lambda: api.deliver_order(p.order, {"1": 0, "2": 0}), "nothing to deliver")
	assert delivered(p.order) == [3, 0]

	# metres may be delivered in part
	frappe.db.set_value("Customer Order Item", rows[1].name, "uom", "m")
	api.deliver_order(p.order, {"2": 2.5, "1": 7})
	assert delivered(p.order) == [10, 2.5]
	refused(lambda: api.deliver_order(p.order, {"2": 1.6}), "row 2", "exceeds the quantity that remains")


def test_an_expected_close_date_far_off_is_refused_when_typed():
	customer = make_customer()
	fields = {"doctype": "Sales Opportunity", "opportunity_name": f"Deal {random_string(5)}"}
	fields["customer"] = customer.name
	count = frappe.db.count("Sales Opportunity")
	message = refused(
		lambda: frappe.get_doc({**fields, "expected_close_date": "2006-03-31"}).insert(),
		"new Sales Opportunity",
		"Expected Close Date",
		"more than a year ago",
		absent=("OPP-",),
	)
	assert "2006" in message
	assert frappe.db.count("Sales Opportunity") == count
	refused(
		lambda: frappe.get_doc({**fields, "expected_close_date": add_years(nowdate(), 11)}).insert(),
		"more than ten years ahead",
	)
	# a date a few months back is a late deal, not a slip
	opportunity = frappe.get_doc({**fields, "expected_close_date": add_days(nowdate(), -90)}).insert()
	# one stored long ago stays savable while nobody changes it; changing it to another old date is refused
	frappe.db.set_value("Sales Opportunity", opportunity.name, "expected_close_date", "2020-01-01")
	opportunity = frappe.get_doc("Sales Opportunity", opportunity.name)
	opportunity.notes = "still talking"
	opportunity.save()
	opportunity.expected_close_date = "2019-06-30"
	refused(opportunity.save, f"Sales Opportunity {opportunity.name}", "more than a year ago")


def test_a_refused_insert_names_no_record_number():
	team = sales_team()
	customer = make_customer(sales_person=team.sales)
	frappe.set_user(team.sales)
	message = refused(
		lambda: frappe.get_doc(
			{
				"doctype": "Sales Follow Up",
				"customer": customer.name,
				"follow_up_type": "Visit",
				"outcome": "Met them",
				"follow_up_date": nowdate(),
				"next_follow_up_date": add_days(nowdate(), -1),
			}
		).insert(),
		"new Sales Follow Up",
		"Next Follow-up Date",
		absent=("FU-",),
	)
	assert "cannot come before" in message


def test_the_follow_up_calendar_shows_the_next_step():
	team = sales_team()
	customer = make_customer(sales_person=team.sales, customer_name=f"Calendar Co {random_string(4)}")
	frappe.set_user(team.sales)
	follow_up = frappe.get_doc(
		{
			"doctype": "Sales Follow Up",
			"customer": customer.name,
			"follow_up_type": "Visit",
			"outcome": "Visited the plant",
			"next_step": "Send the quotation for 200 valves",
			"next_follow_up_date": add_days(nowdate(), 3),
		}
	).insert()
	field_map = {"start": "next_follow_up_date", "end": "next_follow_up_date", "id": "name", "title": "title"}
	events = api.calendar_events(
		"Sales Follow Up", add_days(nowdate(), -5), add_days(nowdate(), 10), json.dumps(field_map)
	)
	event = next(e for e in events if e.name == follow_up.name)
	assert event.title == f"Send the quotation for 200 valves · {customer.customer_name}"
	assert "Visit" not in event.title


def test_receipts_have_a_payment_mode_and_the_bilingual_formats_are_the_default():
	for doctype in ("Sales Quotation", "Sales Contract", "Customer Order", "Sales Receipt"):
		assert frappe.get_meta(doctype).default_print_format == f"{doctype} Bilingual"
	p = pipeline("receivable")
	receipt = frappe.get_doc(api.make_receipt(p.receivable))
	assert receipt.payment_mode == "Bank Transfer"
	receipt.payment_mode = "WeChat Pay"
	receipt.insert()
	frappe.local.lang = "zh"
	try:
		html = frappe.get_print("Sales Receipt", receipt.name, "Sales Receipt Bilingual")
	finally:
		frappe.local.lang = "en"
	assert "付款方式 / Payment Mode" in html and "微信" in html
	receipt.payment_mode = "Barter"
	with pytest.raises(frappe.ValidationError):
		receipt.save()


def test_the_customer_overview_shows_what_each_user_may_read():
	team = sales_team()
	customer = make_customer(sales_person=team.sales)
	mine = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": "Mine",
			"customer": customer.name,
			"sales_person": team.sales,
			"items": [{"product": _product(), "qty": 2, "rate": 50}],
		}
	).insert()
	theirs = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": "Theirs",
			"customer": customer.name,
			"sales_person": team.other_sales,
			"items": [{"product": _product(), "qty": 1, "rate": 30}],
		}
	).insert()
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Li",
			"last_name": "Lei",
			"links": [{"link_doctype": "Sales Customer", "link_name": customer.name}],
		}
	).insert()
	frappe.set_user(team.sales)
	follow_up = frappe.get_doc(
		{
			"doctype": "Sales Follow Up",
			"customer": customer.name,
			"outcome": "Called",
			"follow_up_type": "Call",
		}
	).insert()

	overview = api.customer_overview(customer.name)
	assert [row.name for row in overview["opportunities"]["rows"]] == [mine.name]
	assert overview["opportunities"]["total"] == 100
	assert [row.name for row in overview["contacts"]["rows"]] == [contact.name]
	assert [row.name for row in overview["follow_ups"]["rows"]] == [follow_up.name]
	assert overview["receivables"]["rows"] == [] and overview["orders"]["count"] == 0

	frappe.set_user(team.manager)
	overview = api.customer_overview(customer.name)
	assert {row.name for row in overview["opportunities"]["rows"]} == {mine.name, theirs.name}
	assert overview["opportunities"]["total"] == 130

	frappe.set_user(team.other_sales)  # the customer is not theirs
	with pytest.raises(frappe.PermissionError):
		api.customer_overview(customer.name)


def _product():
	from factories import make_product

	return make_product(standard_rate=10).name
