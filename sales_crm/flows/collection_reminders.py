"""Reminders of payment plan lines (回款提醒): daily, N days before a line falls due and while it is overdue.

- Desk notifications (Notification Log) to the contract's (order's) salesperson, and to the department's
  manager for an overdue line; one a day per person and line.
- One message per department to its group robot (WeCom or DingTalk, ``Sales Department.robot_*``), queued on
  RQ after the job's commit, so that nothing waits for a robot; each attempt is recorded as a Webhook Request
  Log; a 5xx or a connection error is retried with a growing pause, a refusal (4xx, errcode ≠ 0) is not.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from urllib.parse import urlsplit

import frappe
from frappe import _
from frappe.utils import add_days, cint, fmt_money, getdate, nowdate

from sales_crm.rules import collections as rules
from sales_crm.utils import get_settings

ATTEMPTS = 3
BACKOFF_SECONDS = 1.0


def due_lines(today, days_before: int, overdue: bool) -> list[dict]:
	"""Open lines of submitted contracts and direct orders falling due in ``days_before`` days (when > 0) or,
	with ``overdue``, due before ``today``."""
	conditions = []
	if days_before > 0:
		conditions.append("l.due_date = %(soon)s")
	if overdue:
		conditions.append("l.due_date < %(today)s")
	if not conditions:
		return []
	found = []
	for doctype in ("Sales Contract", "Customer Order"):
		found += frappe.db.sql(
			f"""select l.name, l.label, l.due_date, l.outstanding_amount, l.parent, l.parenttype,
				p.sales_person, p.sales_department, p.customer, p.currency
			from `tabSales Payment Plan Line` l join `tab{doctype}` p on p.name = l.parent
			where l.parenttype = %(doctype)s and l.parentfield = 'payment_plan' and p.docstatus = 1
				and l.outstanding_amount > 0 and ({" or ".join(conditions)})
			order by l.due_date, l.parent, l.idx""",
			{"doctype": doctype, "today": today, "soon": add_days(today, days_before)},
			as_dict=True,
		)
	return found


def describe(line, today) -> str:
	amount = fmt_money(line.outstanding_amount, currency=line.currency)
	if getdate(line.due_date) < today:
		return _("{0} {1} ({2}): {3} {4} was due on {5}").format(
			_(line.parenttype),
			line.parent,
			line.customer,
			line.label,
			amount,
			frappe.format(line.due_date, "Date"),
		)
	return _("{0} {1} ({2}): {3} {4} falls due on {5}").format(
		_(line.parenttype),
		line.parent,
		line.customer,
		line.label,
		amount,
		frappe.format(line.due_date, "Date"),
	)


def send_collection_reminders(today=None) -> dict:
	"""The daily job (hooks ``scheduler_events``)."""
	settings = get_settings()
	today = getdate(today or nowdate())
	lines = due_lines(today, cint(settings.remind_days_before_due), cint(settings.remind_overdue))
	managers = dict(frappe.get_all("Sales Department", fields=["name", "manager"], as_list=True))
	by_department = defaultdict(list)
	notified = 0
	for line in lines:
		text = describe(line, today)
		users = {line.sales_person}
		if getdate(line.due_date) < today:
			users.add(managers.get(line.sales_department))
		for user in sorted(u for u in users if u):
			notified += notify(user, line, text)
		if line.sales_department:
			by_department[line.sales_department].append(text)
	queued = 0
	for department, texts in sorted(by_department.items()):
		robot = frappe.db.get_value(
			"Sales Department", department, ["robot_type", "robot_webhook_url"], as_dict=True
		)
		if not (robot and robot.robot_type and robot.robot_webhook_url):
			continue
		frappe.enqueue(
			"sales_crm.flows.collection_reminders.post_to_robot",
			queue="long",
			enqueue_after_commit=True,
			department=department,
			title=_("Collection reminders: {0}").format(department),
			text="\n".join(f"- {t}" for t in texts),
		)
		queued += 1
	return {"lines": len(lines), "notified": notified, "robots": queued}


def notify(user: str, line, text: str) -> int:
	"""A desk notification about the line, once a day per user."""
	subject = _("Collection reminder: {0}").format(text)
	if frappe.db.exists(
		"Notification Log",
		{"for_user": user, "document_name": line.parent, "subject": subject, "creation": [">=", nowdate()]},
	):
		return 0
	frappe.get_doc(
		{
			"doctype": "Notification Log",
			"for_user": user,
			"type": "Alert",
			"subject": subject,
			"document_type": line.parenttype,
			"document_name": line.parent,
		}
	).insert(ignore_permissions=True)
	return 1


def post_to_robot(department: str, title: str, text: str, attempts: int = ATTEMPTS) -> bool:
	"""Send one message to the department's robot (an RQ job), retrying a 5xx or a connection error."""
	import requests

	dept = frappe.get_doc("Sales Department", department)
	secret = (
		dept.get_password("robot_secret", raise_exception=False)
		if dept.robot_type == rules.DINGTALK
		else None
	)
	payload = rules.robot_payload(dept.robot_type, title, text)
	for attempt in range(1, attempts + 1):
		url = rules.signed_url(dept.robot_webhook_url, secret, int(time.time() * 1000))
		response, error, retry = None, None, True
		try:
			response = requests.post(url, json=payload, timeout=10)
			retry = response.status_code >= 500
			if response.status_code >= 300:
				error = f"HTTP {response.status_code}"
			elif _errcode(response):
				error, retry = f"errcode {_errcode(response)}", False
		except requests.RequestException as e:
			error = f"{type(e).__name__}: {e}"
		log(department, dept.robot_webhook_url, payload, response, error, attempt)
		if not error:
			return True
		if not retry or attempt == attempts:
			return False
		time.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
	return False


def _errcode(response) -> int:
	try:
		return cint((response.json() or {}).get("errcode"))
	except ValueError:
		return 0


def log(department: str, url: str, payload: dict, response, error: str | None, attempt: int) -> None:
	"""One Webhook Request Log per attempt, committed at once (a later failure keeps it). The URL is logged
	without its query (a robot's access token is a credential)."""
	parts = urlsplit(url)
	frappe.get_doc(
		{
			"doctype": "Webhook Request Log",
			"url": f"{parts.scheme}://{parts.netloc}{parts.path}",
			"reference_document": f"Sales Department {department} #{attempt}",
			"user": frappe.session.user,
			"data": json.dumps(payload, ensure_ascii=False),
			"response": response.text[:5000] if response is not None else None,
			"error": error,
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
