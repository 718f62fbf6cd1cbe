import pytest

from sales_crm.sanitize import problem_with


@pytest.mark.parametrize(
	"fieldtype, value, rule",
	[
		("Currency", 12.5, None),
		("Currency", "12.5", None),
		("Currency", None, None),
		("Currency", float("nan"), "number"),
		("Float", float("-inf"), "number"),
		("Percent", "abc", "number"),
		("Currency", [1], "number"),
		("Currency", {"a": 1}, "number"),
		("Currency", True, "number"),
		("Currency", 10**13, "too_large"),
		("Int", 3, None),
		("Int", 3.5, "integer"),
		("Int", 2**40, "too_large"),
		("Check", True, None),
		("Check", 1, None),
		("Date", "2026-02-30", "date"),
		("Date", "2026-02-28", None),
		("Date", 12, "date"),
		("Datetime", "not a time", "date"),
		("Data", {"x": 1}, "text"),
		("Link", ["a"], "text"),
		("Data", "<script>", None),
		("Small Text", 5, "text"),
		("Data", 5, None),
		("Data", True, "text"),
		("Small Text", False, "text"),
		("Select", 1, "text"),
		("Link", 7, "text"),
	],
)
def test_problem_with(fieldtype, value, rule):
	assert problem_with(fieldtype, value) == rule


def test_a_number_is_not_a_phone_an_email_or_a_url():
	"""Frappe checks those with str methods: a number there would end as an HTTP 500."""
	from sales_crm.sanitize import problem_with

	for kind in ("Phone", "Email", "URL"):
		assert problem_with(kind, 1.0) == "text"
		assert problem_with(kind, 13800000000) == "text"
		assert problem_with(kind, "021-55550102") is None
	assert problem_with("Data", 1.0) is None  # plain text takes a number, as Frappe stores it


def test_long_text_is_text():
	"""A number in a Small Text ends in Frappe's formatter (a version diff) as an HTTP 500: refused."""
	from sales_crm.sanitize import problem_with

	for kind in ("Small Text", "Text", "Long Text", "Text Editor", "Code"):
		assert problem_with(kind, 1) == "text"
		assert problem_with(kind, "words") is None
