"""Reads from a MariaDB read replica only while it is up and current (docs/SCALING.md "Read replicas").

Frappe v15 connects ``@frappe.read_only()`` methods — query reports, list views and counts — to the
replica named by the site config (``read_from_replica``, ``replica_host``, ``replica_db_port``). It never
checks the replica: one that is down turns every report and list into an HTTP 500 (the first query fails
to connect), and one that lags answers with old figures, however old.

The ``before_request`` and ``before_job`` hooks below ask the replica for its replication status at most
every ``replica_check_seconds`` (default 5; the answer is shared by every worker through Redis) and, while
the replica is down, not replicating or more than ``replica_max_lag_seconds`` (default 10) behind, turn
``read_from_replica`` off for the request or job: its reads go to the primary. Reading the status takes the
``SLAVE MONITOR`` privilege on the replica (for the site's database user, or the replica user when the site
has ``different_credentials_for_replica``); without it the replica is never used.
"""

from __future__ import annotations

import time

import frappe

from sales_crm.rules import replica as rules

CACHE_KEY = "sales_crm:replica_health"


def replica_settings(conf) -> dict:
	"""Where the replica is and who logs in to it, as ``frappe.connect_replica`` reads them."""
	user, password = conf.db_name, conf.db_password
	if conf.different_credentials_for_replica:
		user, password = conf.replica_db_name, conf.replica_db_password
	return {
		"host": conf.replica_host,
		"port": int(conf.replica_db_port or 3306),
		"user": user,
		"password": password,
		"database": conf.db_name,
	}


def probe(conf) -> tuple[bool, str]:
	"""Connect to the replica (1 s to connect, 2 s to answer) and judge its replication status."""
	import pymysql

	settings = replica_settings(conf)
	if not settings["host"]:
		return False, "no replica_host in the site config"
	try:
		connection = pymysql.connect(
			**settings,
			connect_timeout=1,
			read_timeout=2,
			write_timeout=2,
			cursorclass=pymysql.cursors.DictCursor,
		)
	except Exception as e:
		return False, f"cannot connect to the replica: {e}"
	try:
		with connection.cursor() as cursor:
			cursor.execute("SHOW SLAVE STATUS")
			status = cursor.fetchone()
	except Exception as e:
		return False, f"cannot read the replica's status: {e}"
	finally:
		connection.close()
	return rules.verdict(status, rules.setting(conf.replica_max_lag_seconds, rules.DEFAULT_MAX_LAG_SECONDS))


def health(conf=None) -> dict:
	"""``{"ok", "reason", "checked_at"}`` of the site's replica, probed at most every
	``replica_check_seconds`` (cached in Redis, shared by every process of the site)."""
	conf = conf or frappe.local.conf
	cached = frappe.cache().get_value(CACHE_KEY)
	if cached:
		return cached
	ok, reason = probe(conf)
	state = {"ok": ok, "reason": reason, "checked_at": time.time()}
	ttl = rules.setting(conf.replica_check_seconds, rules.DEFAULT_CHECK_SECONDS, minimum=1)
	frappe.cache().set_value(CACHE_KEY, state, expires_in_sec=max(int(ttl), 1))
	if not ok:
		frappe.logger("sales_crm.replica").warning(f"reads go to the primary: {reason}")
	return state


def use_replica_if_healthy(*args, **kwargs) -> None:
	"""``before_request`` / ``before_job`` hook: while the replica may not serve, this request's or job's
	``@frappe.read_only()`` reads go to the primary."""
	conf = getattr(frappe.local, "conf", None)
	if not conf or not conf.read_from_replica:
		return
	try:
		ok = health(conf)["ok"]
	except Exception:
		# Redis or the probe itself failed: the primary answers for certain.
		frappe.logger("sales_crm.replica").exception("replica check failed; reads go to the primary")
		ok = False
	if not ok:
		conf.read_from_replica = 0


@frappe.whitelist()
@frappe.read_only()
def number_card_result(doc, filters, to_date=None):
	"""``frappe.desk.doctype.number_card.number_card.get_result`` (overridden in hooks) on the replica:
	a Document Type number card is one aggregate over a list, the read the replica is for. Frappe v15
	marks list views and counts ``read_only`` but not this; the result is Frappe's own."""
	from frappe.desk.doctype.number_card.number_card import get_result

	return get_result(doc, filters, to_date)
