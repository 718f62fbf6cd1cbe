"""Customer mining on a real site: the history import over the API with a real RQ worker (JSON rows, CSV,
Excel, per-row errors, a re-sent import, who may import), CDNOW through the import and the mining run
(the published BG/NBD and Gamma-Gamma figures, the backtest), the stored scores, the follow-ups for
valuable customers at risk, the report and the number card under a salesperson's scope, and the win
probability of open opportunities with its fallback.

The worker commits, so the tests that use it remove what they made; the others are rolled back."""

import io
import json
from datetime import date, timedelta

import frappe
import pytest
from factories import make_product, make_user
from frappe.utils import add_days, getdate, now_datetime, nowdate, random_string
from server import wait_for_job

from sales_crm import api, jobs, kept, owned
from sales_crm.flows import history_import, mining


@pytest.fixture
def tag():
	tag = f"H{random_string(8).upper()}"
	yield tag
	remove(tag)


def remove(tag: str) -> None:
	"""Everything a test committed under ``tag``: orders, their rows, customers, sites, scores, runs, files."""
	frappe.db.rollback()
	orders = frappe.db.sql_list(
		"select name from `tabCustomer Order` where external_id like %s", (f"{tag}%",)
	)
	for start in range(0, len(orders), 5000):
		part = orders[start : start + 5000]
		# deleted past the controllers, as they were written: what was kept of them goes with them
		kept.refresh("Customer Order", part, sign=-1)
		buyers = frappe.db.sql_list(
			"select distinct customer from `tabCustomer Order` where name in %(part)s", {"part": part}
		)
		frappe.db.delete("Customer Order Item", {"parent": ("in", part)})
		frappe.db.delete("Customer Order", {"name": ("in", part)})
		kept.refresh("Customer Order", [], {"Sales Customer": buyers})
	customers = frappe.db.sql_list(
		"select name from `tabSales Customer` where external_id like %s or customer_name like %s",
		(f"{tag}%", f"{tag}%"),
	)
	for start in range(0, len(customers), 5000):
		part = customers[start : start + 5000]
		addresses = frappe.db.sql_list(
			"""select parent from `tabDynamic Link` where parenttype = 'Address'
			and link_doctype = 'Sales Customer' and link_name in %(names)s""",
			{"names": part},
		)
		if addresses:
			frappe.db.delete("Dynamic Link", {"parent": ("in", addresses), "parenttype": "Address"})
			frappe.db.delete("Address", {"name": ("in", addresses)})
		frappe.db.delete("Customer Site Score", {"customer": ("in", part)})
		frappe.db.delete("Sales Customer", {"name": ("in", part)})
	frappe.db.delete("Customer Mining Run", {"started_by": ("like", f"%{tag.lower()}%")})
	for name in frappe.get_all("File", filters={"file_name": ("like", f"{tag}%")}, pluck="name"):
		frappe.delete_doc("File", name, force=True, ignore_permissions=True)
	frappe.db.delete("Sales History Import", {"import_file": ("like", f"%{tag}%")})
	frappe.db.commit()


def director(tag: str) -> str:
	return make_user(f"director-{tag.lower()}@example.com", "Sales User", "Sales Director")


def results_by_status(state: dict) -> dict[str, list[dict]]:
	grouped: dict[str, list[dict]] = {}
	for result in state["results"]:
		grouped.setdefault(result["status"], []).append(result)
	return grouped


def attach(tag: str, name: str, content: bytes) -> str:
	file = frappe.get_doc(
		{"doctype": "File", "file_name": f"{tag}-{name}", "content": content, "is_private": 1}
	).insert(ignore_permissions=True)
	return file.file_url


# ---------------------------------------------------------------------------- the history import
def test_history_import_over_the_api_with_a_worker(worker, tag):
	frappe.set_user(director(tag))
	product = make_product(product_code=f"{tag}-PUMP", standard_rate=500).name
	frappe.db.commit()
	try:
		rows = [
			{
				"external_id": f"{tag}-1",
				"order_date": "2024-03-01",
				"customer": f"{tag}-C1",
				"customer_name": f"{tag} Steel",
				"site": "Plant North",
				"amount": 1200,
			},
			{
				"external_id": f"{tag}-2",
				"order_date": "2024-05-01",
				"customer": f"{tag}-C1",
				"site": "Plant North",
				"items": [{"product": product, "qty": 2, "rate": 500}],
			},
			{"external_id": f"{tag}-3", "order_date": "2024-13-01", "customer": f"{tag}-C2", "amount": 5},
			{"external_id": f"{tag}-4", "order_date": "2024-06-01", "amount": 5},
			{"external_id": f"{tag}-5", "order_date": "2024-06-01", "customer": f"{tag}-C2", "amount": -3},
			{
				"external_id": f"{tag}-6",
				"order_date": "2024-06-01",
				"customer": f"{tag}-C2",
				"items": [{"product": f"{tag}-NOPE", "qty": 1, "rate": 1}],
			},
			{"external_id": f"{tag}-7", "order_date": "2024-07-01", "customer": f"{tag}-C2", "amount": 80},
		]
		answer = api.import_history(rows=json.dumps(rows))
		assert set(answer) == {"job_id", "status", "total"} and answer["status"] == "queued"
		assert answer["total"] == len(rows)
		state = wait_for_job(api.history_import_status, answer["job_id"], timeout=300)
		assert state["status"] == "finished", state
		statuses = {r["row"]: r["status"] for r in state["results"]}
		assert statuses == {
			0: "created",
			1: "created",
			2: "error",
			3: "error",
			4: "error",
			5: "error",
			6: "created",
		}
		messages = {r["row"]: r["message"] for r in state["results"] if r["status"] == "error"}
		assert "Row 2" in messages[2] and "order_date" in messages[2]
		assert "Row 3" in messages[3] and "customer" in messages[3]
		assert "Row 4" in messages[4] and "amount" in messages[4]
		assert "Row 5" in messages[5] and "product" in messages[5] and f"{tag}-NOPE" in messages[5]
		assert (state["created"], state["skipped"], state["errors"]) == (3, 0, 4)

		frappe.db.rollback()
		order = frappe.get_doc("Customer Order", state["results"][1]["name"])
		assert (order.docstatus, order.status, order.is_history, order.external_id) == (
			1,
			"Completed",
			1,
			f"{tag}-2",
		)
		assert order.grand_total == order.base_grand_total == 1000 and order.needs_approval == 0
		assert [(i.product, i.qty, i.rate) for i in order.items] == [(product, 2, 500)]
		customer = frappe.get_doc("Sales Customer", order.customer)
		assert (customer.external_id, customer.customer_name) == (f"{tag}-C1", f"{tag} Steel")
		first = frappe.get_doc("Customer Order", state["results"][0]["name"])
		assert first.customer_address and first.customer_address == order.customer_address
		assert frappe.db.exists(
			"Dynamic Link",
			{"parent": order.customer_address, "link_doctype": "Sales Customer", "link_name": customer.name},
		)
		names = [r["name"] for r in state["results"] if r["status"] == "created"]
		assert not frappe.db.exists("Sales Receivable", {"customer_order": ("in", names)})
		assert not frappe.db.exists("Version", {"ref_doctype": "Customer Order", "docname": ("in", names)})
		assert not frappe.db.exists("Notification Log", {"document_name": ("in", names)})

		# sent again: what was imported is skipped, nothing twice; the errors are errors again
		again = wait_for_job(api.history_import_status, api.import_history(rows=rows)["job_id"], timeout=300)
		grouped = results_by_status(again)
		assert sorted(r["row"] for r in grouped["skipped"]) == [0, 1, 6]
		assert {r["name"] for r in grouped["skipped"]} == set(names)
		assert len(grouped["error"]) == 4 and "created" not in grouped
		frappe.db.rollback()
		assert frappe.db.count("Customer Order", {"external_id": ("like", f"{tag}-%")}) == 3
		assert frappe.db.count("Sales Customer", {"external_id": ("like", f"{tag}-%")}) == 2

		# CSV: one row per product, the rows of an order share its external id; errors name the file's line
		csv_text = (
			"external_id,order_date,customer,site,amount,product,qty,rate\n"
			f"{tag}-10,2024-08-01,{tag}-C1,Plant South,,{product},1,500\n"
			f"{tag}-10,,,,,{product},3,500\n"
			f"{tag}-11,2024-08-02,{tag}-C3,,abc,,,\n"
			f"{tag}-1,2024-03-01,{tag}-C1,,1200,,,\n"
		)
		url = attach(tag, "history.csv", csv_text.encode())
		frappe.db.commit()
		state = wait_for_job(
			api.history_import_status, api.import_history(file_url=url)["job_id"], timeout=300
		)
		by_row = {r["row"]: r for r in state["results"]}
		assert set(by_row) == {2, 4, 5}
		assert by_row[2]["status"] == "created" and by_row[5]["status"] == "skipped"
		assert by_row[4]["status"] == "error" and "Row 4" in by_row[4]["message"]
		assert "amount" in by_row[4]["message"] and "abc" in by_row[4]["message"]
		frappe.db.rollback()
		csv_order = frappe.get_doc("Customer Order", by_row[2]["name"])
		assert [i.qty for i in csv_order.items] == [1, 3] and csv_order.grand_total == 2000

		# Excel, from the desk's Sales History Import
		from openpyxl import Workbook

		book = Workbook()
		sheet = book.active
		sheet.append(["external_id", "order_date", "customer", "amount"])
		sheet.append([f"{tag}-20", date(2023, 1, 5), f"{tag}-C4", 99.5])
		sheet.append([f"{tag}-21", "not a date", f"{tag}-C4", 10])
		buffer = io.BytesIO()
		book.save(buffer)
		url = attach(tag, "history.xlsx", buffer.getvalue())
		record = frappe.get_doc({"doctype": "Sales History Import", "import_file": url}).insert()
		frappe.db.commit()
		answer = api.import_history(history_import=record.name)
		frappe.db.commit()  # as the request would: the record reads Queued
		state = wait_for_job(api.history_import_status, answer["job_id"], timeout=300)
		assert [r["status"] for r in state["results"]] == ["created", "error"]
		assert "Row 3" in state["results"][1]["message"]
		frappe.db.rollback()
		record.reload()
		assert (record.status, record.total_rows, record.created_count, record.error_count) == (
			"Partially Completed",
			2,
			1,
			1,
		)
		assert len(json.loads(record.import_log)) == 2
		assert frappe.db.get_value("Customer Order", state["results"][0]["name"], "order_date") == date(
			2023, 1, 5
		)
	finally:
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.delete_doc("Sales Product", product, force=True, ignore_permissions=True)
		frappe.db.commit()


def test_only_system_managers_and_directors_import_or_run():
	user = make_user(f"mining-sales-{random_string(6).lower()}@example.com", "Sales User", "Sales Manager")
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError):
		api.import_history(
			rows=[{"external_id": "x", "order_date": "2024-01-01", "customer": "x", "amount": 1}]
		)
	with pytest.raises(frappe.PermissionError):
		api.run_mining()
	with pytest.raises(frappe.PermissionError):
		api.history_import_status("history-import-nosuchjob")


def test_a_sales_user_gets_403_over_http(server):
	from factories import login_users

	password = "Sales-CRM-mining-2026!"
	users = login_users("mining", password, sales=("Sales User",), manager=("Sales User", "Sales Manager"))
	frappe.db.commit()
	for user in users.values():
		client = server.session(user, password)
		for method, data in (
			(
				"import_history",
				{"rows": '[{"external_id": "x", "order_date": "2024-01-01", "customer": "x", "amount": 1}]'},
			),
			("run_mining", {}),
		):
			answer = client.http.post(
				f"{server.url}/api/method/sales_crm.api.{method}", data=data, timeout=60
			)
			assert answer.status_code == 403, (user, method, answer.text[:300])


def test_a_get_poll_that_finds_a_dead_worker_leaves_its_run_failed(server):
	"""A status poll over GET marks a run whose worker is gone Failed, and that stays: the next reader (here
	the test's own connection, another process) reads Failed, not Running."""
	from factories import login_users

	password = "Sales-CRM-mining-2026!"
	director = login_users("poll", password, director=("Sales User", "Sales Director")).director
	with owned.by_server():
		run = frappe.get_doc(
			{"doctype": "Customer Mining Run", "status": "Running", "started_by": director}
		).insert(ignore_permissions=True)
	job_id = f"mining-polled-{random_string(8)}"
	frappe.db.commit()
	jobs.save(job_id, {"job_id": job_id, "status": "started", "user": director, "run": run.name})
	answer = server.session(director, password).http.get(
		f"{server.url}/api/method/sales_crm.api.mining_status", params={"job_id": job_id}, timeout=60
	)
	assert answer.ok, answer.text[:300]
	assert answer.json()["message"]["record"]["status"] == "Failed"
	frappe.db.rollback()  # a fresh snapshot: what the server committed
	assert frappe.db.get_value("Customer Mining Run", run.name, "status") == "Failed"


def test_server_owned_fields_are_the_runs():
	"""The scores, the import's id and history mark are server-owned (chain.owned): a save that sets one is
	refused, and nothing is written."""
	for forged in ({"clv": 999}, {"churn_risk": "High"}, {"external_id": "forged"}):
		customer = frappe.get_doc({"doctype": "Sales Customer", "customer_name": f"Keep {random_string(6)}"})
		customer.update(forged)
		with pytest.raises(frappe.ValidationError, match="computed by the system"):
			customer.insert()
	customer = frappe.get_doc(
		{"doctype": "Sales Customer", "customer_name": f"Keep {random_string(6)}"}
	).insert()
	frappe.db.set_value("Sales Customer", customer.name, {"clv": 10, "churn_risk": "Low"})
	customer.reload()
	customer.clv, customer.churn_risk = 5000, "High"
	with pytest.raises(frappe.ValidationError, match="computed by the system"):
		customer.save()
	assert frappe.db.get_value("Sales Customer", customer.name, ["clv", "churn_risk"]) == (10, "Low")


# ---------------------------------------------------------------------------- CDNOW
def test_cdnow_through_the_history_import_reproduces_the_published_figures(worker, tag):
	from cdnow import cdnow_rows

	frappe.set_user(director(tag))
	rows = [
		{
			"external_id": f"{tag}-{i}",
			"order_date": str(day),
			"customer": f"{tag}-{customer}",
			"amount": amount,
		}
		for i, (customer, day, amount) in enumerate(cdnow_rows())
	]
	assert len(rows) == 6919
	answer = api.import_history(rows=rows)
	state = wait_for_job(api.history_import_status, answer["job_id"], timeout=600)
	assert state["status"] == "finished" and state["created"] == 6919, {
		k: state[k] for k in ("status", "done")
	}

	answer = api.run_mining(calibration_end="1997-09-30", holdout_end="1998-06-30")
	frappe.db.commit()  # as the request would: the job is queued once its run record is committed
	state = wait_for_job(api.mining_status, answer["job_id"], timeout=600)
	assert state["status"] == "finished", state
	frappe.db.rollback()  # a fresh snapshot: the worker committed the record
	run = api.mining_status(answer["job_id"])["record"]
	print(
		"\nCDNOW through the history import:",
		{
			key: run[key]
			for key in (
				"customers",
				"repeat_customers",
				"orders",
				"purchases",
				"bgnbd_r",
				"bgnbd_alpha",
				"bgnbd_a",
				"bgnbd_b",
				"gg_p",
				"gg_q",
				"gg_v",
				"expected_holdout_purchases",
				"actual_holdout_purchases",
				"holdout_error",
				"churn_auc",
				"repeat_auc",
				"duration",
			)
		},
	)
	assert run["status"] == "Completed" and run["customers"] == 2357 and run["orders"] == 6919
	for key, published in (
		("bgnbd_r", 0.2426),
		("bgnbd_alpha", 4.4136),
		("bgnbd_a", 0.7929),
		("bgnbd_b", 2.4259),
	):
		assert run[key] == pytest.approx(published, rel=0.005), key
	for key, published in (("gg_p", 6.25), ("gg_q", 3.74), ("gg_v", 15.44)):
		assert run[key] == pytest.approx(published, rel=0.01), key
	assert run["expected_holdout_purchases"] == pytest.approx(run["actual_holdout_purchases"], rel=0.15)
	assert run["churn_auc"] >= 0.76 and run["repeat_auc"] >= 0.76
	frappe.db.rollback()
	scored = frappe.db.sql(
		"select count(*) from `tabSales Customer` where external_id like %s and last_scored_on is not null",
		(f"{tag}-%",),
	)[0][0]
	assert scored == 2357


# ---------------------------------------------------------------------------- scores and follow-ups
def history(tag: str, people: list[str], today: date) -> list[dict]:
	"""60 customers: loyal buyers, recent ones, and big spenders who stopped buying two years ago."""
	orders = []
	for i in range(60):
		person = people[i % len(people)]
		customer = f"{tag}-C{i:02d}"
		kind = i % 3
		if kind == 0:  # buys every month, still
			days = [today - timedelta(days=30 * k + i % 7) for k in range(1, 24)]
			amount = 1000
		elif kind == 1:  # bought a few times this year
			days = [today - timedelta(days=20 + 60 * k + i) for k in range(3)]
			amount = 500
		else:  # a big spender, weekly buyer two years ago, silent since
			days = [today - timedelta(days=730 + 7 * k + i) for k in range(12)]
			amount = 1_000_000
		for k, day in enumerate(days):
			orders.append(
				{
					"external_id": f"{tag}-{i}-{k}",
					"order_date": str(day),
					"customer": customer,
					"customer_name": f"{tag} Customer {i}",
					"site": "Plant",
					"amount": amount + k,
					"sales_person": person,
				}
			)
	return orders


@pytest.fixture
def team():
	tag = random_string(6).lower()
	return [make_user(f"mining-{n}-{tag}@example.com", "Sales User") for n in ("a", "b")]


def run_now(calibration_end=None) -> str:
	run = frappe.get_doc(
		{
			"doctype": "Customer Mining Run",
			"status": "Queued",
			"started_by": "Administrator",
			"calibration_end": calibration_end,
		}
	)
	with owned.by_server():  # as start_run makes it: the run's record is the server's
		run.insert(ignore_permissions=True)
	mining.execute(run.name)
	return run.name


def test_scores_follow_ups_report_and_card_follow_the_scope(team):
	tag = f"S{random_string(6).upper()}"
	today = getdate(nowdate())
	started = frappe.utils.now()
	frappe.db.set_single_value("Sales CRM Settings", "mining_valuable_share", 50)
	results = history_import.Importer().import_chunk(history(tag, team, today))
	assert {r["status"] for r in results} == {"created"}
	# two years ago the big spenders were the most valuable customers; today they have stopped buying
	earlier = frappe.get_doc("Customer Mining Run", run_now(add_days(today, -700)))
	assert earlier.status == "Completed" and earlier.valuable_threshold
	name = run_now()
	run = frappe.get_doc("Customer Mining Run", name)
	assert run.status == "Completed" and run.customers >= 60 and run.sites >= 60
	assert run.bgnbd_r > 0 and run.backtest_customers and run.churn_auc is not None

	customers = frappe.get_all(
		"Sales Customer",
		filters={"external_id": ("like", f"{tag}-%")},
		fields=[
			"name",
			"external_id",
			"sales_person",
			"p_alive",
			"clv",
			"expected_orders_90",
			"expected_orders_365",
			"rfm_r",
			"rfm_f",
			"rfm_m",
			"rfm_segment",
			"churn_score",
			"churn_risk",
			"last_scored_on",
			"valuable",
		],
	)
	assert len(customers) == 60
	for row in customers:
		assert row.last_scored_on and row.churn_risk in ("Low", "Medium", "High")
		assert 1 <= row.rfm_r <= 5 and 1 <= row.rfm_f <= 5 and 1 <= row.rfm_m <= 5 and row.rfm_segment
		assert 0 <= row.churn_score <= 1 and 0 <= row.p_alive <= 100
	by_kind = {k: [r for r in customers if int(r.external_id.split("-C")[1]) % 3 == k] for k in range(3)}
	assert all(r.churn_risk == "High" for r in by_kind[2])  # silent for two years
	# the top half of them by value two years ago (the share is 50 %) are valuable customers at risk
	at_risk = {r.name for r in by_kind[2] if r.valuable}
	assert len(at_risk) >= 8
	assert all(r.churn_risk == "Low" for r in by_kind[0])  # buying every month
	sites = frappe.get_all(
		"Customer Site Score",
		filters={"customer": ("in", [r.name for r in customers])},
		fields=["customer", "address", "sales_person", "churn_risk", "clv", "valuable"],
	)
	assert len(sites) == 60
	owner = {r.name: r.sales_person for r in customers}
	assert all(site.sales_person == owner[site.customer] for site in sites)
	# a site is valuable by its rank among all sites, which need not be its customer's rank among customers
	sites_at_risk = {(s.customer, s.address) for s in sites if s.valuable and s.churn_risk == "High"}
	assert len(sites_at_risk) >= 8
	assert {customer for customer, _address in sites_at_risk} <= {r.name for r in by_kind[2]}

	# one follow-up per valuable customer (and site) at High risk, for its salesperson
	ours = [r.name for r in customers]
	follow_ups = frappe.get_all(
		"Sales Follow Up",
		filters={"customer": ("in", ours), "status": ("in", ("Open", "Overdue"))},
		fields=["name", "customer", "customer_address", "sales_person", "todo"],
	)
	assert {f.customer for f in follow_ups if not f.customer_address} == at_risk
	assert {(f.customer, f.customer_address) for f in follow_ups if f.customer_address} == sites_at_risk
	assert all(f.sales_person == owner[f.customer] and f.todo for f in follow_ups)
	assert frappe.db.exists(
		"Notification Log", {"document_name": follow_ups[0].name, "for_user": follow_ups[0].sales_person}
	)
	# the runs' counts are what they opened: these customers' follow-ups, and those of any customer that
	# earlier tests left on the site at High risk
	opened = frappe.get_all(
		"Sales Follow Up", filters={"creation": (">=", started)}, fields=["name", "customer"]
	)
	assert {f.name for f in opened if f.customer in set(ours)} == {f.name for f in follow_ups}
	assert earlier.follow_ups_created + run.follow_ups_created == len(opened)
	# a re-run opens none twice
	again = frappe.get_doc("Customer Mining Run", run_now())
	assert again.follow_ups_created == 0
	assert frappe.db.count(
		"Sales Follow Up", {"customer": ("in", ours), "status": ("in", ("Open", "Overdue"))}
	) == len(follow_ups)

	# the report and the number card show a salesperson their own customers only
	from sales_crm.sales_crm.report.customer_lifetime_value.customer_lifetime_value import execute

	mine = {r.name for r in customers if r.sales_person == team[0]}
	frappe.set_user(team[0])
	_columns, data, _message, chart, _summary = execute({"level": "Customer"})
	seen = {row["customer"] for row in data}
	assert mine <= seen and not (seen & {r.name for r in customers if r.sales_person == team[1]})
	assert chart and chart["data"]["labels"]
	# the rows are the top ones by value; the chart and the summary count every visible row
	_columns, top, _message, top_chart, top_summary = execute({"level": "Customer", "top": 1})
	assert len(top) == 1 and top[0]["clv"] == max(row["clv"] for row in data)
	assert top_chart == chart
	assert top_summary[0]["value"] == len(data) and top_summary[1]["value"] == 1
	assert top_summary[2]["value"] == pytest.approx(sum(row["clv"] for row in data), abs=0.01)
	for bad in (0, -3, "many", 10**9):
		_columns, rows, message = execute({"level": "Customer", "top": bad})
		assert rows == [] and "Top" in message, (bad, message)
	_columns, data, *_rest = execute({"level": "Site", "churn_risk": "High"})
	assert {row["customer"] for row in data} == mine & {r.name for r in by_kind[2]}
	card = mining.valuable_customers_at_risk()["value"]
	visible_at_risk = frappe.get_list(
		"Sales Customer", filters={"churn_risk": "High", "valuable": 1, "disabled": 0}, pluck="name"
	)
	assert card == len(visible_at_risk) and mine & at_risk <= set(visible_at_risk)
	assert not set(visible_at_risk) & (at_risk - mine)
	frappe.set_user("Administrator")


# ---------------------------------------------------------------------------- win probability
def opportunities(tag: str, customer: str, today: date) -> list[str]:
	"""160 closed opportunities (small ones mostly won, large ones mostly lost) and 4 open ones."""
	rows, names = [], []
	for i in range(164):
		status = "Open" if i >= 160 else ("Won" if (i % 4 != 0) == (i < 80) else "Lost")
		created = now_datetime() - timedelta(days=300 - i)
		name = f"{tag}-OPP-{i:03d}"
		names.append(name)
		rows.append(
			{
				"name": name,
				"creation": created,
				"modified": created + timedelta(days=20),
				"owner": "Administrator",
				"modified_by": "Administrator",
				"docstatus": 0,
				"naming_series": "OPP-.YYYY.-",
				"opportunity_name": f"{tag} opportunity {i}",
				"customer": customer,
				"status": status,
				"sales_method": "Standard",
				"sales_stage": "Quotation" if i % 2 else "Solution Design",
				"probability": 60 if i % 2 else 40,
				"base_expected_revenue": 1000 if i < 80 or i >= 162 else 90000,
				"expected_revenue": 1000 if i < 80 or i >= 162 else 90000,
				"expected_close_date": add_days(today, 30),
			}
		)
	fields = sorted(rows[0])
	frappe.db.bulk_insert("Sales Opportunity", fields, [[row[f] for f in fields] for row in rows])
	return names


def score_opportunities(end) -> dict:
	"""The run's last stage alone: the open opportunities scored and written as the run writes them."""
	figures, scores = mining.score_open_opportunities(end)
	mining.update_join("Sales Opportunity", scores, mining.OPPORTUNITY_SCORE_COLUMNS)
	return figures


def test_win_probability_is_stored_with_its_factors_and_falls_back_without_history(monkeypatch):
	from sales_crm.mining import win

	tag = f"W{random_string(6).upper()}"
	today = getdate(nowdate())
	customer = frappe.get_doc({"doctype": "Sales Customer", "customer_name": f"{tag} Co"}).insert().name
	names = opportunities(tag, customer, today)
	figures = score_opportunities(today)
	assert figures["win_status"] == "Trained" and figures["win_train"] + figures["win_test"] >= 160
	assert figures["win_brier"] is not None and figures["baseline_brier"] is not None
	for name in names[160:]:
		probability, factors = frappe.db.get_value(
			"Sales Opportunity", name, ["win_probability", "win_factors"]
		)
		factors = json.loads(factors)
		assert 0 <= probability <= 100 and factors["model"] and len(factors["factors"]) == 3
		assert all(" = " in label for label, _value in factors["factors"])
	small, large = (frappe.db.get_value("Sales Opportunity", names[i], "win_probability") for i in (162, 160))
	assert small > large  # small ones were mostly won

	from sales_crm.sales_crm.report.sales_pipeline_forecast.sales_pipeline_forecast import execute

	_columns, data, message, *_rest = execute(
		{"weighting": "Win Probability", "to_date": add_days(today, 400)}
	)
	assert message is None and data

	monkeypatch.setattr(win, "MIN_CLOSED", 10**6)
	figures = score_opportunities(today)
	assert figures["win_status"] == "Too Little History"
	probability, factors = frappe.db.get_value(
		"Sales Opportunity", names[161], ["win_probability", "win_factors"]
	)
	assert probability == 60  # names[161]: Quotation, 60 % and mining.TOO_LITTLE_HISTORY in factors


@pytest.mark.out_of_process  # it starts and kills its own workers
def test_a_history_import_sent_again_after_its_worker_was_killed_mid_job_imports_each_order_once(
	bench, tag, capsys
):
	from server import Worker, wait_for_lock_wait

	frappe.set_user(director(tag))
	frappe.db.commit()
	rows = [
		{
			"external_id": f"{tag}-{i}",
			"order_date": "2024-03-01",
			"customer": f"{tag}-C{i % 7}",
			"customer_name": f"{tag} Co {i % 7}",
			"amount": 100 + i,
		}
		for i in range(300)
	]

	def orders() -> dict[str, int]:
		frappe.db.rollback()
		return dict(
			frappe.db.sql(
				"""select external_id, count(*) from `tabCustomer Order` where external_id like %s
				group by external_id""",
				(f"{tag}-%",),
			)
		)

	first_worker = Worker(bench, "long").start()
	try:
		half = api.import_history(rows=json.dumps(rows[:150]))
		assert wait_for_job(api.history_import_status, half["job_id"])["status"] == "finished"
		# the test holds every naming counter: the whole import waits inside its chunk, after it read and
		# skipped what is in, and is killed there
		frappe.db.sql("select name from `tabSeries` for update")
		killed = api.import_history(rows=json.dumps(rows))
		wait_for_lock_wait("tabSeries", "for update")
	finally:
		first_worker.kill()
	assert orders() == {row["external_id"]: 1 for row in rows[:150]}  # the killed chunk left nothing
	assert api.history_import_status(killed["job_id"])["status"] == "started"  # never "finished"

	second_worker = Worker(bench, "long").start()
	try:
		again = api.import_history(rows=json.dumps(rows))
		state = wait_for_job(api.history_import_status, again["job_id"])
	finally:
		second_worker.stop()
	assert state["status"] == "finished", state
	assert (state["created"], state["skipped"], state["errors"]) == (150, 150, 0)
	assert orders() == {row["external_id"]: 1 for row in rows}  # every order exactly once
	customers = frappe.db.count("Sales Customer", {"external_id": ("like", f"{tag}-C%")})
	assert customers == 7
	with capsys.disabled():
		print(
			"\nfault: RQ worker SIGKILLed mid history import (150 of 300 orders in): the chunk left nothing; "
			f"sent again, {state['created']} created, {state['skipped']} skipped, each order once, {customers} customers"
		)


def test_runs_whose_worker_is_gone_are_closed_and_a_live_one_is_left():
	"""A Queued run RQ knows nothing of and a Running run whose lock no connection holds are marked Failed;
	a Running run whose worker holds its lock is left running."""

	def record(status: str, job_id: str | None) -> str:
		with owned.by_server():
			run = frappe.get_doc(
				{"doctype": "Customer Mining Run", "status": status, "started_by": "Administrator"}
			).insert(ignore_permissions=True)
		frappe.db.set_value("Customer Mining Run", run.name, "job_id", job_id, update_modified=False)
		return run.name

	never_queued = record("Queued", f"mining-gone-{random_string(8)}")
	dead = record("Running", None)
	alive = record("Running", None)
	lock = mining._run_lock(alive)
	# another connection holds the live run's lock, as its worker would
	holder = frappe.database.get_db(
		host=frappe.conf.db_host,
		port=frappe.conf.db_port,
		user=frappe.conf.db_name,
		password=frappe.conf.db_password,
		cur_db_name=frappe.conf.db_name,
	)
	holder.connect()
	try:
		assert holder.sql("select get_lock(%s, 0)", lock)[0][0] == 1
		closed = mining.close_abandoned_runs()
		assert {never_queued, dead} <= set(closed) and alive not in closed
		assert frappe.db.get_value("Customer Mining Run", alive, "status") == "Running"
		for name in (never_queued, dead):
			status, error = frappe.db.get_value("Customer Mining Run", name, ["status", "error"])
			assert status == "Failed" and "worker stopped" in error, (name, status, error)
	finally:
		holder.sql("select release_lock(%s)", lock)
		holder.close()
	assert alive in mining.close_abandoned_runs()  # once its worker lets go

	# a poller sees a dead worker's run as Failed at once
	polled = record("Running", None)
	job_id = f"mining-polled-{random_string(8)}"
	jobs.save(job_id, {"job_id": job_id, "status": "started", "user": "Administrator", "run": polled})
	assert api.mining_status(job_id)["record"]["status"] == "Failed"

	# a run that finished between the read and the close keeps its result
	finished = record("Completed", None)
	assert not mining._close(finished, "Running")
	assert frappe.db.get_value("Customer Mining Run", finished, ["status", "error"]) == ("Completed", None)
	frappe.db.rollback()


def test_abandoned_runs_are_closed_by_the_scheduler():
	assert frappe.db.exists(
		"Scheduled Job Type",
		{"method": "sales_crm.flows.mining.close_abandoned_runs", "frequency": "Cron", "stopped": 0},
	)


@pytest.mark.out_of_process  # it starts and kills its own workers
def test_a_mining_run_killed_mid_job_leaves_nothing_and_a_new_run_opens_each_follow_up_once(
	bench, tag, team, capsys
):
	from server import Worker, wait_for_lock_wait

	today = getdate(nowdate())
	share = frappe.db.get_single_value("Sales CRM Settings", "mining_valuable_share")
	frappe.db.set_single_value("Sales CRM Settings", "mining_valuable_share", 50)
	assert {r["status"] for r in history_import.Importer().import_chunk(history(tag, team, today))} == {
		"created"
	}
	# two years ago the big spenders were the valuable customers: today's run finds them at risk
	earlier = run_now(add_days(today, -700))
	frappe.set_user(director(tag))
	frappe.db.commit()
	customers = frappe.get_all("Sales Customer", filters={"external_id": ("like", f"{tag}-%")}, pluck="name")

	def follow_ups() -> dict[tuple, int]:
		"""Open follow-ups per (customer, site): the run opens one per customer and per site at risk."""
		frappe.db.rollback()
		rows = frappe.db.sql(
			"""select customer, coalesce(customer_address, ''), count(*) from `tabSales Follow Up`
			where customer in %(names)s and status in ('Open', 'Overdue') group by customer, customer_address""",
			{"names": customers},
		)
		return {(customer, site): n for customer, site, n in rows}

	before = follow_ups()  # the earlier run's

	def scores() -> dict:
		frappe.db.rollback()
		return dict(
			frappe.db.sql(
				"select name, last_scored_on from `tabSales Customer` where name in %(n)s", {"n": customers}
			)
		)

	scored_before = scores()

	try:
		first_worker = Worker(bench, "long").start()
		try:
			# the test holds the customers' rows: the run reads, fits and scores, then waits to write the
			# scores, and is killed there
			frappe.db.sql(
				"select name from `tabSales Customer` where name in %(names)s for update",
				{"names": customers},
			)
			killed = api.run_mining()
			frappe.db.commit()  # the job is enqueued after the commit
			frappe.db.sql(
				"select name from `tabSales Customer` where name in %(names)s for update",
				{"names": customers},
			)
			wait_for_lock_wait("update `tabSales Customer` target join", timeout=120)
		finally:
			first_worker.kill()
		assert follow_ups() == before
		assert scores() == scored_before  # the killed run wrote no score
		# the record was committed Running before the work: it says so until a new run finds its worker gone
		assert frappe.db.get_value("Customer Mining Run", killed["run"], "status") == "Running"

		second_worker = Worker(bench, "long").start()
		try:
			again = api.run_mining()
			frappe.db.commit()
			abandoned = frappe.db.get_value("Customer Mining Run", killed["run"], ["status", "error"])
			assert abandoned[0] == "Failed" and "worker stopped" in abandoned[1], abandoned
			state = wait_for_job(api.mining_status, again["job_id"], timeout=300)
		finally:
			second_worker.stop()
		assert state["status"] == "finished", state
		opened = follow_ups()
		assert len(opened) > len(before) and set(opened.values()) == {1}  # one per customer (site) at risk
		scored = sum(
			1 for name, on in scores().items() if on and (not scored_before[name] or on > scored_before[name])
		)
		assert scored == len(customers)
	finally:
		frappe.db.rollback()
		names = frappe.get_all("Sales Follow Up", filters={"customer": ("in", customers)}, pluck="name")
		if names:
			frappe.db.delete("ToDo", {"reference_type": "Sales Follow Up", "reference_name": ("in", names)})
			frappe.db.delete("Sales Follow Up", {"name": ("in", names)})
		frappe.db.set_single_value("Sales CRM Settings", "mining_valuable_share", share)
		frappe.db.delete("Customer Mining Run", {"name": earlier})
		frappe.db.commit()
	with capsys.disabled():
		print(
			f"\nfault: RQ worker SIGKILLed mid mining run (scores being written): nothing written, its run record "
			f"left Running, then marked Failed by the next run; a new run scored {scored} customers and opened {len(opened) - len(before)} follow-ups, one per customer or site at risk"
		)


def test_a_run_holds_no_customer_or_opportunity_row_until_it_writes_the_scores(tag, team):
	"""A posting that writes a customer's row (an advance moves its credit balance) or an opportunity's
	waits for the run's commit once the run has written that row. The run computes every score first and
	writes those rows last, just before its commit: at every stage before, another connection locks a
	scored customer's row and an open opportunity's at once."""
	from lock_probe import LockProbe

	today = getdate(nowdate())
	assert {r["status"] for r in history_import.Importer().import_chunk(history(tag, team, today))} == {
		"created"
	}
	customer = frappe.db.get_value("Sales Customer", {"external_id": f"{tag}-C00"})
	opportunity = opportunities(tag, customer, today)[160]  # open
	frappe.db.commit()
	probe = LockProbe()
	free = probe.free

	rows = (("Sales Customer", customer), ("Sales Opportunity", opportunity))
	stages = []

	def progress(percent, description):
		stages.append((percent, description, [free(*row) for row in rows]))

	try:
		run = frappe.get_doc(
			{"doctype": "Customer Mining Run", "status": "Queued", "started_by": "Administrator"}
		)
		with owned.by_server():
			run.insert(ignore_permissions=True)
		figures = mining.execute(run.name, progress)
		assert figures["status"] == "Completed" and figures["customers"] >= 60, figures
		assert all(lockable == [True, True] for *_where, lockable in stages), stages
		assert [percent for percent, *_rest in stages] == [5, 20, 35, 50, 65, 75, 85, 95]
		# written, not yet committed: now the run holds both rows (the probe sees a held row)
		assert [free(*row) for row in rows] == [False, False]
		assert frappe.db.get_value("Sales Customer", customer, "last_scored_on")
		assert frappe.db.get_value("Sales Opportunity", opportunity, "win_factors")
	finally:
		probe.close()
		frappe.db.rollback()
		frappe.db.delete("Sales Opportunity", {"name": ("like", f"{tag}-OPP-%")})
		frappe.db.commit()


@pytest.mark.out_of_process  # it starts its own workers
def test_one_run_at_a_time_even_when_two_start_at_once(bench, monkeypatch):
	"""While a run is queued or running, another is refused (409 naming it) and the daily run is skipped.
	Two started in the same instant both pass that check: their two workers take turns on the site's
	mining lock, so the second run starts after the first has committed."""
	from server import Worker

	turn = mining._turn_lock()
	# the test holds the turn, as a run in progress would: the runs below wait for it
	assert frappe.db.sql("select get_lock(%s, 0)", turn)[0][0] == 1
	workers, names = [], []
	try:
		workers = [Worker(bench, "long").start() for _ in range(2)]
		first = api.run_mining()
		names.append(first["run"])
		frappe.db.commit()  # queued once committed
		with pytest.raises(mining.RunInProgress) as refused:
			api.run_mining()
		assert refused.value.http_status_code == 409 and first["run"] in str(refused.value)
		runs = frappe.db.count("Customer Mining Run")
		mining.daily_run()
		assert frappe.db.count("Customer Mining Run") == runs
		with monkeypatch.context() as patched:  # the same instant: both past the check
			patched.setattr(mining, "in_flight", lambda: None)
			second = api.run_mining()
		names.append(second["run"])
		frappe.db.commit()

		jobs_ = (first["job_id"], second["job_id"])
		wait_for_job(
			api.mining_status, jobs_[1], until=lambda state: state.get("status") == "started", timeout=120
		)
		wait_for_job(
			api.mining_status, jobs_[0], until=lambda state: state.get("status") == "started", timeout=120
		)
		frappe.db.rollback()
		# both workers have their job, and both wait for the turn
		assert [frappe.db.get_value("Customer Mining Run", n, "status") for n in names] == [
			"Queued",
			"Queued",
		]
		frappe.db.sql("select release_lock(%s)", turn)
		for job_id in jobs_:
			assert wait_for_job(api.mining_status, job_id, timeout=300)["status"] == "finished"
		frappe.db.rollback()
		runs = sorted(
			frappe.get_all(
				"Customer Mining Run",
				filters={"name": ("in", names)},
				fields=["name", "status", "started_on", "finished_on"],
			),
			key=lambda run: run.started_on,
		)
		assert [run.status for run in runs] == ["Completed", "Completed"], runs
		assert runs[1].started_on >= runs[0].finished_on, runs  # one after the other
		mining.close_abandoned_runs()  # nothing to close: each run's record says how it ended
		assert (
			frappe.get_all(
				"Customer Mining Run", filters={"name": ("in", names), "status": ("!=", "Completed")}
			)
			== []
		)
	finally:
		frappe.db.sql("select release_lock(%s)", turn)
		for worker in workers:
			worker.stop()
		frappe.db.rollback()
		frappe.db.delete("Customer Mining Run", {"name": ("in", names or ["-"])})
		frappe.db.commit()


@pytest.mark.out_of_process  # it starts its own workers
def test_two_history_imports_of_the_same_new_customer_and_site_at_once_write_each_once(bench, tag):
	"""Two imports sent at once, each naming the same new customer, site and orders: their workers take
	turns on the site's import lock, so the second finds what the first committed (the orders skipped as
	imported before, the customer and its site found) instead of writing a second customer or failing on
	the site's Address."""
	from server import Worker

	rows = [
		{
			"external_id": f"{tag}-{k}",
			"order_date": f"2024-0{k}-01",
			"customer": f"{tag}-C",
			"customer_name": f"{tag} Steel",
			"site": "Plant East",
			"amount": 100 * k,
		}
		for k in range(1, 4)
	]
	turn = jobs.turn_lock(history_import.TURN)
	# the test holds the turn, as an import in progress would: both imports below wait for it
	assert frappe.db.sql("select get_lock(%s, 0)", turn)[0][0] == 1
	workers = []
	try:
		workers = [Worker(bench, "long").start() for _ in range(2)]
		sent = [api.import_history(rows=json.dumps(rows))["job_id"] for _ in range(2)]
		frappe.db.commit()
		for job_id in sent:
			wait_for_job(
				api.history_import_status,
				job_id,
				until=lambda state: state.get("status") != "queued",
				timeout=120,
			)
		frappe.db.sql("select release_lock(%s)", turn)
		states = [wait_for_job(api.history_import_status, job_id, timeout=300) for job_id in sent]
		assert [state["status"] for state in states] == ["finished", "finished"], states
		counts = sorted((state["created"], state["skipped"], state["errors"]) for state in states)
		assert counts == [(0, 3, 0), (3, 0, 0)], states
		frappe.db.rollback()
		customers = frappe.get_all("Sales Customer", filters={"external_id": f"{tag}-C"}, pluck="name")
		assert len(customers) == 1, customers
		sites = frappe.db.sql_list(
			"""select parent from `tabDynamic Link` where parenttype = 'Address'
			and link_doctype = 'Sales Customer' and link_name = %s""",
			customers[0],
		)
		assert len(sites) == 1, sites
		orders = frappe.get_all(
			"Customer Order",
			filters={"external_id": ("like", f"{tag}-%")},
			fields=["customer", "customer_address"],
		)
		assert len(orders) == 3 and {(o.customer, o.customer_address) for o in orders} == {
			(customers[0], sites[0])
		}
	finally:
		frappe.db.sql("select release_lock(%s)", turn)
		for worker in workers:
			worker.stop()


def test_site_scores_named_the_short_way_are_renamed_to_the_name_the_run_upserts_by():
	"""A site's score is upserted by its name (sha1 of customer and site): records named by the earlier, shorter
	prefix are renamed in place by the patch, to exactly what the run computes now, a site named in Chinese
	included (MariaDB's sha1 of the utf8mb4 text is Python's of its UTF-8)."""
	import hashlib

	from sales_crm.patches.v1 import lengthen_site_score_names

	keys = [
		(f"CUST-{random_string(8)}", "上海浦东新区张江路 88 号仓库"),
		(f"CUST-{random_string(8)}", "Main Works"),
	]
	for customer, address in keys:
		short = hashlib.sha1(f"{customer}\n{address}".encode()).hexdigest()[:10]
		frappe.db.sql(
			"""insert into `tabCustomer Site Score` (name, creation, modified, owner, modified_by, customer, address)
			values (%s, now(), now(), 'Administrator', 'Administrator', %s, %s)""",
			(short, customer, address),
		)
	lengthen_site_score_names.execute()
	for customer, address in keys:
		names = frappe.get_all(
			"Customer Site Score", {"customer": customer, "address": address}, pluck="name"
		)
		assert names == [mining.site_score_name(customer, address)], (names, customer, address)
		assert len(names[0]) == mining.SITE_SCORE_NAME_LENGTH == 20
	frappe.db.rollback()
