"""When a read replica may serve reads (docs/SCALING.md "Read replicas"), as plain functions.

Frappe v15 sends the reads of ``@frappe.read_only()`` methods (query reports, list views, counts) to
``replica_host`` when the site config has ``read_from_replica``, and never checks that the replica is up
or current. ``sales_crm/replica.py`` asks the replica for its replication status every few seconds and
reads from the primary instead while :func:`verdict` says the replica may not serve.
"""

from __future__ import annotations

DEFAULT_MAX_LAG_SECONDS = 10.0
DEFAULT_CHECK_SECONDS = 5.0


def setting(value, default: float, minimum: float = 0.0) -> float:
	"""A number from the site config; ``default`` when it is missing or not a number, never below
	``minimum``."""
	if value is None or isinstance(value, bool) or value == "":
		return default
	try:
		number = float(value)
	except (TypeError, ValueError):
		return default
	if number != number or number in (float("inf"), float("-inf")):
		return default
	return max(number, minimum)


def verdict(status: dict | None, max_lag_seconds: float) -> tuple[bool, str]:
	"""Whether a replica whose ``SHOW SLAVE STATUS`` row is ``status`` may serve reads, and why not.

	It may when both replication threads run and it is at most ``max_lag_seconds`` behind the primary.
	A stopped thread leaves the lag unknown (MariaDB reports ``Seconds_Behind_Master`` as NULL): the
	replica's data could be any age, so it may not serve. ``None`` is a server that is not a replica,
	or whose status could not be read."""
	if not status:
		return False, "no replication status (not a replica, or the user lacks SLAVE MONITOR)"
	io_running = str(status.get("Slave_IO_Running") or "")
	sql_running = str(status.get("Slave_SQL_Running") or "")
	if io_running != "Yes":
		error = status.get("Last_IO_Error") or ""
		return False, f"replication I/O thread is {io_running or 'unknown'}" + (f": {error}" if error else "")
	if sql_running != "Yes":
		error = status.get("Last_SQL_Error") or ""
		return False, f"replication SQL thread is {sql_running or 'unknown'}" + (
			f": {error}" if error else ""
		)
	lag = status.get("Seconds_Behind_Master")
	if lag is None or lag == "":
		return False, "replication lag unknown"
	try:
		lag = float(lag)
	except (TypeError, ValueError):
		return False, f"replication lag unreadable: {lag!r}"
	if lag > max_lag_seconds:
		return False, f"replica is {lag:g} s behind (more than {max_lag_seconds:g} s)"
	return True, f"replica is {lag:g} s behind"
