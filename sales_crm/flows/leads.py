"""Lead intake and conversion: duplicate matching, assignment to salespeople, conversion to an opportunity."""

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow
from frappe.utils import cstr, now_datetime

from sales_crm import owned
from sales_crm.constants import STANDARD_METHOD
from sales_crm.flows.contacts import carry_lead_contact
from sales_crm.org import ASSIGNERS, department_of, has_role
from sales_crm.rules import normalize
from sales_crm.utils import get_settings
from sales_crm.validation import throw


def normalized_keys(company_name=None, phone=None, mobile=None, email=None) -> dict:
	"""What identifies a company (sales_crm.rules.normalize): its name, its phone numbers, its e-mail."""
	return normalize.lead_keys(company_name, phone, mobile, email)


def set_keys(doc, name_field: str, phone_fields: dict[str, str]) -> None:
	"""Store the normalized keys of a lead or customer in its indexed ``*_key`` columns; phone numbers
	typed in full-width digits are kept half-width (Frappe's phone check accepts ASCII only)."""
	doc.company_key = normalize.company_key(doc.get(name_field))
	for field, key_field in phone_fields.items():
		doc.set(field, normalize.fold_width(doc.get(field)))
		doc.set(key_field, normalize.phone_key(doc.get(field)))
	doc.email_key = normalize.email_key(doc.email)


def lookups(doctype: str, key_columns: dict[str, list[str]], keys: dict, exclude: str | None = None) -> list:
	"""One query per key and column for the earliest record whose stored key meets ``keys``: each an index
	lookup."""
	table = frappe.qb.DocType(doctype)
	queries = []
	for key, columns in key_columns.items():
		values = keys.get(key)
		values = [values] if isinstance(values, str) else (values or [])
		for column in columns:
			for value in values:
				query = (
					frappe.qb.from_(table).select(table.name, table.creation).where(table[column] == value)
				)
				if exclude:
					query = query.where(table.name != exclude)
				queries.append(query.orderby(table.creation).limit(1))
	return queries


def match_query(doctype: str, key_columns: dict[str, list[str]], keys: dict, exclude: str | None = None):
	"""SQL for the earliest record whose stored keys meet ``keys``: the lookups in one UNION ALL; None when
	``keys`` hold nothing to look up."""
	queries = lookups(doctype, key_columns, keys, exclude)
	if not queries:
		return None
	union = " union all ".join(f"({query.get_sql()})" for query in queries)  # each keeps its limit
	return f"select name from ({union}) matches order by creation, name limit 1"


def _match(
	doctype: str, key_columns: dict[str, list[str]], keys: dict, exclude: str | None = None, lock=False
):
	if lock:
		# Locking reads, one per lookup: each sees what other requests committed, and where it finds nothing
		# it locks the index gap, so that another request's insert of the same key waits for this one's
		# commit (or the two deadlock and MariaDB refuses one: a conflict to try again).
		found = [
			row for query in lookups(doctype, key_columns, keys, exclude) for row in query.for_update().run()
		]
		return min(found, key=lambda row: (row[1], row[0]))[0] if found else None
	sql = match_query(doctype, key_columns, keys, exclude)
	rows = frappe.db.sql(sql) if sql else None
	return rows[0][0] if rows else None


CUSTOMER_KEYS = {"company_key": ["company_key"], "phone_keys": ["phone_key"], "email_key": ["email_key"]}
LEAD_KEYS = {
	"company_key": ["company_key"],
	"phone_keys": ["phone_key", "mobile_key"],
	"email_key": ["email_key"],
}


def find_customer(keys: dict, lock: bool = False) -> str | None:
	return _match("Sales Customer", CUSTOMER_KEYS, keys, lock=lock)


def find_duplicate(lead, lock: bool = False) -> tuple[str, str] | None:
	"""An existing customer, else an existing lead, that looks like the same company as ``lead``.

	Same company = the same company key, a phone key in common (phone or mobile, either side) or the same
	e-mail key (sales_crm.rules.normalize says what each key folds away). With ``lock``, for a caller that
	refuses the duplicate it finds (the intake), the lookups are locking reads (``_match``)."""
	keys = normalized_keys(lead.company_name, lead.phone, lead.mobile, lead.email)
	customer = find_customer(keys, lock)
	if customer:
		return "Sales Customer", customer
	other = _match("Sales Lead", LEAD_KEYS, keys, exclude=lead.name, lock=lock)
	return ("Sales Lead", other) if other else None


def can_assign(user: str | None = None) -> bool:
	return has_role(ASSIGNERS, user)


def assign_leads(leads: list[str], sales_person: str) -> list[str]:
	"""Department leads become personal leads of ``sales_person`` (a ToDo tells them)."""
	if not can_assign():
		frappe.throw(_("Only a Sales Manager or Sales Director may assign leads"), frappe.PermissionError)
	if not leads:
		frappe.throw(_("Choose at least one lead to assign"))
	check_assignee(sales_person)

	assigned = []
	for name in leads:
		lead = frappe.get_doc("Sales Lead", name, for_update=True)
		lead.check_permission("write")
		assign_lead(lead, sales_person)
		assigned.append(lead.name)
	return assigned


def check_assignee(sales_person: str) -> None:
	if not frappe.db.exists("User", {"name": sales_person, "enabled": 1}):
		frappe.throw(_("Sales Person {0} is not an active user").format(frappe.bold(sales_person)))
	if not has_role({"Sales User"}, sales_person):
		frappe.throw(_("{0} does not have the Sales User role").format(frappe.bold(sales_person)))


def assign_lead(lead, sales_person: str, add_todo: bool = True) -> None:
	"""The lead becomes ``sales_person``'s, status Assigned; ``add_todo`` gives them the assignment (a
	ToDo) unless the desk's Assign To already did."""
	from frappe.desk.form.assign_to import add as add_assignment

	if lead.status in ("Converted", "Lost"):
		throw(lead, _("a {0} lead cannot be assigned").format(_(lead.status)), "status")
	if lead.status == "Assigned" and lead.sales_person == sales_person:
		return
	lead.sales_person = sales_person
	lead.sales_department = lead.sales_department or department_of(sales_person)
	lead.assigned_on = now_datetime()
	with owned.by_server():
		lead.save()
	if lead.status == "Unassigned":
		# the workflow's own action, so its role and condition checks and its history apply
		apply_workflow(lead, "Assign")
	if add_todo:
		add_assignment(
			{
				"assign_to": [sales_person],
				"doctype": "Sales Lead",
				"name": lead.name,
				"description": _("Follow up lead {0}").format(lead.company_name),
			}
		)


def give_lead(lead) -> None:
	"""A manager set an Unassigned lead's salesperson in the form: it is Assigned, as ``assign_leads`` makes
	it, with the assignee's ToDo (whose own hook sees the lead already theirs)."""
	from frappe.desk.form.assign_to import add as add_assignment

	lead.db_set({"status": "Assigned", "assigned_on": now_datetime()}, notify=True)
	lead.add_comment("Workflow", _("Assigned"))
	add_assignment(
		{
			"assign_to": [lead.sales_person],
			"doctype": "Sales Lead",
			"name": lead.name,
			"description": _("Follow up lead {0}").format(lead.company_name),
		}
	)


def convert_lead(name: str) -> str:
	"""An Assigned lead becomes a customer (reused when one matches) and an opportunity; idempotent."""
	state = frappe.db.get_value("Sales Lead", name, ["status", "opportunity"], as_dict=True, for_update=True)
	if not state:
		frappe.throw(_("Sales Lead {0} not found").format(name), frappe.DoesNotExistError)
	lead = frappe.get_doc("Sales Lead", name)
	lead.check_permission("write")
	if state.status == "Converted" and state.opportunity:
		return state.opportunity
	if state.status != "Assigned":
		throw(lead, _("only an Assigned lead can be converted (it is {0})").format(_(state.status)), "status")

	with owned.by_server():  # the customer's and the opportunity's source lead are this lead
		return _convert(lead)


def _convert(lead) -> str:
	# a locking lookup: another lead of the same company converted at this moment waits for this one's
	# commit, or meets it in a deadlock; either way it is refused and tried again (``_match``)
	keys = normalized_keys(lead.company_name, lead.phone, lead.mobile, lead.email)
	customer = find_customer(keys, lock=True)
	if customer and not frappe.db.exists("Sales Customer", customer):
		# made by a conversion that committed while this one waited: this transaction's snapshot predates
		# it, and the opportunity's link would be checked against that snapshot. The same refusal MariaDB
		# gives a deadlock's victim: nothing is kept, and the request's retry (``api.convert_lead``) reuses it.
		raise frappe.QueryDeadlockError(
			_("Sales Customer {0} was made by another request at the same moment").format(customer)
		)
	if not customer:
		customer = (
			frappe.get_doc(
				{
					"doctype": "Sales Customer",
					"customer_name": lead.company_name,
					"industry": lead.industry,
					"phone": lead.phone or lead.mobile,
					"email": lead.email,
					"address": lead.address,
					"website": lead.website,
					"primary_contact": lead.contact_name,
					"source_lead": lead.name,
					"sales_person": lead.sales_person,
					"sales_department": lead.sales_department,
				}
			)
			.insert()
			.name
		)

	contact = carry_lead_contact(lead, customer)
	opportunity = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": lead.company_name,
			"customer": customer,
			"contact": contact,
			"sales_lead": lead.name,
			"contact_person": " ".join(part for part in (lead.contact_name, lead.contact_title) if part)
			or None,
			"sales_method": get_settings().default_sales_method or STANDARD_METHOD,
			"sales_person": lead.sales_person,
			"sales_department": lead.sales_department,
			"notes": own_products_text(lead),
		}
	).insert()

	# Converted is reached only here, never through a workflow action or a status write.
	lead.db_set(
		{
			"status": "Converted",
			"opportunity": opportunity.name,
			"customer": customer,
			"converted_on": now_datetime(),
		},
		notify=True,
	)
	lead.add_comment("Workflow", _("Converted"))
	lead.add_comment("Info", _("Converted to opportunity {0}").format(opportunity.name))
	return opportunity.name


def own_products_text(lead) -> str | None:
	lines = []
	for row in lead.own_products:
		parts = [row.product_name, row.specification]
		if row.annual_volume:
			parts.append(_("annual volume {0}").format(row.annual_volume))
		lines.append(" · ".join(str(p) for p in parts if p))
	return "\n".join(lines) or None
