from sales_crm.rules.approval import (
	COMMISSION_RATE,
	DRIFT,
	NO_SOURCE,
	approval_reasons,
	same_rate,
	terms_fingerprint,
)


def test_nothing_to_approve_when_source_matches_and_rate_is_policy():
	assert approval_reasons(True, [], 3, 3.0) == []
	assert approval_reasons(True, [], None, 5) == []  # no commission on this kind of document


def test_each_reason_is_reported():
	reasons = approval_reasons(False, [(1, "discount_percentage", 60, 10)], 60, 3)
	assert reasons == [(NO_SOURCE,), (DRIFT, 1, "discount_percentage", 60, 10), (COMMISSION_RATE, 60, 3)]


def test_rates_compare_as_numbers():
	assert same_rate("3", 3.0) and same_rate(None, 0)
	assert not same_rate(3.0001, 3)


def test_fingerprint_changes_with_any_term_and_ignores_number_spelling():
	rows = [{"product": "P1", "qty": 10, "rate": 90.0, "discount_percentage": 10}]
	base = terms_fingerprint({"customer": "C1", "tax_rate": 13}, rows)
	assert base == terms_fingerprint({"tax_rate": 13.0, "customer": "C1"}, [dict(rows[0], qty=10.0)])
	assert base != terms_fingerprint({"customer": "C1", "tax_rate": 13}, [dict(rows[0], rate=89.99)])
	assert base != terms_fingerprint({"customer": "C1", "tax_rate": 0}, rows)
	assert base != terms_fingerprint({"customer": "C1", "tax_rate": 13}, [*rows, rows[0]])
