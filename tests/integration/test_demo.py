"""Demo data from the desk: a queued background job that reports its progress; demo users can log in."""

import random

import frappe
import pytest
from factories import make_user
from frappe.utils.password import check_password, update_password

from sales_crm import api, demo


@pytest.fixture
def seed():
	return random.randint(10_000_000, 99_999_999)


def test_the_desk_button_queues_one_long_job(monkeypatch, seed):
	queued = []

	def enqueue(method, **kwargs):
		queued.append((method, kwargs))
		return object()

	monkeypatch.setattr(frappe, "enqueue", enqueue)
	answer = api.load_demo_data(leads="300", seed=str(seed))
	assert answer == {"job_id": f"sales_crm_demo_{seed}", "queued": True}
	[(method, kwargs)] = queued
	assert method == "sales_crm.demo.demo_job"
	assert kwargs["queue"] == "long" and kwargs["deduplicate"] and kwargs["job_id"] == answer["job_id"]
	assert (kwargs["leads"], kwargs["seed"]) == (300, seed)


def test_only_a_system_manager_loads_demo_data(monkeypatch, seed):
	manager = make_user(f"manager-{seed}@example.com", "Sales Manager")
	monkeypatch.setattr(frappe, "enqueue", lambda *a, **k: pytest.fail("queued"))
	frappe.set_user(manager)
	with pytest.raises(frappe.PermissionError):
		api.load_demo_data(leads=10, seed=seed)


@pytest.mark.parametrize("leads", [0, -5, demo.MAX_DESK_LEADS + 1])
def test_the_number_of_leads_is_checked(monkeypatch, seed, leads):
	monkeypatch.setattr(frappe, "enqueue", lambda *a, **k: pytest.fail("queued"))
	with pytest.raises(frappe.ValidationError, match="Leads must be between 1 and"):
		api.load_demo_data(leads=leads, seed=seed)


def test_the_job_loads_the_data_publishing_its_progress(monkeypatch, seed):
	events = []
	monkeypatch.setattr(
		frappe, "publish_progress", lambda percent, **kw: events.append(("progress", percent))
	)
	monkeypatch.setattr(
		frappe, "publish_realtime", lambda event, message, **kw: events.append((event, message))
	)

	counts = demo.demo_job(1200, seed, commit=False)

	percents = [p for kind, p in events if kind == "progress"]
	assert percents[0] == 0 and percents[-1] == 100
	assert percents == sorted(percents) and len(percents) >= 3  # 0, every 500 leads, the rest
	assert events[-1] == ("sales_crm_demo_loaded", {"seed": seed, "counts": counts})
	assert counts["Sales Lead"] == 1200
	assert frappe.db.count("Sales Lead", {"name": ["like", f"DEMO{seed}-%"]}) == 1200


def test_demo_users_are_enabled_and_log_in_once_given_a_password(seed):
	demo.make_demo(20, seed=seed, commit=False)
	users = frappe.get_all(
		"User", filters={"name": ["like", "demo-%@example.com"]}, fields=["name", "enabled"]
	)
	assert users and all(user.enabled for user in users)
	director = "demo-director@example.com"
	update_password(director, "Demo-pass-2026!")
	assert check_password(director, "Demo-pass-2026!") == director


ANCHOR = "2026-11-30"


def test_customers_buy_again_at_their_sites_with_contacts_and_follow_ups(seed):
	counts = demo.make_demo(2500, seed=seed, anchor=ANCHOR, commit=False)
	prefix = f"DEMO{seed}-%"

	def one(sql):
		return frappe.db.sql(sql, {"prefix": prefix})

	orders = dict(
		one(
			"""select customer, count(*) from `tabCustomer Order`
			where name like %(prefix)s and docstatus = 1 group by customer"""
		)
	)
	assert len(orders) == counts["Customers with orders"]
	assert sum(orders.values()) / len(orders) > 2  # repeat buyers, not one order each
	assert sum(n >= 5 for n in orders.values()) == counts["Customers with 5+ orders"] > 0
	assert sum(n == 1 for n in orders.values()) > 0  # and one-time buyers
	assert not one(
		f"""select name from `tabCustomer Order` where name like %(prefix)s and order_date > '{ANCHOR}'"""
	)
	# sites and contacts are the customers' (Dynamic Links); an order's site and contact are its customer's
	for doctype in ("Address", "Contact"):
		assert counts[doctype] > 0
		assert not one(
			f"""select d.name from `tab{doctype}` d left join `tabDynamic Link` l on l.parent = d.name
			and l.parenttype = '{doctype}' and l.link_doctype = 'Sales Customer'
			where d.name like %(prefix)s and l.link_name is null"""
		), doctype
	for field, doctype in (("customer_address", "Address"), ("contact", "Contact")):
		assert not one(
			f"""select o.name from `tabCustomer Order` o
			where o.name like %(prefix)s and o.{field} is not null
			and not exists (select 1 from `tabDynamic Link` l where l.parenttype = '{doctype}'
				and l.parent = o.{field} and l.link_doctype = 'Sales Customer'
				and l.link_name = o.customer)"""
		), field
	assert not one("select name from `tabCustomer Order` where name like %(prefix)s and contact is null")
	contacts = dict(
		one(
			"""select l.link_name, count(*) from `tabDynamic Link` l where l.parent like %(prefix)s
			and l.parenttype = 'Contact' group by l.link_name"""
		)
	)
	assert len(contacts) == counts["Sales Customer"] and set(contacts.values()) <= {1, 2, 3}
	sites = dict(
		one(
			"""select l.link_name, count(*) from `tabDynamic Link` l where l.parent like %(prefix)s
			and l.parenttype = 'Address' group by l.link_name"""
		)
	)
	assert max(sites.values()) >= 2 and min(sites.values()) == 1  # large customers' several sites
	assert one(
		"""select name from `tabCustomer Order` where name like %(prefix)s and customer_address is not null"""
	)
	# follow-ups: on opportunities and customers, the next one never before this one; open only on
	# open opportunities
	assert counts["Sales Follow Up"] > 0
	assert one("select name from `tabSales Follow Up` where name like %(prefix)s and opportunity is null")
	assert not one(
		"""select name from `tabSales Follow Up` where name like %(prefix)s
		and next_follow_up_date < follow_up_date"""
	)
	assert not one(
		"""select f.name from `tabSales Follow Up` f join `tabSales Opportunity` o on o.name = f.opportunity
		where f.name like %(prefix)s and f.status != 'Closed' and o.status != 'Open'"""
	)

	# customer mining over the demo fits the models and scores its customers
	from sales_crm import owned
	from sales_crm.flows import mining

	with owned.by_server():  # as mining.start_run writes it, without queueing the job
		run = frappe.get_doc(
			{
				"doctype": "Customer Mining Run",
				"status": "Queued",
				"started_by": "Administrator",
				"calibration_end": ANCHOR,
			}
		).insert(ignore_permissions=True)
	figures = mining.execute(run.name)
	assert figures["status"] == "Completed" and figures["repeat_customers"] > 0
	assert figures["bgnbd_r"] > 0 and figures["gg_p"] > 0  # fitted, not fallen back
	scores = frappe.get_all(
		"Sales Customer",
		filters={"name": ["like", prefix], "last_scored_on": ["is", "set"]},
		fields=["p_alive", "churn_risk", "expected_orders_365"],
	)
	assert len(scores) == counts["Customers with orders"]
	assert all(0 <= s.p_alive <= 100 for s in scores)  # a percentage
	assert any(s.p_alive < 100 for s in scores)  # repeat buyers gone quiet
	assert {"High", "Low"} <= {s.churn_risk for s in scores}


def test_the_same_seed_and_anchor_give_the_same_data(monkeypatch):
	def rows(seed):
		generated = []
		loader = demo.Demo(300, seed=seed, anchor=ANCHOR, commit=False)
		loader.masters()
		monkeypatch.setattr(
			loader,
			"flush",
			lambda: (generated.append({k: list(v) for k, v in loader.rows.items()}), loader.rows.clear()),
		)
		loader.generate()
		return generated

	assert rows(7) == rows(7)
	assert rows(7) != rows(8)


def test_order_rows_name_the_contract_rows_they_order(seed):
	"""A contract row's ordered quantity is the sum of the order rows that name it (chain.ROLLUPS), as the
	next posting on the order recomputes it: the demo stores both, and they agree."""
	demo.make_demo(300, seed=seed, commit=False)
	rows = frappe.db.sql(
		"""select ci.name, ci.qty, ci.ordered_qty,
			(select coalesce(sum(oi.qty), 0) from `tabCustomer Order Item` oi
			 where oi.contract_item = ci.name and oi.docstatus = 1) as linked
		from `tabSales Contract Item` ci join `tabSales Contract` c on c.name = ci.parent
		where c.name like %s and c.docstatus = 1""",
		f"DEMO{seed}-%",
		as_dict=True,
	)
	assert any(row.ordered_qty for row in rows)
	assert [row for row in rows if abs(row.ordered_qty - row.linked) > 1e-6] == []
