"""The app's background jobs (a large lead import, a large commission generation, a large plan
compilation): where each stands, kept in Redis for the caller who asked, and read back by them.

The request writes the state ``queued`` and enqueues; the ``long`` worker updates it as it goes and
publishes progress to the job's task room. The keys outlive a cache clear (``persistent_cache_keys``).
"""

from __future__ import annotations

import contextlib
import hashlib

import frappe
from frappe.utils import cstr, now_datetime

from sales_crm.org import has_role

QUEUE = "long"
RESULT_TTL = 7 * 24 * 3600  # how long a finished job's state can be read (seconds)


def new_id(kind: str) -> str:
	return f"{kind}-{frappe.generate_hash(length=16)}"


def _key(job_id: str) -> str:
	return f"sales_crm:job:{job_id}"


def save(job_id: str, state: dict) -> None:
	state["updated_on"] = str(now_datetime())
	frappe.cache.set_value(_key(job_id), state, expires_in_sec=RESULT_TTL)


def load(job_id: str) -> dict | None:
	# expires=True: always from Redis (the worker writes it), never this process's copy
	return frappe.cache.get_value(_key(job_id), expires=True)


def state_for_caller(job_id, not_found: str, not_permitted: str) -> dict:
	"""The job's state for the user who started it (or a System Manager). A job the queue lost or that
	died before it could say so reads ``failed``. ``not_found`` and ``not_permitted`` are the caller's
	translated messages, with ``{0}`` for the job id."""
	job_id = cstr(job_id)
	state = load(job_id)
	if not state:
		frappe.throw(not_found.format(frappe.bold(job_id)), frappe.DoesNotExistError)
	if state.get("user") != frappe.session.user and not has_role({"System Manager"}):
		frappe.throw(not_permitted.format(job_id), frappe.PermissionError)
	if state.get("status") in ("queued", "started") and gone(job_id):
		state["status"] = "failed"
	return state


def gone(job_id: str) -> bool:
	"""Whether RQ lost the job or it ended without finishing (failed, stopped, cancelled)."""
	from frappe.utils.background_jobs import get_job

	job = get_job(job_id)
	return job is None or job.get_status() in ("failed", "stopped", "canceled")


def turn_lock(kind: str) -> str:
	"""The name of the site-wide MariaDB lock of the jobs of ``kind`` (at most 64 characters)."""
	return f"sales_crm_{kind}_" + hashlib.md5(frappe.local.site.encode()).hexdigest()


@contextlib.contextmanager
def turn(kind: str, wait: int):
	"""The block run while this connection holds the site's lock of the jobs of ``kind``: one such job at a
	time on a site, even for two started in the same instant. Yields whether the lock was taken within
	``wait`` seconds. The lock outlives the job's commits; MariaDB frees it when the worker's connection
	ends, however the worker dies."""
	lock = turn_lock(kind)
	taken = frappe.db.sql("select get_lock(%s, %s)", (lock, wait))[0][0] == 1
	try:
		yield taken
	finally:
		if taken:
			frappe.db.sql("select release_lock(%s)", lock)
