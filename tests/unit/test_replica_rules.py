"""When a read replica may serve reads (sales_crm/rules/replica.py)."""

import pytest

from sales_crm.rules.replica import DEFAULT_CHECK_SECONDS, DEFAULT_MAX_LAG_SECONDS, setting, verdict


def status(io="Yes", sql="Yes", lag=0, **more):
	return {"Slave_IO_Running": io, "Slave_SQL_Running": sql, "Seconds_Behind_Master": lag, **more}


def test_a_running_replica_within_the_bound_serves():
	assert verdict(status(lag=0), 10) == (True, "replica is 0 s behind")
	assert verdict(status(lag=10), 10)[0] is True


def test_a_replica_behind_the_bound_does_not_serve():
	ok, reason = verdict(status(lag=11), 10)
	assert not ok and "11 s behind" in reason and "10 s" in reason
	assert verdict(status(lag=1), 0)[0] is False


def test_a_stopped_or_connecting_thread_does_not_serve_and_says_why():
	ok, reason = verdict(status(sql="No", lag=None, Last_SQL_Error="Duplicate entry 'x'"), 10)
	assert not ok and reason == "replication SQL thread is No: Duplicate entry 'x'"
	ok, reason = verdict(status(io="Connecting", lag=None), 10)
	assert not ok and reason == "replication I/O thread is Connecting"
	# a thread that stopped while the lag column still reads 0 (as it can for an instant)
	assert verdict(status(io="No", lag=0), 10)[0] is False
	assert verdict(status(sql="No", lag=0), 10)[0] is False


def test_an_unknown_lag_does_not_serve():
	assert verdict(status(lag=None), 10) == (False, "replication lag unknown")
	assert verdict(status(lag="soon"), 10)[0] is False


@pytest.mark.parametrize("row", [None, {}])
def test_a_server_that_is_not_a_replica_does_not_serve(row):
	ok, reason = verdict(row, 10)
	assert not ok and "not a replica" in reason


def test_settings_fall_back_to_their_defaults_and_respect_the_minimum():
	assert setting(None, DEFAULT_MAX_LAG_SECONDS) == DEFAULT_MAX_LAG_SECONDS
	assert setting("", 5.0) == 5.0
	assert setting("abc", 5.0) == 5.0
	assert setting(True, 5.0) == 5.0
	assert setting(float("nan"), 5.0) == 5.0
	assert setting("2.5", 5.0) == 2.5
	assert setting(30, DEFAULT_CHECK_SECONDS) == 30.0
	assert setting(-3, 5.0) == 0.0
	assert setting(0, DEFAULT_CHECK_SECONDS, minimum=1) == 1
