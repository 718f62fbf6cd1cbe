"""What the app adds to a posting: each chain document's insert + submit against a bare clone (a script).

	cd /home/frappe/frappe-bench/sites
	../env/bin/python ../apps/sales_crm/benchmarks/posting.py --site sales-crm-demo.localhost [--runs 30]

For Sales Quotation, Sales Contract, Customer Order, Sales Receivable, Sales Receipt and Sales Credit Offset:
each run walks the chain once (opportunity → quotation → contract → order → delivery → two receivables → an
advance receipt paying the first → an offset of its credit against the second), as Administrator, timing
each document's insert + submit as the app posts it (its controller, the chain's roll-ups, doc_events,
workflow). The control is the **same document** posted by Frappe alone: a bare clone of the DocType
created for the run (custom, in its own custom module, the same fields, child tables, naming series and
indexes, no controller, no workflow and none of the app's doc_events, which skip other modules), given
the values the app's document ended with. Prints per DocType the median and p90 ms of both, their ratio
and the SQL statements per posting (``frappe.db.sql`` calls), with how many of the app's are Frappe's
workflow machinery (its states and transitions, the Workflow Action records it keeps for approvers: what
the app's workflows cost, which a clone has none of). Target: each ≤ 2× its clone at 1M leads.

Nothing the runs post is kept (rolled back); the clones are dropped at the end. ``--profile DOCTYPE``
prints a cProfile of that DocType's app postings (by cumulative and by own time), ``--queries DOCTYPE``
the statements of one posting.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from collections import Counter

import frappe
from frappe.utils import add_days, random_string, today

DOCTYPES = (
	"Sales Quotation",
	"Sales Contract",
	"Customer Order",
	"Sales Receivable",
	"Sales Receipt",
	"Sales Credit Offset",
)
CLONE_MODULE = "Posting Clone"
SKIP = {"name", "parent", "parenttype", "parentfield", "idx", "owner", "creation", "modified", "modified_by"}
SKIP_DOC = SKIP | {"docstatus", "amended_from", "_user_tags", "_comments", "_assign", "_liked_by", "_seen"}


# ---------------------------------------------------------------------------------------- counting
class Counted:
	"""Counts ``frappe.db.sql`` calls (every query Frappe and the app run goes through it)."""

	def __init__(self):
		self.count = 0
		self.workflow = 0  # of which Frappe's workflow machinery (states, transitions, Workflow Actions)
		self.log = None
		self._sql = None

	def __enter__(self):
		self._sql = sql = frappe.db.sql

		def counted(query, *args, **kwargs):
			self.count += 1
			self.workflow += "tabWorkflow" in str(query)
			if self.log is not None:
				text = str(query).strip().split("\n")[0][:160]
				if TRACE and TRACE in str(query):
					text += "\n      " + "\n      ".join(_callers())
				self.log.append(text)
			return sql(query, *args, **kwargs)

		frappe.db.sql = counted
		return self

	def __exit__(self, *exc):
		frappe.db.sql = self._sql
		del frappe.db.sql  # back to the class's method
		return False


TRACE = None


def _callers() -> list[str]:
	import traceback

	return [
		f"{f.filename.split('/apps/')[-1]}:{f.lineno} {f.name}"
		for f in traceback.extract_stack()[:-3]
		if "/apps/" in f.filename and "benchmarks/" not in f.filename
	][-8:]


def measured(post, log: list | None = None):
	"""(seconds, statements, result) of one posting, with the work it leaves to its commit (the jobs it
	queues, the realtime messages it sends): the benchmark rolls back, so that work is run here."""
	frappe.db.after_commit.run()  # the untimed steps' before it
	with Counted() as c:
		c.log = log
		start = time.perf_counter()
		result = post()
		frappe.db.after_commit.run()
		elapsed = time.perf_counter() - start
	return elapsed, (c.count, c.workflow), result


# ---------------------------------------------------------------------------------------- clones
def clone_name(doctype: str, prefix: str = "Clone") -> str:
	return f"{prefix} {doctype}"


def make_clones(prefix: str = "Clone", doctypes=DOCTYPES, children: dict | None = None) -> dict[str, str]:
	"""A bare submittable clone of each DocType and of its child tables: {original: clone}. With
	``children`` (an earlier call's answer), its clones of the child tables are shared."""
	if not frappe.db.exists("Module Def", CLONE_MODULE):
		frappe.get_doc(
			{"doctype": "Module Def", "module_name": CLONE_MODULE, "app_name": "frappe", "custom": 1}
		).insert(ignore_permissions=True)
	names: dict[str, str] = {k: v for k, v in (children or {}).items() if frappe.get_meta(k).istable}

	def clone(doctype: str):
		if doctype in names:
			return
		meta = frappe.get_meta(doctype)
		for df in meta.get_table_fields():
			clone(df.options)
		name = clone_name(doctype, prefix)
		if frappe.db.exists("DocType", name):
			frappe.delete_doc("DocType", name, force=1, ignore_permissions=True)
		doc = frappe.new_doc("DocType")
		doc.update(
			{
				"name": name,
				"module": CLONE_MODULE,
				"custom": 1,
				"istable": meta.istable,
				"editable_grid": meta.editable_grid,
				"is_submittable": meta.is_submittable,
				"autoname": meta.autoname,
				"naming_rule": meta.naming_rule,
				"track_changes": meta.track_changes,
				"title_field": meta.title_field,
				"search_fields": meta.search_fields,
				"sort_field": meta.sort_field,
				"sort_order": meta.sort_order,
			}
		)
		for df in meta.fields:
			values = {k: v for k, v in df.as_dict().items() if k not in SKIP and k != "doctype"}
			if df.fieldtype in ("Table", "Table MultiSelect"):
				values["options"] = names[df.options]
			doc.append("fields", values)
		if not meta.istable:
			doc.append(
				"permissions",
				{
					"role": "System Manager",
					**{p: 1 for p in ("read", "write", "create", "submit", "cancel", "delete")},
				},
			)
		doc.insert(ignore_permissions=True)
		names[doctype] = name

	for doctype in doctypes:
		clone(doctype)
	frappe.db.commit()
	return names


# What a posting sets off in Frappe itself once the app configures it: the DocType's workflow (its
# transition checks and the Workflow Action records it keeps for the approvers) and its notifications
# evaluated on save. A second clone carries copies of both, so that the app's own code is measured apart.
SAVE_EVENTS = ("New", "Save", "Submit", "Cancel", "Value Change", "Method")


def machinery(doctype: str) -> tuple[str | None, list[str]]:
	"""(the DocType's active workflow, its notifications evaluated on save)."""
	from frappe.model.workflow import get_workflow_name

	notifications = frappe.get_all(
		"Notification",
		filters={"document_type": doctype, "enabled": 1, "event": ("in", SAVE_EVENTS)},
		pluck="name",
	)
	return get_workflow_name(doctype), notifications


def make_flow_clones(bare: dict[str, str]) -> dict[str, str]:
	"""A clone of each DocType that has a workflow or notifications, with copies of them: {original: clone}."""
	doctypes = [d for d in DOCTYPES if any(machinery(d))]
	names = make_clones("Flow Clone", doctypes, children=bare)
	for doctype in doctypes:
		workflow, notifications = machinery(doctype)
		if workflow:
			copy = frappe.copy_doc(frappe.get_doc("Workflow", workflow))
			copy.update({"workflow_name": f"Flow Clone {workflow}", "document_type": names[doctype]})
			copy.insert(ignore_permissions=True)
		for name in notifications:
			copy = frappe.copy_doc(frappe.get_doc("Notification", name))
			copy.update(
				{
					"name": f"Flow Clone {name}",
					"document_type": names[doctype],
					"is_standard": 0,
					"module": None,
				}
			)
			copy.insert(ignore_permissions=True, set_name=f"Flow Clone {name}")
	frappe.db.commit()
	return {d: names[d] for d in doctypes}


def drop_flow_clones(names: dict[str, str]) -> None:
	frappe.db.rollback()
	for clone in names.values():
		for doctype in ("Workflow", "Notification"):
			for name in frappe.get_all(doctype, filters={"document_type": clone}, pluck="name"):
				frappe.delete_doc(doctype, name, force=1, ignore_permissions=True)
		frappe.db.delete("Workflow Action", {"reference_doctype": clone})
	frappe.db.commit()


def drop_clones(names: dict[str, str], module: bool = True) -> None:
	frappe.db.rollback()
	parents = [names[d] for d in DOCTYPES if d in names]
	for name in parents + [n for n in names.values() if n not in parents]:
		if frappe.db.exists("DocType", name):
			frappe.delete_doc("DocType", name, force=1, ignore_permissions=True)
	if module and frappe.db.exists("Module Def", CLONE_MODULE):
		frappe.delete_doc("Module Def", CLONE_MODULE, force=1, ignore_permissions=True)
	frappe.db.commit()


def clone_of(doc, names: dict[str, str]):
	"""The app's posted document as a new draft of its clone: the same values, fields and rows."""
	values = {k: v for k, v in doc.as_dict(no_default_fields=False).items() if k not in SKIP_DOC}
	values["doctype"] = names[doc.doctype]
	for df in doc.meta.get_table_fields():
		values[df.fieldname] = [
			{
				**{k: v for k, v in row.as_dict().items() if k not in SKIP_DOC},
				"doctype": names[df.options],
			}
			for row in doc.get(df.fieldname)
		]
	return frappe.get_doc(values)


# ---------------------------------------------------------------------------------------- the chain
def customer_and_products():
	customer = frappe.get_doc(
		{"doctype": "Sales Customer", "customer_name": f"Posting {random_string(8)}"}
	).insert()
	products = frappe.get_all(
		"Sales Product", filters={"standard_rate": [">", 0]}, fields=["name", "standard_rate"], limit=3
	)
	return customer.name, products


def one_chain(customer: str, products, post) -> None:
	"""Walk the chain once; ``post(doctype, doc, submit)`` inserts and submits each timed document."""
	from frappe.model.workflow import apply_workflow

	from sales_crm import api
	from sales_crm.flows.orders import deliver_order

	opportunity = frappe.get_doc(
		{
			"doctype": "Sales Opportunity",
			"opportunity_name": f"Posting {random_string(6)}",
			"customer": customer,
			"items": [
				{"product": p.name, "qty": 3 + k, "rate": p.standard_rate} for k, p in enumerate(products)
			],
		}
	).insert()

	def submit_quotation(doc):
		doc.workflow_state = "Approved"  # the workflow's Approve: Quoting → Approved submits it
		doc.submit()

	quotation = post(
		"Sales Quotation", frappe.get_doc(api.make_quotation(opportunity.name)), submit_quotation
	)
	apply_workflow(quotation, "Customer Accepted")
	contract = post("Sales Contract", frappe.get_doc(api.make_contract(quotation.name)))
	order = post("Customer Order", frappe.get_doc(api.make_order(contract.name)))
	deliver_order(order.name)
	half = round(order.grand_total / 2, 2)
	receivables = []
	for k, amount in enumerate((half, order.grand_total - half)):
		receivables.append(
			post(
				"Sales Receivable",
				frappe.get_doc(
					{
						"doctype": "Sales Receivable",
						"customer_order": order.name,
						"invoice_no": f"PB-{random_string(8)}-{k}",
						"invoice_date": today(),
						"posting_date": today(),
						"due_date": add_days(today(), 30 + k),
						"total_amount": amount,
						"description": f"Invoice {k} of order {order.name}",
					}
				),
				timed=k == 0,
			)
		)
	# an advance paying the first receivable and leaving the second's amount on account
	receipt = post(
		"Sales Receipt",
		frappe.get_doc(
			{
				"doctype": "Sales Receipt",
				"receipt_type": "Advance",
				"customer": customer,
				"currency": order.currency,
				"paid_amount": order.grand_total,
				"allocations": [
					{"sales_receivable": receivables[0].name, "allocated_amount": receivables[0].total_amount}
				],
			}
		),
	)
	post("Sales Credit Offset", frappe.get_doc(api.make_offset(receipt.name)))


def run(
	runs: int,
	names: dict[str, str],
	profile: str | None,
	queries: str | None,
	flow: dict[str, str] | None = None,
) -> dict:
	app = {d: [] for d in DOCTYPES}
	bare = {d: [] for d in DOCTYPES}
	flowed = {d: [] for d in DOCTYPES}
	flow = flow or {}
	profiler = cProfile.Profile() if profile else None
	logs: dict[str, list] = {}
	customer, products = customer_and_products()

	def post(doctype, doc, submit=None, timed=True, keep=None):
		def app_posting():
			doc.insert()
			(submit or (lambda d: d.submit()))(doc)
			return doc

		if not timed:
			return app_posting()
		log = [] if doctype == queries else None  # the last run's (the first follows a rollback)
		if profiler and doctype == profile and keep:
			profiler.enable()
		elapsed, count, _ = measured(app_posting, log)
		if profiler and doctype == profile and keep:
			profiler.disable()
		if log is not None:
			logs[doctype] = log
		twin = clone_of(doc, names)
		twin_elapsed, twin_count, _ = measured(lambda: (twin.insert(), twin.submit()))
		if keep:
			app[doctype].append((elapsed, *count))
			bare[doctype].append((twin_elapsed, *twin_count))
		if doctype in flow:
			flow_twin = clone_of(doc, {**names, doctype: flow[doctype]})
			workflow = machinery(doctype)[0]
			field = workflow and frappe.get_cached_value("Workflow", workflow, "workflow_state_field")
			state = field and flow_twin.get(field)

			def flow_posting():
				# the workflow starts the draft at its first state; the submit moves it to the app's
				if field:
					flow_twin.set(field, None)
				flow_twin.insert()
				if field:
					flow_twin.set(field, state)
				flow_twin.submit()

			flow_elapsed, flow_count, _ = measured(flow_posting)
			if keep:
				flowed[doctype].append((flow_elapsed, *flow_count))
		return doc

	for k in range(runs + 1):
		# the first run warms the caches (meta, settings, workflow) and is not counted
		one_chain(
			customer, products, lambda d, doc, submit=None, timed=True: post(d, doc, submit, timed, k > 0)
		)
		if k % 10 == 0:
			frappe.db.rollback()  # nothing is kept; keeps the transaction small
			customer, products = customer_and_products()
	frappe.db.rollback()
	if profiler:
		pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
		pstats.Stats(profiler).sort_stats("tottime").print_stats(30)  # where the time is spent itself
	for doctype, log in logs.items():
		print(f"\n{doctype}: {len(log)} statements of one posting, most repeated first")
		for text, n in Counter(log).most_common():
			print(f"  {n:3}× {text}")
	return {"app": app, "bare": bare, "flow": flowed}


def p90(values: list[float]) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def report(figures: dict) -> None:
	print(
		f"\n{'posting (insert+submit)':22} {'app ms':>8} {'p90':>7} {'clone ms':>9} {'p90':>7} {'ratio':>6} "
		f"{'SQL app':>8} {'(workflow)':>10} {'SQL clone':>9}"
	)
	report_bare(figures)
	flow = figures.get("flow") or {}
	if not any(flow.values()):
		return
	print(
		"\nthe same, against a clone that carries copies of the DocType's workflow and notifications "
		"(what the app's own code adds to Frappe's machinery):"
	)
	print(
		f"{'posting (insert+submit)':22} {'app ms':>8} {'flow clone ms':>14} {'p90':>7} {'ratio':>6} {'SQL':>5}"
	)
	for doctype in DOCTYPES:
		app, flowed = figures["app"][doctype], flow.get(doctype)
		if not app or not flowed:
			continue
		a, f = statistics.median(r[0] for r in app), statistics.median(r[0] for r in flowed)
		print(
			f"{doctype:22} {a * 1000:8.1f} {f * 1000:14.1f} {p90([r[0] for r in flowed]) * 1000:7.1f} "
			f"{a / f:6.2f} {statistics.median(r[1] for r in flowed):5.0f}"
		)


def report_bare(figures: dict) -> None:
	for doctype in DOCTYPES:
		app, bare = figures["app"][doctype], figures["bare"][doctype]
		if not app:
			continue
		a, b = statistics.median(r[0] for r in app), statistics.median(r[0] for r in bare)
		ratio = a / b
		print(
			f"{doctype:22} {a * 1000:8.1f} {p90([r[0] for r in app]) * 1000:7.1f} {b * 1000:9.1f} "
			f"{p90([r[0] for r in bare]) * 1000:7.1f} {ratio:6.2f} {statistics.median(r[1] for r in app):8.0f} "
			f"{statistics.median(r[2] for r in app):10.0f} {statistics.median(r[1] for r in bare):9.0f}  "
			f"{'ok' if ratio <= 2 else 'OVER 2×'}"
		)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="sales-crm-demo.localhost")
	parser.add_argument("--runs", type=int, default=30)
	parser.add_argument("--profile", help="print a cProfile of this DocType's app postings")
	parser.add_argument("--queries", help="print the statements of one posting of this DocType")
	parser.add_argument("--trace", help="with --queries: where the statements containing this text come from")
	parser.add_argument(
		"--flow",
		action="store_true",
		help="also post a clone that carries copies of the DocType's workflow and notifications",
	)
	args = parser.parse_args()
	global TRACE
	TRACE = args.trace
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	names, flow = {}, {}
	try:
		print(
			f"leads on site: {frappe.db.count('Sales Lead')}, orders: {frappe.db.count('Customer Order')}, "
			f"receivables: {frappe.db.count('Sales Receivable')}, receipts: {frappe.db.count('Sales Receipt')}"
		)
		names = make_clones()
		flow = make_flow_clones(names) if args.flow else {}
		figures = run(args.runs, names, args.profile, args.queries, flow)
		report(figures)
	finally:
		frappe.db.rollback()
		if flow:
			drop_flow_clones(flow)
			drop_clones(flow, module=False)
		if names:
			drop_clones(names)
		frappe.destroy()


if __name__ == "__main__":
	main()
