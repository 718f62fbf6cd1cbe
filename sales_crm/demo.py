"""A realistic, deterministic demo dataset (``bench --site X sales-crm-demo --leads N --seed S``).

Masters (departments, salespeople, products) go through their controllers; the transactions — leads,
customers with their contacts and sites, opportunities with their stage history and follow-ups,
quotations, contracts, orders, receivables and receipts — are computed here with the app's own
arithmetic (``pricing``, ``status``, ``receivables``) and written as multi-row inserts, so 100 000 leads
load in minutes. Every figure the controllers keep is written consistent: receivable total = received +
write-off + outstanding, invoiced ≤ the order's grand total, a receivable's received amount = its
receipts' allocations. Each contract has the payment plan (回款计划) of its type's shipped template, dated by
its signing, its order's delivery and first invoice, and settled by what it collected.

Customers buy again the way customer mining (``docs/MINING.md``) assumes they do, so that mining has
something to find: each customer has a latent purchase rate λ ~ Gamma(r, α) a week and a dropout
probability p ~ Beta(a, b) after each purchase (BG/NBD), and a size (lognormal) that scales what they buy.
Their first order is the won opportunity's contract order, else a direct order soon after conversion;
repeat orders are direct orders until they drop out or the anchor date comes.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta

import frappe
from frappe.utils import add_days, flt, getdate, now_datetime

from sales_crm import chain, kept, rounding  # the pure rules round as System Settings say
from sales_crm.flows.collections import describe_lines, template_terms
from sales_crm.rules import collections as plan_rules
from sales_crm.rules import normalize, pricing
from sales_crm.rules.analysis import days_to_pay, ratio
from sales_crm.rules.commissions import accrual, outstanding
from sales_crm.rules.follow_ups import follow_up_status
from sales_crm.rules.pricing import document_totals, item_values
from sales_crm.rules.receivables import Balance, apply, invoiced_qty
from sales_crm.rules.status import (
	commission_status,
	contract_status,
	order_status,
	percent,
	receivable_status,
)

PREFIX = "DEMO"
SOURCES = (
	"Marketing Campaign",
	"Employee Referral",
	"800 Hotline",
	"Advertising Response",
	"Customer Referral",
)
SOURCE_WEIGHTS = (30, 15, 20, 25, 10)
INDUSTRIES = ("Manufacturing", "Retail", "Logistics", "Energy", "Healthcare", "Construction", "Food")
DEPARTMENTS = ("East China", "North China", "South China", "Key Accounts")
PRODUCTS = (  # code, name, uom, standard rate
	("DEMO-STEEL-DN50", "Steel tube DN50", "m", 38),
	("DEMO-STEEL-DN100", "Steel tube DN100", "m", 72),
	("DEMO-VALVE-G", "Gate valve", "pcs", 460),
	("DEMO-PUMP-C", "Centrifugal pump", "set", 5800),
	("DEMO-SENSOR-P", "Pressure sensor", "pcs", 950),
	("DEMO-CABLE-4", "Control cable 4-core", "m", 12.5),
	("DEMO-PANEL-X", "Control panel", "set", 14800),
	("DEMO-SERVICE", "Installation service", "day", 2200),
)
STAGES = (("Needs Tracking", 20), ("Solution Design", 40), ("Quotation", 60), ("Contract Signing", 80))
TAX_RATE = 13
# the shipped Payment Terms Template a contract's plan (回款计划) follows, by the contract's type: goods on 30/70
# (the rest 30 days after delivery), framework and service contracts keeping a retention payment for a year
PLAN_TEMPLATES = {"Standard": "30/70", "Framework": "30/60/10", "Service": "30/60/10"}
CHUNK = 2000
# BG/NBD's population: λ ~ Gamma(shape, scale) purchases a week (mean 0.2), p ~ Beta(a, b) (mean 1/7).
# Over the demo's 18 months a buying customer places about 4 orders (median 2, a tenth 10 or more).
RATE_SHAPE, RATE_SCALE = 1.0, 0.2
DROPOUT_A, DROPOUT_B = 1.0, 6.0
MAX_ORDERS = 60  # per customer: a runaway rate does not make one customer the whole dataset
FIRST_ORDER_SHARE = 0.85  # customers without a contract order who still buy (directly) after conversion
# a customer's size scales their quantities, lognormal(0, 1); the top tenth (size ≥ e^1.2816) is large
LARGE_SIZE = 3.6
SITE_TYPES = ("Office", "Plant", "Warehouse", "Shipping", "Billing", "Purchasing")
CITIES = (
	("Shanghai", "Shanghai", "200000"),
	("Suzhou", "Jiangsu", "215000"),
	("Hangzhou", "Zhejiang", "310000"),
	("Beijing", "Beijing", "100000"),
	("Tianjin", "Tianjin", "300000"),
	("Guangzhou", "Guangdong", "510000"),
	("Shenzhen", "Guangdong", "518000"),
	("Wuhan", "Hubei", "430000"),
	("Chengdu", "Sichuan", "610000"),
)
STREETS = ("Industrial Park Rd", "Century Ave", "Jiefang Rd", "Renmin Rd", "Science Park Blvd", "Harbour Rd")
SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu")
GIVEN_NAMES = ("Wei", "Fang", "Na", "Min", "Jing", "Lei", "Qiang", "Yan", "Jun", "Tao", "Hui", "Ping")
DESIGNATIONS = ("Purchasing Manager", "Engineer", "General Manager", "Finance", "Plant Manager", "Buyer")
FOLLOW_UP_TYPES = ("Call", "Call", "Call", "Visit", "Email", "Email", "Meeting", "Demo")
OUTCOMES = (
	"Discussed requirements and budget",
	"Sent the technical documentation",
	"Customer is comparing offers",
	"Agreed on the delivery schedule",
	"Clarified the quantities",
	"No answer, will call again",
	"Presented the product on site",
	"Negotiated the price",
)
NEXT_STEPS = (
	"Send a revised offer",
	"Call back",
	"Arrange a site visit",
	"Prepare a demo",
	"Wait for the tender",
)
CUSTOMER_OUTCOMES = (
	"Checked satisfaction with the last delivery",
	"Discussed next quarter's needs",
	"Handled a quality complaint",
	"Introduced the new product range",
)
# the receipt fields of issue 13 (advances, offsets, refunds, write-off approval), zero on a payment
CREDIT_ZEROS = {
	"unallocated_amount": 0,
	"offset_amount": 0,
	"refunded_amount": 0,
	"needs_write_off_approval": 0,
}
# what a receipt allocating nothing (an advance the demo offsets, a refund) keeps of its days to pay
UNALLOCATED = {"total_allocated_amount": 0, "allocated_days": 0, "days_to_pay": 0}


class Demo:
	def __init__(
		self,
		leads: int,
		seed: int = 42,
		anchor=None,
		salespeople_per_department: int = 5,
		commit: bool = True,
	):
		self.commit = commit
		self.leads = leads
		self.prefix = f"{PREFIX}{seed}"
		self.rng = random.Random(seed)
		# advances, offsets and refunds draw from their own stream: the rest of the data stays as it was
		self.credit_rng = random.Random(seed + 13)
		self.credit_customers: set[str] = set()
		# so do the delivery days and the payment plans
		self.plan_rng = random.Random(seed + 29)
		self.plan_terms: dict[str, list] = {}
		self.anchor = getdate(anchor) if anchor else getdate()
		self.per_department = salespeople_per_department
		self.rows: dict[str, list[dict]] = defaultdict(list)
		self.counters: dict[str, int] = defaultdict(int)
		self.currency = frappe.db.get_single_value("Sales CRM Settings", "company_currency") or "CNY"
		# the converted customer being written: its size, sites, contacts, purchase rhythm, first order
		self.profile: dict | None = None
		self.orders_per_customer: list[int] = []

	# ------------------------------------------------------------------ helpers
	def name(self, kind: str) -> str:
		self.counters[kind] += 1
		return f"{self.prefix}-{kind}-{self.counters[kind]:07d}"

	def moment(self, day, hour_from: int = 8, hour_to: int = 19) -> datetime:
		day = getdate(day)
		return datetime(
			day.year, day.month, day.day, self.rng.randint(hour_from, hour_to - 1), self.rng.randint(0, 59)
		)

	def later(self, start, low: int, high: int):
		"""A day ``low``–``high`` days after ``start``, or None when that lies after the anchor date."""
		# not add_days: its relativedelta costs more than the rest of this at a load's hundreds of thousands
		day = getdate(start) + timedelta(days=self.rng.randint(low, high))
		return day if day <= self.anchor else None

	def add(
		self, doctype: str, row: dict, created: datetime, docstatus: int = 0, owner: str = "Administrator"
	):
		row.setdefault("name", self.name(doctype.replace(" ", "")[:6].upper()))
		row.update(creation=created, modified=created, owner=owner, modified_by=owner, docstatus=docstatus)
		self.rows[doctype].append(row)
		return row

	def child(self, doctype: str, parent: dict, parenttype: str, parentfield: str, rows: list[dict]):
		for idx, row in enumerate(rows, 1):
			row.update(
				name=row.get("name") or self.name("ROW"),
				parent=parent["name"],
				parenttype=parenttype,
				parentfield=parentfield,
				idx=idx,
				creation=parent["creation"],
				modified=parent["modified"],
				owner=parent["owner"],
				modified_by=parent["owner"],
				docstatus=parent["docstatus"],
			)
			self.rows[doctype].append(row)

	# ------------------------------------------------------------------ masters (controllers)
	def masters(self):
		# a site's country is a Link: the system's, else China (both exist once the setup wizard ran)
		self.country = frappe.db.get_single_value("System Settings", "country") or "China"
		# a template the site removed or disabled plans nothing, as a contract saved without one
		for template in set(PLAN_TEMPLATES.values()):
			if frappe.db.get_value("Payment Terms Template", template, "disabled") == 0:
				self.plan_terms[template] = template_terms(template)
		self.products = []
		for code, product_name, uom, rate in PRODUCTS:
			if not frappe.db.exists("Sales Product", code):
				frappe.get_doc(
					{
						"doctype": "Sales Product",
						"product_code": code,
						"product_name": product_name,
						"uom": uom,
						"standard_rate": rate,
					}
				).insert(ignore_permissions=True)
			self.products.append((code, product_name, uom, rate))
		self.departments = {}
		for d, department in enumerate(DEPARTMENTS, 1):
			manager = self.user(f"demo-manager-{d}@example.com", "Sales User", "Sales Manager")
			people = [
				self.user(f"demo-sales-{d}-{i}@example.com", "Sales User")
				for i in range(1, self.per_department + 1)
			]
			name = f"{PREFIX} {department}"
			if not frappe.db.exists("Sales Department", name):
				frappe.get_doc(
					{
						"doctype": "Sales Department",
						"department_name": name,
						"manager": manager,
						"commission_basis": "Contract Amount",
						"members": [{"user": p, "commission_rate": 2, "is_active": 1} for p in people],
					}
				).insert(ignore_permissions=True)
			self.departments[name] = people
		self.user("demo-director@example.com", "Sales User", "Sales Director")
		self.user("demo-accounts@example.com", "Accounts User")

	def user(self, email: str, *roles: str) -> str:
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": email.split("@")[0],
					# set explicitly: under in_import Frappe leaves the field defaults (enabled = 1) unset
					"enabled": 1,
					"send_welcome_email": 0,
				}
			)
			user.append_roles(*roles)
			user.flags.no_welcome_mail = True
			# a bulk load, like a data import: Frappe's sign-up throttle (60 users an hour) does not apply
			in_import, frappe.flags.in_import = frappe.flags.in_import, True
			try:
				user.insert(ignore_permissions=True)
			finally:
				frappe.flags.in_import = in_import
		elif not frappe.db.get_value("User", email, "enabled"):
			# loaded before demo users were enabled: enable them, as the README promises
			frappe.db.set_value("User", email, "enabled", 1)
		return email

	# ------------------------------------------------------------------ transactions (computed)
	def items(self, exchange_rate: float, size: float = 1.0) -> list[dict]:
		rows = []
		for code, product_name, uom, rate in self.rng.sample(self.products, self.rng.randint(1, 3)):
			qty = max(1, round(self.rng.choice((1, 2, 5, 10, 20, 50, 100, 200)) * size))
			discount = self.rng.choice((0, 0, 0, 5, 10))
			price_list_rate = round(rate / exchange_rate, 2)
			values = item_values(qty, price_list_rate, discount, 0, exchange_rate)
			rows.append(
				{
					"product": code,
					"product_name": product_name,
					"uom": uom,
					"qty": qty,
					"price_list_rate": price_list_rate,
					"discount_percentage": discount,
					"rate": values.rate,
					"amount": values.amount,
					"base_rate": values.base_rate,
					"base_amount": values.base_amount,
				}
			)
		return rows

	def selling(
		self, doctype, created, docstatus, owner, base: dict, items: list[dict], item_doctype, extra_item=None
	):
		totals = document_totals([(r["qty"], r["amount"]) for r in items], TAX_RATE, base["exchange_rate"])
		row = {
			**base,
			"company_currency": self.currency,
			"tax_rate": TAX_RATE,
			"total_qty": totals.total_qty,
			"net_total": totals.net_total,
			"tax_amount": totals.tax_amount,
			"grand_total": totals.grand_total,
			"base_net_total": totals.base_net_total,
			"base_tax_amount": totals.base_tax_amount,
			"base_grand_total": totals.base_grand_total,
		}
		doc = self.add(doctype, row, created, docstatus, owner)
		carried = chain.carried(doctype, doc)
		self.child(
			item_doctype, doc, doctype, "items", [{**r, **(extra_item or {}), **carried} for r in items]
		)
		return doc

	def lead(self, department: str, people: list[str]):
		created = self.moment(add_days(self.anchor, -self.rng.randint(0, 540)))
		person = self.rng.choice(people)
		outcome = self.rng.choices(("Unassigned", "Assigned", "Converted", "Lost"), (12, 23, 45, 20))[0]
		company = f"{self.rng.choice(('Hua', 'Jin', 'Xin', 'Da', 'Tian', 'Hong'))}{self.rng.choice(('tai', 'feng', 'sheng', 'yuan', 'li'))} {self.rng.choice(INDUSTRIES)} Co. {self.counters['LEAD'] + 1}"
		lead = self.add(
			"Sales Lead",
			{
				"name": self.name("LEAD"),
				"naming_series": "LEAD-.YYYY.-",
				"company_name": company,
				"industry": self.rng.choice(INDUSTRIES),
				"contact_name": "Demo Contact",
				"phone": f"+86-21-{self.rng.randint(10000000, 99999999)}",
				"lead_source": self.rng.choices(SOURCES, SOURCE_WEIGHTS)[0],
				"origin": self.rng.choice(("Direct Entry", "Marketing Subsystem")),
				"status": outcome,
				"sales_department": department,
				"sales_person": None if outcome == "Unassigned" else person,
			},
			created,
			owner=person,
		)
		# the duplicate-matching keys the controller would store (bulk inserts skip it)
		lead.update(company_key=normalize.company_key(company), phone_key=normalize.phone_key(lead["phone"]))
		if outcome != "Unassigned":
			lead["assigned_on"] = created + timedelta(hours=self.rng.randint(1, 48))
		if outcome == "Lost":
			lead["lost_reason"] = self.rng.choice(("No budget", "Chose a competitor", "No response"))
		if outcome != "Converted":
			return
		converted_day = self.later(created, 1, 30)
		if not converted_day:
			lead["status"] = "Assigned"
			return
		converted_on = self.moment(converted_day)
		customer = self.add(
			"Sales Customer",
			{
				"name": self.name("CUST"),
				"naming_series": "CUST-.#####",
				"customer_name": company,
				"customer_type": "Company",
				"industry": lead["industry"],
				"phone": lead["phone"],
				"sales_person": person,
				"sales_department": department,
				"source_lead": lead["name"],
				"company_key": lead["company_key"],
				"phone_key": lead["phone_key"],
			},
			converted_on,
			owner=person,
		)
		lead.update(converted_on=converted_on, customer=customer["name"])
		self.profile = self.customer_profile(customer, person, department, converted_on)
		lead["opportunity"] = self.opportunity(lead, customer, person, department, converted_on)
		self.repeat_orders(converted_on)
		self.customer_follow_ups(converted_on)
		self.orders_per_customer.append(self.profile["orders"])
		self.profile = None

	# ------------------------------------------------------------------ the customer's life
	def customer_profile(self, customer, person, department, converted_on) -> dict:
		"""The customer's latent purchase rhythm and size, and its contacts and sites (written now)."""
		size = self.rng.lognormvariate(0, 1)
		profile = {
			"customer": customer,
			"person": person,
			"department": department,
			"size": size,
			"large": size >= LARGE_SIZE,
			"rate": max(self.rng.gammavariate(RATE_SHAPE, RATE_SCALE), 1e-6),
			"dropout": self.rng.betavariate(DROPOUT_A, DROPOUT_B),
			"currency": self.currency,
			"exchange_rate": 1.0,
			"first_order": None,
			"orders": 0,
		}
		profile["contacts"] = self.contacts(customer, person, converted_on)
		profile["sites"] = self.sites(customer, person, converted_on, profile["large"])
		return profile

	def link(self, parent: dict, parenttype: str, customer: dict) -> None:
		self.child(
			"Dynamic Link",
			parent,
			parenttype,
			"links",
			[
				{
					"link_doctype": "Sales Customer",
					"link_name": customer["name"],
					"link_title": customer["customer_name"],
				}
			],
		)

	def contacts(self, customer, person, created) -> list[dict]:
		"""1–3 Contacts of the customer, each with its e-mail and mobile rows (a Contact's e-mail and
		phone fields are its primary rows': a later save would empty fields without rows)."""
		written = []
		for index in range(self.rng.randint(1, 3)):
			first, last = self.rng.choice(GIVEN_NAMES), self.rng.choice(SURNAMES)
			mobile = f"+86-1{self.rng.randint(30, 89)}{self.rng.randint(10000000, 99999999)}"
			email = f"{first}.{last}.{self.counters['CONTACT'] + 1}@example.com".lower()
			contact = self.add(
				"Contact",
				{
					"name": self.name("CONTACT"),
					"first_name": first,
					"last_name": last,
					"full_name": f"{first} {last}",
					"designation": self.rng.choice(DESIGNATIONS),
					"company_name": customer["customer_name"],
					"email_id": email,
					"mobile_no": mobile,
					"status": "Passive",
					"is_primary_contact": int(index == 0),
					"unsubscribed": 0,
				},
				created,
				owner=person,
			)
			self.child(
				"Contact Email", contact, "Contact", "email_ids", [{"email_id": email, "is_primary": 1}]
			)
			self.child(
				"Contact Phone",
				contact,
				"Contact",
				"phone_nos",
				[{"phone": mobile, "is_primary_phone": 0, "is_primary_mobile_no": 1}],
			)
			self.link(contact, "Contact", customer)
			written.append(contact)
		return written

	def sites(self, customer, person, created, large: bool) -> list[dict]:
		"""A large customer's 2–6 sites, another's 0–1 (Addresses linked to the customer)."""
		written = []
		for index in range(self.rng.randint(2, 6) if large else self.rng.randint(0, 1)):
			city, state, pincode = self.rng.choice(CITIES)
			kind = "Office" if index == 0 else self.rng.choice(SITE_TYPES[1:])
			title = f"{customer['customer_name']} {city} {kind}"
			line = f"{self.rng.randint(1, 999)} {self.rng.choice(STREETS)}"
			site = self.add(
				"Address",
				{
					"name": self.name("SITE"),
					"address_title": title,
					"address_type": kind,
					"address_line1": line,
					"city": city,
					"state": state,
					"pincode": pincode,
					"country": self.country,
					"phone": customer["phone"],
					"is_primary_address": int(index == 0),
					"is_shipping_address": int(kind in ("Plant", "Warehouse", "Shipping")),
					"is_your_company_address": 0,
					"disabled": 0,
				},
				created,
				owner=person,
			)
			# what contacts.address_text makes of it, for the orders' delivery address
			site["_text"] = "\n".join((title, line, f"{city} {state} {pincode}", self.country))
			self.link(site, "Address", customer)
			written.append(site)
		return written

	def party(self, base: dict) -> None:
		"""An order's contact and site: a large customer's orders go to any of its sites, another's to
		its one site if it has one."""
		profile = self.profile
		contact = self.rng.choice(profile["contacts"])
		base.update(
			contact=contact["name"], contact_person=f"{contact['full_name']} {contact['designation']}"
		)
		if profile["sites"]:
			site = self.rng.choice(profile["sites"])
			base.update(customer_address=site["name"], delivery_address=site["_text"])

	def repeat_orders(self, converted_on) -> None:
		"""BG/NBD's story: after each purchase the customer drops out with probability p; while alive
		the next purchase comes after an exponential wait of rate λ; no order after the anchor date."""
		profile = self.profile
		last = profile["first_order"]
		if last is None:
			day = self.later(converted_on, 3, 40) if self.rng.random() < FIRST_ORDER_SHARE else None
			if not day:
				return
			last = self.moment(day)
			self.direct_order(last)
		while profile["orders"] < MAX_ORDERS and self.rng.random() >= profile["dropout"]:
			# capped: a rate near 0 would overflow timedelta, and any wait past the anchor ends it alike
			wait = min(self.rng.expovariate(profile["rate"]) * 7, 10_000)
			day = (last + timedelta(days=wait)).date()
			if day > self.anchor:
				return
			last = self.moment(day)
			self.direct_order(last)

	def direct_order(self, created) -> None:
		profile = self.profile
		base = {
			"name": self.name("ORD"),
			"naming_series": "ORD-.YYYY.-",
			"order_date": created.date(),
			"order_type": "Standard",
			"order_source": "Direct",
			"customer": profile["customer"]["name"],
			"sales_mode": self.rng.choice(("Direct", "Distribution", "Online")),
			"delivery_method": self.rng.choice(("Own Delivery", "Customer Pickup", "Courier")),
			"settlement_method": self.rng.choice(("Bank Transfer", "Bank Transfer", "Cheque", "Credit")),
			"credit_days": 30,
			"delivery_date": add_days(created.date(), 14),
			"currency": profile["currency"],
			"exchange_rate": profile["exchange_rate"],
			"sales_person": profile["person"],
			"sales_department": profile["department"],
		}
		self.write_order(base, self.items(profile["exchange_rate"], profile["size"]), created)

	# ------------------------------------------------------------------ follow-ups
	def follow_up(self, day, party: str, outcome: str, next_day=None, status="Closed", **links) -> None:
		profile = self.profile
		kind = self.rng.choice(FOLLOW_UP_TYPES)
		contact = self.rng.choice(profile["contacts"])
		self.add(
			"Sales Follow Up",
			{
				"name": self.name("FU"),
				"naming_series": "FU-.YYYY.-",
				"follow_up_type": kind,
				"follow_up_date": day,
				"status": status,
				"title": f"{kind}: {party}"[:140],
				"customer": profile["customer"]["name"],
				"party_name": party,
				"contact_person": contact["full_name"],
				"outcome": outcome,
				"next_step": self.rng.choice(NEXT_STEPS) if next_day else None,
				"next_follow_up_date": next_day,
				"sales_person": profile["person"],
				"sales_department": profile["department"],
				**links,
			},
			self.moment(day),
			owner=profile["person"],
		)

	def opportunity_follow_ups(self, opp, history, created) -> None:
		"""0–5 follow-ups across the opportunity's life: up to its signing, a while after its last stage
		when lost, up to half a year when still open. Each but the last planned the next one, which closed
		it; the last of an open opportunity plans one more (Open, or Overdue once its day has passed)."""
		start = created.date()
		if opp["status"] == "Won":
			end = getdate(history[-1]["entered_on"])
		elif opp["status"] == "Lost":
			end = add_days(getdate(history[-1]["entered_on"]), self.rng.randint(0, 20))
		else:
			end = add_days(start, 180)
		span = max((min(end, self.anchor) - start).days, 0)
		days = sorted(add_days(start, self.rng.randint(0, span)) for _ in range(self.rng.randint(0, 5)))
		for index, day in enumerate(days):
			last = index == len(days) - 1
			next_day = days[index + 1] if not last else None
			if last and opp["status"] == "Open":
				next_day = add_days(day, self.rng.randint(3, 21))
			self.follow_up(
				day,
				opp["opportunity_name"],
				self.rng.choice(OUTCOMES),
				next_day,
				follow_up_status(next_day, self.anchor, closed=not last),
				opportunity=opp["name"],
			)

	def customer_follow_ups(self, converted_on) -> None:
		"""For about a third of the customers, 1–3 done follow-ups since conversion, a large customer's
		often about one of its sites."""
		if self.rng.random() >= 0.3:
			return
		profile = self.profile
		customer = profile["customer"]
		span = (self.anchor - converted_on.date()).days
		for _ in range(self.rng.randint(1, 3)):
			day = add_days(converted_on.date(), self.rng.randint(0, span))
			site = self.rng.choice(profile["sites"]) if profile["large"] and self.rng.random() < 0.5 else None
			self.follow_up(
				day,
				customer["customer_name"],
				self.rng.choice(CUSTOMER_OUTCOMES),
				customer_address=site["name"] if site else None,
			)

	def opportunity(self, lead, customer, person, department, created) -> str:
		foreign = self.rng.random() < 0.1
		currency, exchange_rate = ("USD", 7.1) if foreign else (self.currency, 1.0)
		# the customer keeps buying in its opportunity's currency
		self.profile.update(currency=currency, exchange_rate=exchange_rate)
		items = self.items(exchange_rate, self.profile["size"])
		expected = sum(r["amount"] for r in items)
		fate = self.rng.choices(("open", "quote", "lost"), (30, 50, 20))[0]
		reached = self.rng.randint(0, 1) if fate != "quote" else 2
		opp = self.add(
			"Sales Opportunity",
			{
				"name": self.name("OPP"),
				"naming_series": "OPP-.YYYY.-",
				"opportunity_name": f"{customer['customer_name']} — {items[0]['product_name']}",
				"customer": customer["name"],
				"sales_lead": lead["name"],
				"status": "Lost" if fate == "lost" else "Open",
				"lost_reason": "Lost to a competitor" if fate == "lost" else None,
				"sales_method": "Standard",
				"currency": currency,
				"exchange_rate": exchange_rate,
				"company_currency": self.currency,
				"expected_revenue": expected,
				"base_expected_revenue": flt(expected * exchange_rate, 2),  # as the controller rounds it
				"won_amount": 0,
				"sales_person": person,
				"sales_department": department,
				"expected_close_date": add_days(created.date(), 60),
			},
			created,
			owner=person,
		)
		self.child(
			"Sales Opportunity Item",
			opp,
			"Sales Opportunity",
			"items",
			[{k: r[k] for k in ("product", "product_name", "uom", "qty", "rate", "amount")} for r in items],
		)
		history, entered = [], created
		quotation = None
		for index in range(reached + 1):
			history.append(
				{
					"stage": STAGES[index][0],
					"probability": STAGES[index][1],
					"entered_on": entered,
					"changed_by": person,
				}
			)
			if index < reached:
				day = self.later(entered, 2, 25)
				if not day:
					break
				entered = self.moment(day)
				history[-1]["left_on"] = entered
		if fate == "quote" and history[-1]["stage"] == "Quotation":
			quotation = self.quotation(opp, customer, person, department, items, entered)
		signed = quotation.pop("_contract_signed", None) if quotation else None
		if signed:
			history[-1]["left_on"] = signed
			history.append(
				{"stage": "Contract Signing", "probability": 80, "entered_on": signed, "changed_by": person}
			)
		opp["sales_stage"], opp["probability"] = history[-1]["stage"], history[-1]["probability"]
		self.child("Sales Opportunity Stage", opp, "Sales Opportunity", "stage_history", history)
		self.opportunity_follow_ups(opp, history, created)
		return opp["name"]

	def quotation(self, opp, customer, person, department, items, created):
		status = self.rng.choices(("Quoting", "Approved", "Accepted", "Rejected"), (10, 10, 60, 20))[0]
		base = {
			"name": self.name("QTN"),
			"naming_series": "QTN-.YYYY.-",
			"title": opp["opportunity_name"],
			"customer": customer["name"],
			"opportunity": opp["name"],
			"status": status,
			"version": 1,
			"transaction_date": created.date(),
			"valid_till": add_days(created.date(), 30),
			"currency": opp["currency"],
			"exchange_rate": opp["exchange_rate"],
			"sales_person": person,
			"sales_department": department,
		}
		if status != "Quoting":
			approved_on = created + timedelta(hours=self.rng.randint(1, 96))
			if approved_on.date() > self.anchor:
				status = base["status"] = "Quoting"
			else:
				base.update(approved_by="demo-director@example.com", approved_on=approved_on)
		quotation = self.selling(
			"Sales Quotation",
			created,
			0 if status == "Quoting" else 1,
			person,
			base,
			items,
			"Sales Quotation Item",
		)
		if status == "Rejected":
			opp.update(status="Lost", lost_reason="Quotation rejected")
		if status == "Accepted" and self.rng.random() < 0.85:
			day = self.later(created, 3, 30)
			if day:
				signed = self.moment(day)
				contract = self.contract(opp, quotation, items, signed)
				quotation["_contract_signed"] = signed
				opp.update(status="Won", won_amount=contract["grand_total"])
		return quotation

	def contract(self, opp, quotation, items, signed):
		person = quotation["sales_person"]
		base = {
			"name": self.name("CON"),
			"naming_series": "CON-.YYYY.-",
			"contract_type": self.rng.choice(("Standard", "Standard", "Framework", "Service")),
			"customer": quotation["customer"],
			"quotation": quotation["name"],
			"opportunity": opp["name"],
			"signed_on": signed.date(),
			"start_date": signed.date(),
			"end_date": add_days(signed.date(), 365),
			"currency": quotation["currency"],
			"exchange_rate": quotation["exchange_rate"],
			"commission_rate": 2,
			"sales_person": person,
			"sales_department": quotation["sales_department"],
		}
		ordered = self.rng.random() < 0.9
		contract = self.selling(
			"Sales Contract", signed, 1, person, base, items, "Sales Contract Item", {"ordered_qty": 0}
		)
		contract["total_commission"] = round(contract["grand_total"] * 0.02, 2)
		contract.update(per_ordered=0, per_collected=0, collected_amount=0, base_collected_amount=0)
		order = None
		if ordered:
			day = self.later(signed, 0, 20)
			if day:
				order = self.order(contract, items, self.moment(day))
		self.payment_plan(contract, order)
		contract["status"] = contract_status(1, contract["per_ordered"], contract["per_collected"])
		self.commissions(contract, signed)
		return contract

	def commissions(self, contract, signed):
		"""The contract's Basic salesperson commission (accrued on signing, paid after a while) and, for
		some customers, a customer commission."""
		accrued = accrual(contract["base_grand_total"], 2)
		paid = accrued if self.later(signed, 30, 30) and self.rng.random() < 0.6 else 0.0
		commission = self.add(
			"Salesperson Commission",
			{
				"name": self.name("SPC"),
				"naming_series": "SPC-.YYYY.-",
				"commission_name": f"Basic commission on {contract['name']}",
				"commission_type": "Basic",
				"sales_person": contract["sales_person"],
				"sales_department": contract["sales_department"],
				"commission_date": signed.date(),
				"sales_contract": contract["name"],
				"contract_type": contract["contract_type"],
				"contract_amount": contract["base_grand_total"],
				"currency": self.currency,
				"commission_basis": "Contract Amount",
				"base_amount": contract["base_grand_total"],
				"commission_rate": 2,
				"accrued_amount": accrued,
				"paid_amount": paid,
				"outstanding_amount": outstanding(accrued, paid),
			},
			signed,
			1,
		)
		commission["status"] = commission_status(1, accrued, paid)
		if self.rng.random() < 0.15:
			status = self.rng.choice(("Drafting", "Under Approval", "Executing", "Closed"))
			sales = contract["grand_total"]
			amount = round(sales * 0.03, 2)
			self.add(
				"Customer Commission",
				{
					"name": self.name("CC"),
					"naming_series": "CC-.YYYY.-",
					"commission_name": f"Rebate on {contract['name']}",
					"status": status,
					"from_date": signed.date(),
					"to_date": add_days(signed.date(), 365),
					"sales_contract": contract["name"],
					"customer": contract["customer"],
					"sales_person": contract["sales_person"],
					"sales_department": contract["sales_department"],
					"currency": contract["currency"],
					"sales_amount": sales,
					"customer_paid_amount": round(sales * contract["per_collected"] / 100, 2),
					"commission_basis": "Sales Amount",
					"commission_rate": 3,
					"commission_amount": amount,
					"commission_paid_amount": amount if status == "Closed" else 0,
				},
				signed,
			)

	def order(self, contract, items, created):
		person = contract["sales_person"]
		base = {
			"name": self.name("ORD"),
			"naming_series": "ORD-.YYYY.-",
			"order_date": created.date(),
			"order_type": "Standard",
			"order_source": "Contract",
			"customer": contract["customer"],
			"sales_contract": contract["name"],
			"quotation": contract["quotation"],
			"opportunity": contract["opportunity"],
			"sales_mode": self.rng.choice(("Direct", "Distribution", "Online")),
			"delivery_method": self.rng.choice(("Own Delivery", "Customer Pickup", "Courier")),
			"settlement_method": self.rng.choice(("Bank Transfer", "Bank Transfer", "Cheque", "Credit")),
			"credit_days": 30,
			"delivery_date": add_days(created.date(), 14),
			"currency": contract["currency"],
			"exchange_rate": contract["exchange_rate"],
			"sales_person": person,
			"sales_department": contract["sales_department"],
		}
		contract_rows = self.rows["Sales Contract Item"][-len(items) :]
		for row in contract_rows:
			row["ordered_qty"] = row["qty"]
		contract["per_ordered"] = 100
		order = self.write_order(base, items, created)
		received = order["received_amount"]
		# each order row names the contract row it orders: ordered_qty is their sum (chain.ROLLUPS)
		for row, contract_row in zip(
			self.rows["Customer Order Item"][-len(items) :], contract_rows, strict=True
		):
			row["contract_item"] = contract_row["name"]
		contract["collected_amount"] = round(received, 2)
		contract["base_collected_amount"] = round(received * flt(contract["exchange_rate"]), 2)
		contract["per_collected"] = percent(received, contract["grand_total"])
		return order

	def payment_plan(self, contract, order) -> None:
		"""The contract's plan from its type's template: dated by its signing and by its order's delivery
		and first invoice as they happened (a line whose event has not happened waits, undated), and settled
		by what the contract collected, oldest due first, as the chain keeps a plan (no receipt names a line)."""
		template = PLAN_TEMPLATES.get(contract["contract_type"])
		terms = self.plan_terms.get(template)
		if not terms:
			return
		bases = {
			plan_rules.SIGNING: contract["signed_on"],
			plan_rules.DELIVERY: order and order["_delivered_on"],
			plan_rules.INVOICE: order and order["_invoiced_on"],
		}
		lines = plan_rules.generate(terms, contract["grand_total"], 2, bases)
		rows = plan_lines(lines, contract["collected_amount"], self.anchor)
		for idx, row in enumerate(rows, 1):
			row["name"] = f"{contract['name']}-PL{idx}"
		self.child("Sales Payment Plan Line", contract, "Sales Contract", "payment_plan", rows)
		contract["payment_terms_template"] = template
		contract["payment_terms"] = describe_lines(rows, 2)

	def write_order(self, base: dict, items: list[dict], created) -> dict:
		"""A submitted order to the customer's contact and site, delivered, invoiced and paid as it
		happens; returns it (``_delivered_on`` and ``_invoiced_on``, its first delivery's and invoice's days,
		are not stored: they date a contract's plan)."""
		self.party(base)
		self.profile["orders"] += 1
		self.profile["first_order"] = self.profile["first_order"] or created
		person = base["sales_person"]
		order = self.selling("Customer Order", created, 1, person, base, items, "Customer Order Item")
		order_items = self.rows["Customer Order Item"][-len(items) :]
		delivered = self.rng.random() < 0.8
		for row in order_items:
			row["delivered_qty"] = row["qty"] if delivered else 0
		# invoices: all, half or nothing, in one or two receivables
		plan = self.rng.choices(("full", "half", "none"), (80, 10, 10))[0]
		grand = order["grand_total"]
		amounts = []
		if plan == "full":
			amounts = (
				[grand]
				if self.rng.random() < 0.7
				else [round(grand * 0.6, 2), round(grand - round(grand * 0.6, 2), 2)]
			)
		elif plan == "half":
			amounts = [round(grand / 2, 2)]
		if amounts and not delivered:
			# a receivable is formed once the sale is realised (销售实现, 开出发票): what is invoiced was delivered
			delivered = True
			for row in order_items:
				row["delivered_qty"] = row["qty"]
		invoiced = received = 0.0
		day = created.date()
		order["_invoiced_on"] = None
		for amount in amounts:
			day = self.later(day, 0, 20)
			if not day:
				break
			receivable = self.receivable(order, amount, day)
			order["_invoiced_on"] = order["_invoiced_on"] or day
			invoiced += amount
			received += receivable["received_amount"]
		order["_delivered_on"] = None
		if delivered:
			# on or before the first invoice; else within the two weeks promised, by the anchor date
			last = order["_invoiced_on"] or min(created.date() + timedelta(days=14), self.anchor)
			order["_delivered_on"] = created.date() + timedelta(
				days=self.plan_rng.randint(0, max((last - created.date()).days, 0))
			)
		order["invoiced_amount"] = round(invoiced, 2)
		order["per_invoiced"] = percent(invoiced, grand)
		order["per_delivered"] = 100 if delivered else 0
		order["received_amount"] = round(received, 2)
		order["per_collected"] = percent(received, grand)
		order["status"] = order_status(1, order["per_delivered"], order["per_invoiced"])
		for row in order_items:
			row["invoiced_qty"] = invoiced_qty(row["qty"], invoiced, grand)
		return order

	def receivable(self, order, amount: float, invoice_date):
		person = order["sales_person"]
		rate = order["exchange_rate"]
		due = None if self.rng.random() < 0.05 else add_days(invoice_date, 30)
		receivable = self.add(
			"Sales Receivable",
			{
				"name": self.name("AR"),
				"naming_series": "AR-.YYYY.-",
				"posting_date": invoice_date,
				"customer": order["customer"],
				"description": f"Invoice for order {order['name']}",
				"due_date": due,
				"invoice_no": f"{self.prefix}-INV-{self.counters['AR']:07d}",
				"invoice_date": invoice_date,
				"customer_order": order["name"],
				"sales_contract": order.get("sales_contract"),
				"opportunity": order.get("opportunity"),
				"currency": order["currency"],
				"exchange_rate": rate,
				"company_currency": self.currency,
				"settlement_method": order["settlement_method"],
				"total_amount": amount,
				"base_total_amount": round(amount * rate, 2),
				"sales_person": person,
				"sales_department": order["sales_department"],
			},
			self.moment(invoice_date),
			1,
			"demo-accounts@example.com",
		)
		balance = Balance(amount, 0, 0)
		fate = self.rng.choices(("paid", "partly", "unpaid"), (60, 20, 20))[0]
		pay_day = self.later(invoice_date, 3, 90) if fate != "unpaid" else None
		if pay_day:
			allocated = amount if fate == "paid" else round(amount * self.rng.choice((0.3, 0.5, 0.7)), 2)
			write_off = 0.0
			if fate == "paid" and self.rng.random() < 0.05:
				write_off = min(round(amount * 0.01, 2), amount)
				allocated = round(amount - write_off, 2)
			balance = apply(balance, allocated, write_off)
			self.settle(receivable, order, allocated, write_off, pay_day)
		receivable.update(
			received_amount=balance.received,
			write_off_amount=balance.write_off,
			outstanding_amount=balance.outstanding,
			base_outstanding_amount=round(balance.outstanding * rate, 2),
			status=receivable_status(balance.outstanding),
			is_overdue=int(balance.outstanding > 0 and due is not None and due < self.anchor),
			# its one allocation's date (chain.ROLLUPS)
			first_settled_on=pay_day,
			last_settled_on=pay_day,
		)
		return receivable

	def receipt(self, receivable, order, allocated: float, write_off: float, day):
		rate = receivable["exchange_rate"]
		invoiced_on = getdate(receivable["invoice_date"] or receivable["posting_date"])
		total_allocated, allocated_days = days_to_pay(getdate(day), [(allocated, invoiced_on)])
		receipt = self.add(
			"Sales Receipt",
			{
				"name": self.name("RCPT"),
				"naming_series": "RCPT-.YYYY.-",
				"receipt_date": day,
				"receipt_type": "Payment",
				"customer": receivable["customer"],
				"customer_order": order["name"],
				"sales_contract": order.get("sales_contract"),
				"currency": receivable["currency"],
				"exchange_rate": rate,
				"company_currency": self.currency,
				"receivable_amount": receivable["total_amount"],
				"previously_received": 0,
				"outstanding_before": receivable["total_amount"],
				"paid_amount": allocated,
				"write_off_amount": write_off,
				"total_amount": round(allocated + write_off, 2),
				"base_paid_amount": round(allocated * rate, 2),
				"total_allocated_amount": total_allocated,
				"allocated_days": allocated_days,
				"days_to_pay": ratio(allocated_days, total_allocated, 1),
				"sales_person": receivable["sales_person"],
				"sales_department": receivable["sales_department"],
			},
			self.moment(day),
			1,
			"demo-accounts@example.com",
		)
		self.child(
			"Sales Receipt Allocation",
			receipt,
			"Sales Receipt",
			"allocations",
			[
				{
					"sales_receivable": receivable["name"],
					"invoice_no": receivable["invoice_no"],
					"customer_order": order["name"],
					"sales_contract": order.get("sales_contract"),
					"outstanding_amount": receivable["total_amount"],
					"allocated_amount": allocated,
					"write_off_amount": write_off,
					**chain.carried("Sales Receipt", receipt),
				}
			],
		)

	# ------------------------------------------------------------------ advances, offsets, refunds
	def settle(self, receivable, order, allocated: float, write_off: float, day):
		"""A receipt; for about 3 % of the payments without write-off, an advance received before the
		invoice (up to 30 % more than is owed) offset against it (冲款), part of the rest refunded now and
		then. The receivable's figures are the same either way."""
		if write_off or self.credit_rng.random() >= 0.03:
			self.receipt(receivable, order, allocated, write_off, day)
			self.rows["Sales Receipt"][-1].update(CREDIT_ZEROS)  # a bulk insert writes every column
			return
		rate = receivable["exchange_rate"]
		paid = round(allocated * self.credit_rng.choice((1, 1, 1.1, 1.3)), 2)
		received_on = add_days(receivable["invoice_date"], -self.credit_rng.randint(1, 20))
		common = {
			**CREDIT_ZEROS,
			"customer": receivable["customer"],
			"currency": receivable["currency"],
			"exchange_rate": rate,
			"company_currency": self.currency,
			"sales_person": receivable["sales_person"],
			"sales_department": receivable["sales_department"],
		}
		receipt_zeros = {
			"receivable_amount": 0,
			"previously_received": 0,
			"outstanding_before": 0,
			"write_off_amount": 0,
		}
		advance = self.add(
			"Sales Receipt",
			{
				"name": self.name("ADV"),
				"naming_series": "RCPT-.YYYY.-",
				"receipt_date": received_on,
				"receipt_type": "Advance",
				"paid_amount": paid,
				"total_amount": paid,
				"base_paid_amount": round(paid * rate, 2),
				**common,
				**receipt_zeros,
				**UNALLOCATED,
				"offset_amount": allocated,
			},
			self.moment(received_on),
			1,
			"demo-accounts@example.com",
		)
		offset = self.add(
			"Sales Credit Offset",
			{
				"name": self.name("OFS"),
				"naming_series": "OFS-.YYYY.-",
				"posting_date": day,
				"credit_receipt": advance["name"],
				"credit_available": paid,
				"total_amount": allocated,
				"base_total_amount": round(allocated * rate, 2),
				**{k: v for k, v in common.items() if k not in CREDIT_ZEROS},
			},
			self.moment(day),
			1,
			"demo-accounts@example.com",
		)
		self.child(
			"Sales Receipt Allocation",
			offset,
			"Sales Credit Offset",
			"allocations",
			[
				{
					"sales_receivable": receivable["name"],
					"invoice_no": receivable["invoice_no"],
					"customer_order": order["name"],
					"sales_contract": order.get("sales_contract"),
					"outstanding_amount": receivable["total_amount"],
					"allocated_amount": allocated,
					"write_off_amount": 0,
					**chain.carried("Sales Credit Offset", offset),
				}
			],
		)
		left = round(paid - allocated, 2)
		refund_day = self.later(day, 1, 30)
		refunded = round(left / 2, 2) if left > 0 and refund_day and self.credit_rng.random() < 0.3 else 0
		if refunded:
			self.add(
				"Sales Receipt",
				{
					"name": self.name("RFD"),
					"naming_series": "RCPT-.YYYY.-",
					"receipt_date": refund_day,
					"receipt_type": "Refund",
					"against_receipt": advance["name"],
					"paid_amount": refunded,
					"total_amount": refunded,
					"base_paid_amount": round(refunded * rate, 2),
					**common,
					**receipt_zeros,
					**UNALLOCATED,
				},
				self.moment(refund_day),
				1,
				"demo-accounts@example.com",
			)
		advance.update(refunded_amount=refunded, unallocated_amount=round(left - refunded, 2))
		self.credit_customers.add(receivable["customer"])

	def finish_credit(self):
		"""The customers' ``credit_balance`` from their advances (written above), once they are stored."""
		from sales_crm.chain import recompute_credit_balance

		customers = sorted(self.credit_customers)
		for start in range(0, len(customers), CHUNK):
			recompute_credit_balance(customers[start : start + CHUNK])
		if self.commit:
			frappe.db.commit()  # nosemgrep

	# ------------------------------------------------------------------ writing
	def generate(self, progress: Callable[[int], None] | None = None):
		# the rounding method read once, not at each of the load's million roundings (a System Settings
		# look-up each)
		method = rounding.site_rounding_method()
		pricing.follow_rounding_method(lambda: method)
		try:
			self.generate_leads(progress)
		finally:
			pricing.follow_rounding_method(rounding.site_rounding_method)

	def generate_leads(self, progress: Callable[[int], None] | None):
		departments = list(self.departments.items())
		for i in range(self.leads):
			department, people = departments[i % len(departments)]
			self.lead(department, people)
			if progress and (i + 1) % 500 == 0:
				progress(500)
			if sum(len(v) for v in self.rows.values()) >= 50 * CHUNK:
				self.flush()
		if progress:
			progress(self.leads % 500)
		self.flush()
		# what a save fetches from the customer (the records' titles), set once for the bulk-inserted rows
		from sales_crm.patches.v1.fill_customer_names import fill_customer_names

		fill_customer_names()
		chain.fill_attribution()  # what a save carries from the lead (the deals' lead source)
		if self.commit:
			frappe.db.commit()  # nosemgrep

	def flush(self):
		for doctype, rows in self.rows.items():
			if not rows:
				continue
			columns = {"name", "creation", "modified", "owner", "modified_by", "docstatus"}
			valid = {df.fieldname for df in frappe.get_meta(doctype).fields} | columns
			valid |= {"parent", "parenttype", "parentfield", "idx"}
			fields = sorted({key for row in rows for key in row if key in valid})
			insert(doctype, fields, [[row.get(f) for f in fields] for row in rows])
		# written past the controllers: what is kept of the submitted documents (a customer's first order,
		# the monthly figures), here
		for doctype in sorted(kept.sources()):
			posted = [row for row in self.rows.get(doctype, ()) if row.get("docstatus") == 1]
			if posted:
				kept.refresh(doctype, [row["name"] for row in posted], kept.targets_of(doctype, posted))
		self.rows.clear()
		if self.commit:
			# a bulk load commits chunk by chunk, as Data Import does: one transaction would grow unbounded
			frappe.db.commit()  # nosemgrep


def plan_lines(lines: list, collected, today) -> list[dict]:
	"""The rows of a submitted plan of ``lines`` (``rules.collections.generate``) settled by ``collected``,
	as ``flows.collections.settle_lines`` settles them when no receipt named a line."""
	settled = plan_rules.settle(
		[(line.amount, line.due_date, idx) for idx, line in enumerate(lines, 1)], collected, today
	)
	return [
		{
			"label": line.label,
			"share": line.share,
			"due_rule": line.due_rule,
			"days": line.days,
			"due_date": line.due_date,
			"amount": float(line.amount),
			"named_amount": 0,
			"received_amount": done.received,
			"outstanding_amount": done.outstanding,
			"status": done.status,
		}
		for line, done in zip(lines, settled, strict=True)
	]


def insert(doctype: str, fields: list[str], values: list[list]) -> None:
	"""``frappe.db.bulk_insert``'s multi-row INSERT without pypika, whose building of the statement cost
	more than the database's own work (about two thirds of a load's time). The values are quoted as the
	driver quotes them (``literal``)."""
	head = f"insert into `tab{doctype}` ({', '.join(f'`{field}`' for field in fields)}) values "
	literal = literals(frappe.db._conn)
	for start in range(0, len(values), CHUNK):
		rows = (f"({', '.join([literal(value) for value in row])})" for row in values[start : start + CHUNK])
		frappe.db.sql(head + ", ".join(rows))


def literals(connection) -> Callable[[object], str]:
	"""pymysql's quoting (``connection.literal``) of the demo's value types, without its generic dispatch
	(several calls a value, millions of values a load); any other type goes to the driver."""
	from pymysql.converters import escape_date, escape_datetime, escape_float

	escape_string, other = connection.escape_string, connection.literal

	def literal(value) -> str:
		if value is None:
			return "NULL"
		kind = type(value)
		if kind is str:
			return "'" + escape_string(value) + "'"  # honours NO_BACKSLASH_ESCAPES, as the driver does
		if kind is int:
			return str(value)
		if kind is float:
			return escape_float(value)
		if kind is datetime:
			return escape_datetime(value)
		if kind is date:
			return escape_date(value)
		return other(value)

	return literal


def make_demo(leads: int = 1000, seed: int = 42, anchor=None, progress=None, commit: bool = True) -> dict:
	"""Load the demo dataset into the connected site; returns how many of each record were written.
	``commit=False`` leaves the transaction open (tests roll it back)."""
	demo = Demo(leads, seed, anchor, commit=commit)
	if frappe.db.exists("Sales Lead", demo.prefix + "-LEAD-0000001"):
		frappe.throw(
			frappe._("The demo data of seed {0} is already loaded; choose another --seed").format(seed)
		)
	demo.masters()
	if commit:
		# the masters stay when a chunk of the bulk load fails
		frappe.db.commit()  # nosemgrep
	counts_before = {dt: frappe.db.count(dt) for dt in WRITTEN}
	demo.generate(progress)
	demo.finish_credit()
	counts = {dt: frappe.db.count(dt) - counts_before[dt] for dt in WRITTEN}
	counts["Sales Plan"] = load_demo_plans(demo)
	buying = [n for n in demo.orders_per_customer if n]
	counts["Customers with orders"] = len(buying)
	counts["Customers with 5+ orders"] = sum(n >= 5 for n in buying)
	counts["Most orders of a customer"] = max(buying, default=0)
	return counts


def proportions(counts: dict, leads: int) -> dict[str, float]:
	"""The load's records per 1,000 leads, and orders per (buying) customer: the figures docs/MINING.md's
	"Demo proportions" quotes."""
	per_thousand = {
		key: round(value * 1000 / leads, 1) if leads and key != "Most orders of a customer" else value
		for key, value in counts.items()
	}
	customers, buying = counts.get("Sales Customer"), counts.get("Customers with orders")
	orders = counts.get("Customer Order", 0)
	per_thousand["Orders per customer"] = round(orders / customers, 2) if customers else 0
	per_thousand["Orders per buying customer"] = round(orders / buying, 2) if buying else 0
	return per_thousand


MAX_DESK_LEADS = 200_000
DEMO_JOB_TIMEOUT = 4 * 3600


def enqueue_demo(leads: int = 1000, seed: int = 42) -> dict:
	"""Queue the demo load as a background job (the desk's "Load Demo Data"); System Managers only."""
	frappe.only_for("System Manager")
	if not 1 <= leads <= MAX_DESK_LEADS:
		frappe.throw(
			frappe._("Leads must be between 1 and {0}, not {1}").format(MAX_DESK_LEADS, leads),
			title=frappe._("Demo Data"),
		)
	if frappe.db.exists("Sales Lead", f"{PREFIX}{seed}-LEAD-0000001"):
		frappe.throw(
			frappe._("The demo data of seed {0} is already loaded; choose another --seed").format(seed)
		)
	job_id = f"sales_crm_demo_{seed}"  # Frappe prefixes the site
	job = frappe.enqueue(
		"sales_crm.demo.demo_job",
		queue="long",
		timeout=DEMO_JOB_TIMEOUT,
		job_id=job_id,
		deduplicate=True,
		leads=leads,
		seed=seed,
	)
	return {"job_id": job_id, "queued": bool(job)}


def demo_job(leads: int, seed: int, commit: bool = True) -> dict:
	"""The background job: loads the dataset and publishes its progress to the user who queued it."""
	title = frappe._("Loading demo data")
	done = 0

	def progress(count: int) -> None:
		nonlocal done
		done += count
		frappe.publish_progress(
			done * 100 / leads, title=title, description=frappe._("{0} of {1} leads").format(done, leads)
		)

	frappe.publish_progress(0, title=title, description=frappe._("Masters"))
	counts = make_demo(leads, seed, progress=progress, commit=commit)
	frappe.publish_realtime(
		"sales_crm_demo_loaded", {"seed": seed, "counts": counts}, user=frappe.session.user
	)
	return counts


WRITTEN = (
	"Sales Lead",
	"Sales Customer",
	"Contact",
	"Address",
	"Sales Opportunity",
	"Sales Follow Up",
	"Sales Quotation",
	"Sales Contract",
	"Customer Order",
	"Sales Receivable",
	"Sales Receipt",
	"Salesperson Commission",
	"Customer Commission",
	"Sales Credit Offset",
	"Sales Payment Plan Line",
)


# ---------------------------------------------------------------- sales plans (issue 13)


def load_demo_plans(demo: Demo) -> int:
	"""Per department, a submitted monthly Sales Plan for the anchor date's year, through the controllers:
	every salesperson's monthly order target compiled from the month before (growth 1.1), a target of
	1–4 new customers a month, and a product target for each product they sold the month before
	(``compile_sales_plan(by_product=True)``). Returns how many plans it wrote."""
	from sales_crm.flows.plans import compile_sales_plan

	year = demo.anchor.year
	written = 0
	for department, people in demo.departments.items():
		plan_name = f"{demo.prefix} {department} {year}"
		if frappe.db.exists("Sales Plan", {"plan_name": plan_name, "docstatus": ["<", 2]}):
			continue
		targets = [
			{
				"sales_person": person,
				"period": f"{year}-{month:02d}",
				"target_new_customers": demo.rng.randint(1, 4),
			}
			for person in people
			for month in range(1, 13)
		]
		plan = frappe.get_doc(
			{
				"doctype": "Sales Plan",
				"plan_name": plan_name,
				"fiscal_year": str(year),
				"period_type": "Monthly",
				"sales_department": department,
				"growth_factor": 1.1,
				"targets": targets,
			}
		).insert(ignore_permissions=True)
		plan = compile_sales_plan(plan.name, by_product=True)
		plan.flags.ignore_permissions = True
		plan.submit()
		written += 1
	if demo.commit:
		frappe.db.commit()  # nosemgrep
	return written
