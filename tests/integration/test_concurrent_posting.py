"""Four clients pay, advance, offset and refund on the same customers over a real multi-worker server for
~20 s (benchmarks/concurrent_posting.py, briefly): every refusal is a clean conflict (409/417 with a
message), nothing answers 5xx, and the books of those customers balance afterwards."""

import sys
from pathlib import Path

import pytest
from server import Server

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import concurrent_posting


@pytest.fixture(scope="module")
def served(bench, site):
	srv = Server(bench, site, workers=4).start()
	yield srv
	srv.stop()


def test_concurrent_postings_refuse_cleanly_and_keep_the_books(served, site):
	prepared = concurrent_posting.prepare(customers=3, clients=4, qty=10_000)
	stats = concurrent_posting.hammer(served.url, site, prepared, clients=4, seconds=20)
	concurrent_posting.print_stats(stats)
	failures = sum(counts["failure"] for counts in stats.counts.values())
	assert failures == 0, stats.failures
	# every kind of posting went through at least once while the others ran
	posted = {op: counts["ok"] for op, counts in stats.counts.items()}
	assert all(posted.get(op, 0) > 0 for op in ("payment", "advance", "offset")), posted
	assert concurrent_posting.check(prepared["customers"]) == []
	# and the check is not empty: these customers' receivables and receipts are there to be checked
	counted = concurrent_posting.totals(prepared["customers"])
	assert counted["Sales Receivable"] >= 6 and counted["Sales Receipt"] >= posted["payment"], counted
