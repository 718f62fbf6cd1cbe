"""Follow-ups (跟踪服务): a salesperson's calls, visits, e-mails, meetings and demos with a lead, an
opportunity or a customer, and the next follow-up each one plans.

A follow-up is a DocType of ours, ``Sales Follow Up``, rather than Frappe's Event or ToDo: it carries the
seed's fields (type, outcome, next step) and the sales chain's links, and it obeys the row scope of every
other sales record (``sales_person``/``sales_department``), so that reports can count it per salesperson.
Its *next* follow-up is Frappe's own ToDo for the salesperson (dated the next follow-up date, referring to
the follow-up), so the reminder appears in their ToDo list, the desk's assignment counts and calendar.
"""

import frappe
from frappe import _
from frappe.utils import escape_html, get_link_to_form, getdate, nowdate

from sales_crm.rules.follow_ups import follow_up_status

REFERENCES = (
	("opportunity", "Sales Opportunity"),
	("sales_lead", "Sales Lead"),
	("customer", "Sales Customer"),
)


def references(doc) -> list[tuple[str, str, str]]:
	"""(fieldname, doctype, name) of each record the follow-up is about."""
	return [(field, doctype, doc.get(field)) for field, doctype in REFERENCES if doc.get(field)]


def todo_description(doc) -> str:
	text = _("Follow up {0}").format(doc.party_name or doc.name)
	if doc.next_step:
		text += ": " + doc.next_step
	return escape_html(text)


def sync_todo(doc) -> None:
	"""The next follow-up is an open ToDo of the salesperson, dated the next follow-up date."""
	wanted = doc.status in ("Open", "Overdue") and doc.next_follow_up_date and doc.sales_person
	todo = frappe.get_doc("ToDo", doc.todo) if doc.todo and frappe.db.exists("ToDo", doc.todo) else None
	if not wanted:
		if todo and todo.status == "Open":
			todo.status = "Closed"
			todo.save(ignore_permissions=True)
		return
	values = {
		"allocated_to": doc.sales_person,
		"date": doc.next_follow_up_date,
		"description": todo_description(doc),
		"reference_type": doc.doctype,
		"reference_name": doc.name,
		"status": "Open",
	}
	if todo is None:
		todo = frappe.get_doc({"doctype": "ToDo", "assigned_by": frappe.session.user, **values})
		todo.insert(ignore_permissions=True)
		# not db_set: the link is bookkeeping, not a change the timeline should show
		frappe.db.set_value(doc.doctype, doc.name, "todo", todo.name, update_modified=False)
		doc.todo = todo.name
		return
	if any(str(todo.get(key) or "") != str(value or "") for key, value in values.items()):
		todo.update(values)
		todo.save(ignore_permissions=True)


def close_earlier(doc) -> list[str]:
	"""Logging a follow-up fulfils the open ones of the same record (same opportunity, else same lead,
	else same customer and customer site): they are Closed and their ToDos done."""
	field, _doctype, name = references(doc)[0]
	filters = {field: name, "status": ("in", ("Open", "Overdue")), "name": ("!=", doc.name)}
	if field == "customer":
		# a customer's site is a record of its own: following up the site leaves the customer's open
		filters["customer_address"] = doc.get("customer_address") or ("is", "not set")
	earlier = frappe.get_all("Sales Follow Up", filters=filters, pluck="name")
	for other in earlier:
		follow_up = frappe.get_doc("Sales Follow Up", other)
		follow_up.db_set("status", "Closed", notify=True)
		sync_todo(follow_up)
	return earlier


def add_to_timelines(doc) -> None:
	"""The follow-up shows on the timeline of the lead, opportunity and customer it is about."""
	text = _("{0} follow-up {1}: {2}").format(
		_(doc.follow_up_type), get_link_to_form(doc.doctype, doc.name), escape_html(doc.outcome or "")
	)
	if doc.next_follow_up_date:
		text += " · " + _("next follow-up on {0}").format(frappe.format(doc.next_follow_up_date, "Date"))
	for _field, doctype, name in references(doc):
		frappe.get_doc(doctype, name).add_comment("Info", text)


def on_todo_update(todo, method=None) -> None:
	"""ToDo ``on_update``: a follow-up's ToDo marked done (or cancelled) closes the follow-up."""
	if todo.reference_type != "Sales Follow Up" or todo.status == "Open" or not todo.reference_name:
		return
	status = frappe.db.get_value("Sales Follow Up", todo.reference_name, "status")
	if status and status != "Closed":
		frappe.db.set_value("Sales Follow Up", todo.reference_name, "status", "Closed")


def flag_overdue_follow_ups(today=None) -> int:
	"""Daily job: open follow-ups whose next date has passed become Overdue."""
	today = getdate(today or nowdate())
	table = frappe.qb.DocType("Sales Follow Up")
	frappe.qb.update(table).set(table.status, "Overdue").where(
		(table.status == "Open") & (table.next_follow_up_date < today)
	).run()
	return frappe.db.count("Sales Follow Up", {"status": "Overdue"})


def status_of(doc) -> str:
	return follow_up_status(
		getdate(doc.next_follow_up_date) if doc.next_follow_up_date else None,
		getdate(nowdate()),
		closed=doc.status == "Closed"
		and not doc.is_new()
		and not doc.has_value_changed("next_follow_up_date"),
	)


CALENDAR_DATES = {
	"Sales Follow Up": "next_follow_up_date",
	"Customer Order": "delivery_date",
	"Sales Receivable": "due_date",
	"Sales Opportunity": "expected_close_date",
}


def calendar_events(doctype, start, end, field_map, filters=None, fields=None) -> list[dict]:
	from frappe.desk.calendar import get_events

	if doctype not in CALENDAR_DATES:
		frappe.throw(_("{0} has no Sales CRM calendar").format(doctype), title=_("Invalid Request"))
	filters = frappe.parse_json(filters) if filters else []
	filters.append([doctype, CALENDAR_DATES[doctype], "is", "set"])
	field_map = field_map if isinstance(field_map, str) else frappe.as_json(field_map)
	if doctype != "Sales Follow Up":
		return get_events(doctype, start, end, field_map, frappe.as_json(filters), fields)
	title = frappe.parse_json(field_map).get("title") or "title"
	fields = frappe.parse_json(fields) if fields else list(frappe.parse_json(field_map).values())
	fields = [f for f in fields if f != "allDay"] + ["name", "next_step", "party_name"]
	events = get_events(doctype, start, end, field_map, frappe.as_json(filters), fields)
	for event in events:
		# the event is the planned follow-up, on its date: named by what is to be done there, not by the
		# visit or call that planned it
		event[title] = next_step_title(event.get("party_name"), event.get("next_step"))
	return events


def next_step_title(party_name: str | None, next_step: str | None) -> str:
	step = " ".join((next_step or "").split())
	if not step:
		return _("Follow up {0}").format(party_name or "")
	# the step first: a month cell shows the title's first words only
	return _("{0} · {1}").format(step, party_name) if party_name else step
