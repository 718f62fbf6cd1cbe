"""Payment plans: shares to amounts to the cent, due rules, collections set oldest due first."""

from datetime import date

from sales_crm.rules.collections import (
	DELIVERY,
	INVOICE,
	SIGNING,
	Term,
	check_terms,
	due_date,
	generate,
	line_status,
	settle,
	split,
	sums_to,
)

SIGNED = date(2026, 3, 1)


def test_shares_split_the_total_and_the_last_line_takes_the_rounding():
	terms = [Term("a", share=33.33), Term("b", share=33.33), Term("c", share=33.34)]
	amounts = split(terms, 100.01, 2)
	assert amounts == [33.33, 33.33, 33.35]
	assert sums_to(amounts, 100.01)
	thirds = split([Term("a", share=30), Term("b", share=70)], 1000.01, 2)
	assert thirds == [300.0, 700.01] and sum(thirds) == 1000.01


def test_standard_templates_add_up_exactly():
	for shares in ((30, 70), (30, 60, 10)):
		for total in (0.01, 1, 99.99, 1234567.89, 10000):
			amounts = split([Term(str(s), share=s) for s in shares], total, 2)
			assert sums_to(amounts, total), (shares, total, amounts)
			assert all(a >= 0 for a in amounts)


def test_fixed_amounts_first_shares_of_the_rest():
	assert split([Term("deposit", amount=1000), Term("rest", share=100)], 5000, 2) == [1000.0, 4000.0]
	assert split([Term("a", amount=1), Term("b", amount=2)], 3, 2) == [1.0, 2.0]
	assert split([Term("a", share=50), Term("b", share=50)], 1, 0) == [0.0, 1.0]
	ten = split([Term(str(k), share=10) for k in range(10)], 5, 0)
	assert sum(ten) == 5 and min(ten) >= 0


def test_precision_zero_currency():
	assert split([Term("a", share=30), Term("b", share=70)], 1001, 0) == [300.0, 701.0]


def test_template_checks():
	assert check_terms([Term("a", share=30), Term("b", share=70)]) == []
	[problem] = check_terms([Term("a", share=30), Term("b", share=60)])
	assert problem.rule == "shares_sum" and problem.value == "90%"
	rules = {p.rule for p in check_terms([Term("a", share=30, amount=5, idx=1), Term("b", share=70, idx=2)])}
	assert rules == {"share_or_amount"}
	assert {p.rule for p in check_terms([Term("a", idx=1)])} == {"positive"}
	assert {p.rule for p in check_terms([Term("a", share=101, idx=1)])} >= {"percent"}
	assert {p.rule for p in check_terms([Term("a", amount=5, days=-1, idx=1)])} == {"non_negative"}
	assert {p.rule for p in check_terms([Term("a", amount=5, due_rule="Whenever", idx=1)])} == {"due_rule"}


def test_due_dates_from_the_rules():
	bases = {SIGNING: SIGNED, DELIVERY: None, INVOICE: None}
	assert due_date(SIGNING, 10, bases) == date(2026, 3, 11)
	assert due_date(DELIVERY, 10, bases) is None
	lines = generate(
		[
			Term("首款", share=30, due_rule=SIGNING, days=0),
			Term("尾款", share=70, due_rule=DELIVERY, days=30),
		],
		1000,
		2,
		bases,
	)
	assert [(l.amount, l.due_date) for l in lines] == [(300.0, SIGNED), (700.0, None)]
	assert due_date(DELIVERY, 30, {DELIVERY: date(2026, 4, 1)}) == date(2026, 5, 1)


def test_statuses():
	today = date(2026, 6, 1)
	assert line_status(100, 0, date(2026, 7, 1), today) == "Planned"
	assert line_status(100, 40, date(2026, 7, 1), today) == "Partly Received"
	assert line_status(100, 40, date(2026, 5, 1), today) == "Overdue"
	assert line_status(100, 0, None, today) == "Planned"
	assert line_status(100, 100, date(2026, 5, 1), today) == "Received"


def test_collections_settle_oldest_due_first_undated_last():
	today = date(2026, 6, 1)
	lines = [(300, None, 1), (500, date(2026, 7, 1), 2), (200, date(2026, 5, 1), 3)]
	got = settle(lines, 450, today)
	assert [(s.received, s.outstanding, s.status) for s in got] == [
		(0, 300, "Planned"),
		(250, 250, "Partly Received"),
		(200, 0, "Received"),
	]
	for collected in (0, 1, 450, 999.99, 1000, 5000):
		got = settle(lines, collected, today)
		assert all(s.received + s.outstanding == a for s, (a, _d, _i) in zip(got, lines, strict=True))
		assert sum(s.received for s in got) == min(collected, 1000)
	assert [s.status for s in settle(lines, 0, date(2026, 8, 1))] == ["Planned", "Overdue", "Overdue"]


def test_collections_settle_a_named_line_first_then_oldest_due_first():
	today = date(2026, 6, 1)
	lines = [(300, date(2026, 5, 1), 1), (500, date(2026, 7, 1), 2), (200, None, 3)]
	# 450 collected, 400 of it named for the 尾款 (line 3, capped at its 200) and 100 for line 2
	got = settle(lines, 450, today, named=[0, 100, 400])
	assert [(s.received, s.outstanding, s.status) for s in got] == [
		(150, 150, "Overdue"),  # the unnamed 150 left goes to the oldest due line
		(100, 400, "Partly Received"),
		(200, 0, "Received"),
	]
	# a named line filled up first takes nothing more; the rest fills the others oldest due first
	got = settle(lines, 900, today, named=[0, 500, 0])
	assert [s.received for s in got] == [300, 500, 100]
	for collected in (0, 1, 450, 1000, 5000):
		for named in ([0, 0, 0], [300, 0, 0], [0, 500, 200], [1000, 1000, 1000]):
			got = settle(lines, collected, today, named=named)
			assert all(s.received + s.outstanding == a for s, (a, _d, _i) in zip(got, lines, strict=True))
			assert all(0 <= s.received <= a for s, (a, _d, _i) in zip(got, lines, strict=True))
			assert sum(s.received for s in got) == min(collected, 1000)
	# nothing named settles as before
	assert settle(lines, 450, today, named=[0, 0, 0]) == settle(lines, 450, today)


def test_fapiao_formats():
	from sales_crm.rules.collections import ELECTRONIC, ORDINARY, SPECIAL, fapiao_problems

	assert fapiao_problems(SPECIAL, "12345678", 13) == []
	assert fapiao_problems(ORDINARY, "00000001", 0) == []
	assert fapiao_problems(ELECTRONIC, "2" * 20, 6) == []
	assert fapiao_problems(SPECIAL, "1234567", None) == [("fapiao_digits", 8)]
	assert fapiao_problems(ELECTRONIC, "12345678", None) == [("fapiao_digits", 20)]
	assert fapiao_problems(SPECIAL, "1234567a", None) == [("fapiao_digits", 8)]
	assert fapiao_problems(SPECIAL, "１２３４５６７８", None) == [("fapiao_digits", 8)]
	assert fapiao_problems(None, "12345678", None) == [("fapiao_type_missing", "12345678")]
	assert fapiao_problems(None, None, 101) == [("fapiao_rate_range", 101)]
	assert fapiao_problems(None, None, -1) == [("fapiao_rate_range", -1)]
	assert fapiao_problems(None, None, 5) == [("fapiao_unusual_rate", 5)]
	assert fapiao_problems(None, None, 9.0) == []


def test_dingtalk_signature_and_payloads():
	import base64
	import hashlib
	import hmac
	from urllib.parse import parse_qs, unquote_plus, urlsplit

	from sales_crm.rules.collections import dingtalk_sign, robot_payload, signed_url

	secret, ts = "SEC0123456789", 1733300000000
	expected = base64.b64encode(
		hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
	)
	assert unquote_plus(dingtalk_sign(secret, ts)) == expected.decode()
	url = signed_url("https://oapi.dingtalk.com/robot/send?access_token=abc", secret, ts)
	query = parse_qs(urlsplit(url).query)
	assert query["access_token"] == ["abc"] and query["timestamp"] == [str(ts)]
	assert query["sign"] == [expected.decode()]
	assert signed_url("https://x/y?key=1", None, ts) == "https://x/y?key=1"
	assert robot_payload("DingTalk", "T", "body")["markdown"]["title"] == "T"
	assert robot_payload("WeCom", "T", "body") == {
		"msgtype": "markdown",
		"markdown": {"content": "**T**\nbody"},
	}
