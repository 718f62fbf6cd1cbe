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
