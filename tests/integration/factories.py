"""Test records, built the way a user would build them (ERPNext's make_* factories, in small)."""

import frappe
from frappe.utils import random_string


def make_customer(**kwargs):
	doc = frappe.get_doc(
		{
			"doctype": "Sales Customer",
			"customer_name": kwargs.pop("customer_name", f"Acme {random_string(6)}"),
		}
	)
	doc.update(kwargs)
	return doc.insert()


def make_product(**kwargs):
	code = kwargs.pop("product_code", f"P-{random_string(8)}")
	doc = frappe.get_doc(
		{
			"doctype": "Sales Product",
			"product_code": code,
			"product_name": kwargs.pop("product_name", f"Product {code}"),
			"uom": kwargs.pop("uom", "Box"),
			"standard_rate": kwargs.pop("standard_rate", 100),
		}
	)
	doc.update(kwargs)
	return doc.insert()


def selling_doc(doctype: str, items: list[dict], insert: bool = True, **kwargs):
	"""A quotation, contract or order with the given item rows (each needs at least ``qty``)."""
	customer = kwargs.pop("customer", None) or make_customer().name
	rows = []
	for row in items:
		row = dict(row)
		if "product" not in row:
			# a valid product (standard rates are non_negative) even for a row whose own rate is bad
			rate = row.get("price_list_rate", 100)
			valid = isinstance(rate, int | float) and not isinstance(rate, bool) and 0 <= rate < 1e12
			row["product"] = make_product(standard_rate=rate if valid else 100).name
		rows.append(row)
	doc = frappe.get_doc({"doctype": doctype, "customer": customer, "items": rows, **kwargs})
	if doctype == "Sales Quotation":
		doc.title = doc.title or "Test quotation"
	return doc.insert() if insert else doc


def make_user(email: str, *roles: str):
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		)
		user.append_roles(*roles)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
	return email


def login_users(prefix: str, password: str, **roles) -> frappe._dict:
	"""Users who sign in over HTTP, unique per call: ``key=(role, …)`` → ``{key: email}``."""
	from frappe.utils.password import update_password

	tag = random_string(6).lower()
	users = frappe._dict()
	for key, user_roles in roles.items():
		users[key] = make_user(f"{prefix}-{key}-{tag}@example.com", *user_roles)
		update_password(users[key], password)
	return users


def make_department(manager: str, members: list[str], rate: float = 2):
	return frappe.get_doc(
		{
			"doctype": "Sales Department",
			"department_name": f"Dept {random_string(6)}",
			"manager": manager,
			"members": [{"user": m, "commission_rate": rate, "is_active": 1} for m in members],
		}
	).insert(ignore_permissions=True)


def sales_team(tag: str | None = None) -> frappe._dict:
	"""A salesperson, their manager and department, a director and an accountant."""
	tag = tag or random_string(5).lower()
	team = frappe._dict(
		sales=make_user(f"sales-{tag}@example.com", "Sales User"),
		other_sales=make_user(f"sales2-{tag}@example.com", "Sales User"),
		manager=make_user(f"manager-{tag}@example.com", "Sales User", "Sales Manager"),
		director=make_user(f"director-{tag}@example.com", "Sales User", "Sales Director"),
		accounts=make_user(f"accounts-{tag}@example.com", "Accounts User"),
	)
	team.department = make_department(team.manager, [team.sales, team.other_sales]).name
	return team


SALES_TABLES = (
	"Sales Customer",
	"Sales Lead",
	"Sales Opportunity",
	"Sales Opportunity Stage",
	"Sales Quotation",
	"Sales Quotation Item",
	"Sales Contract",
	"Sales Contract Item",
	"Customer Order",
	"Customer Order Item",
	"Sales Receivable",
	"Sales Receipt",
	"Sales Receipt Allocation",
	"ToDo",
)


def db_state() -> str:
	"""A digest of every row of the sales tables: equal digests mean nothing was written."""
	import hashlib

	digest = hashlib.sha256()
	for doctype in SALES_TABLES:
		rows = frappe.db.sql(f"select * from `tab{doctype}` order by name", as_list=True)
		digest.update(repr(rows).encode())
	return digest.hexdigest()


def sent_queries(run) -> list[tuple[str, object]]:
	"""``(query, values)`` of each SQL statement ``run()`` sends: every query Frappe and the app run goes
	through ``frappe.db.sql``."""
	sent = []
	original = frappe.db.sql

	def sql(query, values=(), *args, **kwargs):
		sent.append((str(query), values))
		return original(query, values, *args, **kwargs)

	frappe.db.sql = sql
	try:
		run()
	finally:
		frappe.db.sql = original
	return sent


def sent_statements(run) -> list[str]:
	"""The SQL statements ``run()`` sends, each on one line."""
	return [" ".join(query.split()) for query, _values in sent_queries(run)]


def deliver_all(order: str) -> None:
	"""Deliver what remains of an order (as Administrator): a receivable is posted only for delivered
	value unless Sales CRM Settings allow invoicing before delivery."""
	from sales_crm.flows.orders import deliver_order

	if frappe.db.get_value("Customer Order", order, "per_delivered") >= 100:
		return
	user = frappe.session.user
	frappe.set_user("Administrator")
	try:
		deliver_order(order)
	finally:
		frappe.set_user(user)


def pipeline(upto: str = "receivable", qty=(10, 4)) -> frappe._dict:
	"""Opportunity → quotation → contract → order → receivable, as Administrator, up to ``upto``."""
	from frappe.model.workflow import apply_workflow

	from sales_crm import api

	steps = ["opportunity", "quotation", "approved", "accepted", "contract", "order", "receivable"]
	out = frappe._dict()
	customer = make_customer()
	out.customer = customer.name
	products = [make_product(standard_rate=100).name, make_product(standard_rate=50).name]
	opportunity = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": f"Deal {random_string(5)}",
			"customer": customer.name,
			"items": [
				{"product": p, "qty": q, "rate": r} for p, q, r in zip(products, qty, (100, 50), strict=True)
			],
		}
	).insert()
	out.opportunity = opportunity.name
	if steps.index(upto) < 1:
		return out
	quotation = frappe.get_doc(api.make_quotation(opportunity.name))
	quotation.tax_rate = 0
	quotation.insert()
	out.quotation = quotation.name
	if steps.index(upto) < 2:
		return out
	quotation = apply_workflow(quotation, "Approve")
	if steps.index(upto) < 3:
		return out
	apply_workflow(quotation, "Customer Accepted")
	if steps.index(upto) < 4:
		return out
	contract = frappe.get_doc(api.make_contract(quotation.name)).insert()
	contract.submit()
	out.contract = contract.name
	if steps.index(upto) < 5:
		return out
	order = frappe.get_doc(api.make_order(contract.name)).insert()
	order.submit()
	out.order = order.name
	if steps.index(upto) < 6:
		return out
	deliver_all(order.name)
	out.receivable = api.invoice_order(order.name, f"INV-{random_string(6)}", "2026-11-01", 600)
	return out


def department_team(prefix: str, password: str) -> frappe._dict:
	"""Users ``sales`` and ``colleague`` (Sales Users of one department), ``manager``, ``director`` and
	``accounts``, signed in over HTTP with ``password``; the department (``department``) pays Basic 3 % per
	contract. The caller commits (the server is another process)."""
	team = login_users(
		prefix,
		password,
		sales=("Sales User",),
		colleague=("Sales User",),
		manager=("Sales User", "Sales Manager"),
		director=("Sales User", "Sales Director"),
		accounts=("Accounts User",),
	)
	department = make_department(team.manager, [team.sales, team.colleague], rate=0)
	department.basic_commission_rate = 3
	department.save(ignore_permissions=True)
	team.department = department.name
	return team


def hand_over(doctype: str, name: str, values: dict, **kwargs) -> None:
	"""A test's set-up moves a record to another salesperson without a client path (``frappe.db``), and
	keeps what the chain keeps with it: the rows that repeat the record's fields (``chain.ROW_CARRIES``),
	and what is kept of a submitted order (``sales_crm.kept``)."""
	from sales_crm import chain, kept

	kept.refresh(doctype, [name], sign=-1)  # what is kept of it moves with it
	frappe.db.set_value(doctype, name, values, **kwargs)
	if doctype in chain.ROW_CARRIES:
		table, _fields = chain.ROW_CARRIES[doctype]
		carried = chain.carried(doctype, frappe.db.get_value(doctype, name, "*", as_dict=True))
		child = frappe.get_meta(doctype).get_field(table).options
		frappe.db.set_value(child, {"parent": name, "parenttype": doctype}, carried, update_modified=False)
	customer = frappe.get_meta(doctype).has_field("customer") and frappe.db.get_value(
		doctype, name, "customer"
	)
	kept.refresh(doctype, [name], {"Sales Customer": [customer] if customer else []})
