"""Customers' purchase history from another system: customers, their sites and past orders, imported as
submitted ``Customer Order`` records marked ``is_history`` so that customer mining (``flows/mining.py``)
has years of orders to learn from on the day the app goes live.

An imported order is a fact of the past, not a sale made here: it is written set-based
(``frappe.db.bulk_insert``, names from a block of the naming series reserved in one step), submitted and
Completed, with no approval, receivable, commission, notification or version record — none of the
controllers' side effects, which would post money and tell salespeople about sales made years ago.

Every order carries the source system's ``external_id`` (unique): an import sent again skips what it
already imported. Each order answers ``created``, ``skipped`` or ``error`` with a message naming its row
and field; a bad row never stops the good ones. The import always runs as a job on the ``long`` queue
(``import_history`` answers ``{"job_id", "status": "queued", "total"}``; ``history_import_status``).

Input, per order (API) or per row (CSV/Excel, one row per product; the rows of one order share its
``external_id``): ``external_id``, ``order_date``, ``customer`` (an existing Sales Customer's name or
external id; a new one is created with that external id and ``customer_name``), optional ``site`` (an
Address of the customer, by name or title; created and linked when new), ``amount`` (company currency;
optional when products are given), ``sales_person``, and products (``items``: ``product``, ``qty``,
``rate``).
"""

from __future__ import annotations

import csv
import io
import math

import frappe
from frappe import _
from frappe.model.naming import parse_naming_series
from frappe.utils import cstr, flt, getdate, now_datetime

from sales_crm import chain, jobs, kept
from sales_crm.org import department_of
from sales_crm.rules import normalize

ROLES = ("System Manager", "Sales Director")
MAX_ROWS = 200_000  # one job's orders travel through Redis to the worker
CHUNK = 5000
JOB_TIMEOUT = 4 * 3600
TURN, TURN_WAIT = "history_turn", JOB_TIMEOUT // 2  # jobs.turn: one import at a time
COLUMNS = frozenset(
	(
		"external_id",
		"order_date",
		"customer",
		"customer_name",
		"site",
		"city",
		"amount",
		"sales_person",
		"product",
		"qty",
		"rate",
	)
)
ORDER_KEYS = (COLUMNS - {"product", "qty", "rate"}) | {"items", "row"}
ITEM_KEYS = frozenset(("product", "qty", "rate"))
ORDER_SERIES = "ORD-.YYYY.-"
CUSTOMER_SERIES = "CUST-.#####"


class RowError(Exception):
	pass


def check_permission() -> None:
	frappe.only_for(ROLES)


# ---------------------------------------------------------------------------- the request's side
def import_history(rows: list | None = None, file_url: str | None = None, history_import: str | None = None):
	"""Queue the import of ``rows`` (order dicts) or of the CSV/Excel file at ``file_url``."""
	check_permission()
	if history_import:
		if not frappe.db.exists("Sales History Import", history_import):
			frappe.throw(
				_("Sales History Import {0} not found").format(history_import), frappe.DoesNotExistError
			)
		file_url = file_url or frappe.db.get_value("Sales History Import", history_import, "import_file")
	if file_url:
		orders = read_file(file_url)
	elif isinstance(rows, list):
		orders = [dict(row, row=index) if isinstance(row, dict) else row for index, row in enumerate(rows)]
	else:
		frappe.throw(_("Send rows (a JSON list of orders) or file_url"), title=_("Invalid Request"))
	if len(orders) > MAX_ROWS:
		frappe.throw(_("At most {0} orders per import, not {1}").format(MAX_ROWS, len(orders)))
	job_id = jobs.new_id("history-import")
	state = {
		"job_id": job_id,
		"status": "queued",
		"user": frappe.session.user,
		"total": len(orders),
		"done": 0,
	}
	jobs.save(job_id, state)
	if history_import:
		frappe.db.set_value(
			"Sales History Import",
			history_import,
			{"status": "Queued", "job_id": job_id, "total_rows": len(orders)},
		)
	frappe.enqueue(
		"sales_crm.flows.history_import.run_job",
		queue=jobs.QUEUE,
		timeout=JOB_TIMEOUT,
		job_id=job_id,
		orders=orders,
		import_job_id=job_id,
		history_import=history_import,
	)
	return {"job_id": job_id, "status": "queued", "total": len(orders)}


def history_import_status(job_id: str) -> dict:
	check_permission()
	state = jobs.state_for_caller(
		job_id, _("History import {0} not found"), _("Not permitted to read history import {0}")
	)
	state.pop("error", None)
	return state


def read_file(file_url: str) -> list[dict]:
	"""The file's orders: rows grouped by ``external_id`` (consecutive or not), each with its line number."""
	file = frappe.get_doc("File", {"file_url": file_url})
	extension = cstr(file.file_name or file_url).rsplit(".", 1)[-1].lower()
	if extension == "xlsx":
		from frappe.utils.xlsxutils import read_xlsx_file_from_attached_file

		table = read_xlsx_file_from_attached_file(fcontent=file.get_content())
	elif extension == "csv":
		content = file.get_content()
		if isinstance(content, bytes):
			content = content.decode("utf-8-sig")
		table = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
	else:
		frappe.throw(_("The file must be CSV or Excel (.xlsx), not .{0}").format(extension))
	return group_rows(table)


def group_rows(table: list[list]) -> list[dict]:
	"""A sheet (header + rows) as orders; a row's ``row`` is its line number in the file."""
	table = [row for row in table if any(cstr(cell).strip() for cell in row)]
	if not table:
		frappe.throw(_("The file is empty"))
	header = [cstr(cell).strip().lower().replace(" ", "_") for cell in table[0]]
	unknown = sorted(set(header) - COLUMNS - {""})
	if unknown:
		frappe.throw(
			_("Unknown columns: {0}. The columns are: {1}").format(
				", ".join(unknown), ", ".join(sorted(COLUMNS))
			)
		)
	for required in ("external_id", "order_date", "customer"):
		if required not in header:
			frappe.throw(_("The file lacks the column {0}").format(required))
	orders: dict[str, dict] = {}
	loose = []
	for line, cells in enumerate(table[1:], 2):
		values = {key: cells[i] for i, key in enumerate(header) if key and i < len(cells)}
		values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
		item = {k: values.pop(k) for k in ITEM_KEYS if k in values}
		external_id = cstr(values.get("external_id")).strip()
		order = orders.get(external_id) if external_id else None
		if order is None:
			order = {k: v for k, v in values.items() if v not in (None, "")}
			order.update(row=line, items=[])
			if external_id:
				orders[external_id] = order
			else:
				loose.append(order)
		if item.get("product") not in (None, ""):
			order["items"].append({**item, "row": line})
	result = list(orders.values()) + loose
	result.sort(key=lambda order: order["row"])
	return result


# ---------------------------------------------------------------------------- the job
def run_job(orders: list, import_job_id: str, history_import: str | None = None) -> None:
	job_id = import_job_id
	state = jobs.load(job_id) or {"job_id": job_id, "user": frappe.session.user}
	state.update(status="started", total=len(orders), done=0, started_on=str(now_datetime()))
	jobs.save(job_id, state)
	# One import at a time: two at once would each find the same new customer, site or order missing and
	# both write it (a second customer of one external id, an Address or order refused as a duplicate).
	# The later import waits, then finds what the earlier one committed.
	with jobs.turn(TURN, TURN_WAIT) as taken:
		if taken:
			_import(orders, job_id, state, history_import)
			return
	error = _("Another history import of this site went on for more than {0} hours; this one did not start.")
	state.update(status="failed", error=error.format(TURN_WAIT // 3600))
	jobs.save(job_id, state)
	if history_import:
		frappe.db.set_value("Sales History Import", history_import, "status", "Failed")
		frappe.db.commit()  # nosemgrep: the import's outcome


def _import(orders: list, job_id: str, state: dict, history_import: str | None) -> None:
	if history_import:
		frappe.db.set_value("Sales History Import", history_import, "status", "Running")
		frappe.db.commit()  # nosemgrep: the desk shows the import running while it runs
	results: list[dict] = []
	importer = Importer()
	try:
		for start in range(0, len(orders), CHUNK):
			results.extend(importer.import_chunk(orders[start : start + CHUNK]))
			frappe.db.commit()  # nosemgrep: a chunk is kept once it is in; a re-sent import skips it
			state["done"] = len(results)
			jobs.save(job_id, state)
			frappe.publish_progress(
				len(results) * 100 / len(orders),
				title=_("Importing order history"),
				description=_("{0} of {1} orders").format(len(results), len(orders)),
				task_id=job_id,
			)
	except Exception:
		frappe.db.rollback()
		state.update(status="failed", done=len(results), results=results, error=frappe.get_traceback())
		jobs.save(job_id, state)
		if history_import:
			frappe.db.set_value("Sales History Import", history_import, "status", "Failed")
			frappe.db.commit()  # nosemgrep
		raise
	counts = count(results)
	state.update(status="finished", results=results, finished_on=str(now_datetime()), **counts)
	jobs.save(job_id, state)
	if history_import:
		frappe.db.set_value(
			"Sales History Import",
			history_import,
			{
				"status": "Partially Completed" if counts["errors"] else "Completed",
				"created_count": counts["created"],
				"skipped_count": counts["skipped"],
				"error_count": counts["errors"],
				"import_log": frappe.as_json(results, indent=None),
			},
		)
		frappe.db.commit()  # nosemgrep


def count(results: list[dict]) -> dict:
	statuses = [result["status"] for result in results]
	return {
		"created": statuses.count("created"),
		"skipped": statuses.count("skipped"),
		"errors": statuses.count("error"),
	}


class Importer:
	"""Writes chunks of orders; remembers what earlier chunks of the same job created."""

	def __init__(self):
		self.currency = frappe.db.get_single_value("Sales CRM Settings", "company_currency") or "CNY"
		self.seen: dict[str, int] = {}  # external id → the row that brought it in this job
		self.customers: dict[str, dict] = {}  # a customer key (name or external id) → its record
		self.sites: dict[tuple[str, str], str] = {}  # (customer, site) → Address name
		self.departments: dict[str, str | None] = {}
		self.now = now_datetime()
		self.user = frappe.session.user
		self.country = frappe.db.get_default("country")

	def import_chunk(self, orders: list) -> list[dict]:
		results: list[dict | None] = [None] * len(orders)
		valid: list[tuple[int, dict]] = []
		for position, raw in enumerate(orders):
			row = raw.get("row", position) if isinstance(raw, dict) else position
			try:
				valid.append((position, self.parse(raw, row)))
			except RowError as error:
				results[position] = {"row": row, "status": "error", "message": str(error)}
				if isinstance(raw, dict) and raw.get("external_id"):
					results[position]["external_id"] = cstr(raw.get("external_id"))
		valid = self.skip_known(valid, results)
		self.check_links(valid, results)
		valid = [(position, order) for position, order in valid if results[position] is None]
		orders_ = [order for _position, order in valid]
		self.resolve_customers(orders_)
		self.resolve_sites(orders_)
		for index, name in self.write(orders_):
			position, order = valid[index]
			results[position] = {
				"row": order["row"],
				"status": "created",
				"name": name,
				"external_id": order["external_id"],
			}
		return results

	# ------------------------------------------------------------------ one row
	def parse(self, raw, row) -> dict:
		if not isinstance(raw, dict):
			raise RowError(_("Row {0}: an order must be an object with fields").format(row))
		unknown = sorted(set(raw) - ORDER_KEYS - {"product", "qty", "rate"})
		if unknown:
			raise RowError(_("Row {0}: fields that cannot be imported: {1}").format(row, ", ".join(unknown)))
		order = {"row": row}
		external_id = cstr(raw.get("external_id")).strip()
		if not external_id:
			raise RowError(_("Row {0}: external_id is required").format(row))
		if len(external_id) > 140:
			raise RowError(_("Row {0}: external_id is longer than 140 characters").format(row))
		order["external_id"] = external_id
		try:
			order["order_date"] = getdate(raw.get("order_date")) if raw.get("order_date") else None
		except Exception:
			order["order_date"] = None
			raise RowError(
				_("Row {0}: order_date: {1} is not a date").format(row, cstr(raw.get("order_date")))
			) from None
		if not order["order_date"]:
			raise RowError(_("Row {0}: order_date is required").format(row))
		if order["order_date"] > getdate():
			raise RowError(_("Row {0}: order_date: {1} lies in the future").format(row, order["order_date"]))
		order["customer"] = cstr(raw.get("customer")).strip()
		if not order["customer"]:
			raise RowError(_("Row {0}: customer is required").format(row))
		order["customer_name"] = cstr(raw.get("customer_name")).strip() or order["customer"]
		order["site"] = cstr(raw.get("site")).strip()
		order["city"] = cstr(raw.get("city")).strip()
		order["sales_person"] = cstr(raw.get("sales_person")).strip()
		items = raw.get("items") or []
		if raw.get("product"):
			items = [*items, {k: raw.get(k) for k in ITEM_KEYS}]
		if not isinstance(items, list):
			raise RowError(_("Row {0}: items must be a list of products").format(row))
		order["items"] = [self.parse_item(item, row) for item in items]
		total = flt(sum(item["amount"] for item in order["items"]), 2)
		if raw.get("amount") in (None, ""):
			if not order["items"]:
				raise RowError(_("Row {0}: amount is required (or products with qty and rate)").format(row))
			order["amount"] = total
		else:
			order["amount"] = number(raw.get("amount"), row, "amount")
			if order["items"] and abs(order["amount"] - total) > 0.01:
				raise RowError(
					_("Row {0}: amount {1} differs from its products' total {2}").format(
						row, order["amount"], total
					)
				)
		return order

	def parse_item(self, item, row) -> dict:
		if not isinstance(item, dict):
			raise RowError(_("Row {0}: a product row must be an object").format(row))
		row = item.get("row", row)
		unknown = sorted(set(item) - ITEM_KEYS - {"row"})
		if unknown:
			raise RowError(
				_("Row {0}: product fields that cannot be imported: {1}").format(row, ", ".join(unknown))
			)
		product = cstr(item.get("product")).strip()
		if not product:
			raise RowError(_("Row {0}: product is required on a product row").format(row))
		qty = number(item.get("qty") if item.get("qty") not in (None, "") else 1, row, "qty")
		if qty <= 0:
			raise RowError(_("Row {0}: qty must be more than 0").format(row))
		rate = number(item.get("rate") if item.get("rate") not in (None, "") else 0, row, "rate")
		return {"product": product, "qty": qty, "rate": rate, "amount": flt(qty * rate, 2), "row": row}

	# ------------------------------------------------------------------ set-based checks
	def skip_known(self, valid, results):
		"""Orders imported before (their external id is stored) or earlier in this import are skipped."""
		ids = [order["external_id"] for _position, order in valid]
		stored = dict(
			frappe.db.sql(
				"select external_id, name from `tabCustomer Order` where external_id in %(ids)s", {"ids": ids}
			)
			if ids
			else ()
		)
		kept = []
		for position, order in valid:
			external_id = order["external_id"]
			if external_id in stored:
				results[position] = {
					"row": order["row"],
					"status": "skipped",
					"name": stored[external_id],
					"external_id": external_id,
					"message": _("Row {0}: order {1} was imported before as {2}").format(
						order["row"], external_id, stored[external_id]
					),
				}
			elif external_id in self.seen:
				results[position] = {
					"row": order["row"],
					"status": "skipped",
					"external_id": external_id,
					"message": _("Row {0}: external_id {1} repeats row {2}").format(
						order["row"], external_id, self.seen[external_id]
					),
				}
			else:
				self.seen[external_id] = order["row"]
				kept.append((position, order))
		return kept

	def check_links(self, valid, results):
		"""Products and salespeople must exist: one query each for the chunk."""
		products = {item["product"] for _p, order in valid for item in order["items"]}
		known_products = {}
		if products:
			known_products = dict(
				frappe.db.sql(
					"select name, product_name from `tabSales Product` where name in %(names)s",
					{"names": list(products)},
				)
			)
		people = {order["sales_person"] for _p, order in valid if order["sales_person"]}
		known_people = set()
		if people:
			known_people = set(
				frappe.db.sql_list(
					"select name from `tabUser` where name in %(names)s and enabled = 1",
					{"names": list(people)},
				)
			)
		for position, order in valid:
			for item in order["items"]:
				if item["product"] not in known_products:
					results[position] = error(
						order,
						_("Row {0}: product: Sales Product {1} not found").format(
							item["row"], item["product"]
						),
					)
					break
				item["product_name"] = known_products[item["product"]]
			if order["sales_person"] and order["sales_person"] not in known_people:
				results[position] = error(
					order,
					_("Row {0}: sales_person: {1} is no enabled user").format(
						order["row"], order["sales_person"]
					),
				)

	# ------------------------------------------------------------------ customers and sites
	def resolve_customers(self, orders: list[dict]) -> None:
		"""Each order's ``customer`` key → a Sales Customer: by name, else by external id, else new (bulk)."""
		keys = {order["customer"] for order in orders} - set(self.customers)
		if keys:
			for name, external_id, person, department, customer_name in frappe.db.sql(
				"""select name, external_id, sales_person, sales_department, customer_name
				from `tabSales Customer` where name in %(keys)s or external_id in %(keys)s""",
				{"keys": list(keys)},
			):
				record = {"name": name, "sales_person": person, "sales_department": department}
				record["customer_name"] = customer_name
				if name in keys:
					self.customers[name] = record
				if external_id in keys and external_id not in self.customers:
					self.customers[external_id] = record
		new = {}
		for order in orders:
			key = order["customer"]
			if key not in self.customers and key not in new:
				person = order["sales_person"] or None
				new[key] = {
					"customer_name": order["customer_name"][:140],
					"external_id": key,
					"sales_person": person,
					"sales_department": self.department(person),
				}
		if new:
			names = reserve(CUSTOMER_SERIES, len(new))
			rows = []
			for (key, record), name in zip(new.items(), names, strict=True):
				record["name"] = name
				self.customers[key] = record
				rows.append(
					{
						**self.standard(name),
						"naming_series": CUSTOMER_SERIES,
						"customer_name": record["customer_name"],
						"customer_type": "Company",
						"external_id": key,
						"sales_person": record["sales_person"],
						"sales_department": record["sales_department"],
						"company_key": normalize.company_key(record["customer_name"]),
						"disabled": 0,
						"credit_balance": 0,
					}
				)
			insert("Sales Customer", rows)

	def resolve_sites(self, orders: list[dict]) -> None:
		"""Each order's ``site`` → an Address of its customer, by name or title; new ones are created and
		linked to the customer (Dynamic Link), as the desk links a customer's addresses."""
		wanted = {(self.customers[o["customer"]]["name"], o["site"]) for o in orders if o["site"]}
		wanted -= set(self.sites)
		customers = {customer for customer, _site in wanted}
		if customers:
			for customer, name, title in frappe.db.sql(
				"""select link.link_name, address.name, address.address_title
				from `tabDynamic Link` link join `tabAddress` address on address.name = link.parent
				where link.parenttype = 'Address' and link.link_doctype = 'Sales Customer'
					and link.link_name in %(customers)s""",
				{"customers": list(customers)},
			):
				for site in (name, title):
					if (customer, site) in wanted:
						self.sites.setdefault((customer, site), name)
		missing = sorted(key for key in wanted if key not in self.sites)
		if not missing:
			return
		cities = {}
		for order in orders:
			cities.setdefault((self.customers[order["customer"]]["name"], order["site"]), order["city"])
		names = {key: f"{key[1]}-{key[0]}"[:140] for key in missing}
		taken = set(
			frappe.db.sql_list(
				"select name from `tabAddress` where name in %(names)s", {"names": list(names.values())}
			)
		)
		addresses, links = [], []
		for key in missing:
			customer, site = key
			name = names[key]
			if name in taken:
				name = f"{name[:120]}-{frappe.generate_hash(length=8)}"
			taken.add(name)
			self.sites[key] = name
			addresses.append(
				{
					**self.standard(name),
					"address_title": site[:140],
					"address_type": "Other",
					"address_line1": site[:240],
					"city": cities.get(key) or "-",
					"country": self.country,
					"is_primary_address": 0,
					"is_shipping_address": 0,
					"disabled": 0,
				}
			)
			links.append(
				{
					**self.standard(row_name()),
					"parent": name,
					"parenttype": "Address",
					"parentfield": "links",
					"idx": 1,
					"link_doctype": "Sales Customer",
					"link_name": customer,
					"link_title": self.customer_names().get(customer),
				}
			)
		insert("Address", addresses)
		insert("Dynamic Link", links)

	def customer_names(self) -> dict[str, str]:
		return {record["name"]: record.get("customer_name") for record in self.customers.values()}

	def department(self, person: str | None) -> str | None:
		if not person:
			return None
		if person not in self.departments:
			self.departments[person] = department_of(person)
		return self.departments[person]

	# ------------------------------------------------------------------ the orders
	def write(self, orders: list[dict]) -> list[tuple[int, str]]:
		if not orders:
			return []
		names = reserve(ORDER_SERIES, len(orders))
		order_rows, item_rows, written = [], [], []
		for (position, order), name in zip(enumerate(orders), names, strict=True):
			customer = self.customers[order["customer"]]
			person = order["sales_person"] or customer.get("sales_person")
			amount = order["amount"]
			order_rows.append(
				{
					**self.standard(name),
					"docstatus": 1,
					"naming_series": ORDER_SERIES,
					"order_no": name,
					"order_date": order["order_date"],
					"order_type": "Standard",
					"order_source": "Direct",
					"customer": customer["name"],
					"customer_address": self.sites.get((customer["name"], order["site"]))
					if order["site"]
					else None,
					"status": "Completed",
					"workflow_state": "Confirmed",
					"is_history": 1,
					"external_id": order["external_id"],
					"currency": self.currency,
					"company_currency": self.currency,
					"exchange_rate": 1,
					"total_qty": sum(item["qty"] for item in order["items"]),
					"net_total": amount,
					"tax_rate": 0,
					"tax_amount": 0,
					"grand_total": amount,
					"base_net_total": amount,
					"base_tax_amount": 0,
					"base_grand_total": amount,
					"per_delivered": 100,
					"per_invoiced": 100,
					"invoiced_amount": 0,
					"received_amount": 0,
					"per_collected": 0,
					"needs_approval": 0,
					"sales_person": person,
					"sales_department": (
						self.department(order["sales_person"])
						if order["sales_person"]
						else customer.get("sales_department")
					),
				}
			)
			for idx, item in enumerate(order["items"], 1):
				item_rows.append(
					{
						**self.standard(row_name()),
						"docstatus": 1,
						"parent": name,
						"parenttype": "Customer Order",
						"parentfield": "items",
						"idx": idx,
						"product": item["product"],
						"product_name": item["product_name"],
						"qty": item["qty"],
						"price_list_rate": item["rate"],
						"discount_percentage": 0,
						"rate": item["rate"],
						"amount": item["amount"],
						"base_rate": item["rate"],
						"base_amount": item["amount"],
						"delivered_qty": item["qty"],
						"invoiced_qty": item["qty"],
						**chain.carried("Customer Order", order_rows[-1]),
					}
				)
			written.append((position, name))
		insert("Customer Order", order_rows)
		insert("Customer Order Item", item_rows)
		# written past the controllers: what is kept of the orders (the customers' first, the monthly
		# figures), here
		kept.refresh(
			"Customer Order",
			[row["name"] for row in order_rows],
			kept.targets_of("Customer Order", order_rows),
		)
		return written

	def standard(self, name: str) -> dict:
		return {
			"name": name,
			"creation": self.now,
			"modified": self.now,
			"owner": self.user,
			"modified_by": self.user,
			"docstatus": 0,
		}


# ---------------------------------------------------------------------------- helpers
def number(value, row, field: str) -> float:
	try:
		result = float(value)
	except (TypeError, ValueError):
		raise RowError(_("Row {0}: {1}: {2} is not a number").format(row, field, cstr(value))) from None
	if not math.isfinite(result) or result < 0:
		raise RowError(
			_("Row {0}: {1} must be a number of at least 0, not {2}").format(row, field, cstr(value))
		)
	return flt(result, 6)


def error(order: dict, message: str) -> dict:
	return {"row": order["row"], "status": "error", "external_id": order["external_id"], "message": message}


def row_name() -> str:
	"""A child row's name. Frappe names a row with 10 random hex characters, and an import writes rows by the
	hundred thousand in one statement: at a million rows two such names collide about one import in three
	(a duplicate key, and the chunk fails). Twenty characters make that negligible."""
	return frappe.generate_hash(length=20)


def reserve(series: str, count: int) -> list[str]:
	"""``count`` names of ``series`` in one step: the counter row is locked, moved on by ``count`` and the
	block is ours, as ``getseries`` takes one name at a time."""
	parts = series.split(".")
	prefix = parse_naming_series([part for part in parts if part and "#" not in part])
	digits = max((len(part) for part in parts if "#" in part), default=5)  # Frappe's default: 5 digits
	current = frappe.db.sql("select current from `tabSeries` where name = %s for update", prefix)
	if not current:
		frappe.db.sql("insert into `tabSeries` (name, current) values (%s, 0)", prefix)
		start = 0
	else:
		start = current[0][0] or 0
	frappe.db.sql("update `tabSeries` set current = %s where name = %s", (start + count, prefix))
	return [f"{prefix}{str(number).zfill(digits)}" for number in range(start + 1, start + count + 1)]


def insert(doctype: str, rows: list[dict]) -> None:
	if not rows:
		return
	columns = {"name", "creation", "modified", "owner", "modified_by", "docstatus"}
	columns |= {"parent", "parenttype", "parentfield", "idx"}
	valid = {df.fieldname for df in frappe.get_meta(doctype).fields if df.fieldtype not in ("Table", "HTML")}
	fields = sorted({key for row in rows for key in row if key in valid | columns})
	frappe.db.bulk_insert(doctype, fields, [[row.get(f) for f in fields] for row in rows], chunk_size=CHUNK)
