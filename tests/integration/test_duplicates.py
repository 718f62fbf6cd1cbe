"""Duplicate matching on stored, indexed keys (sales_crm.rules.normalize, sales_crm.flows.leads): matches
and non-matches with Chinese names, full-width digits and phone formats, the keys kept on every save,
the patch that fills them, and the lookups served by indexes."""

import random

import frappe
import pytest
from factories import make_customer
from frappe.utils import random_string

from sales_crm import api
from sales_crm.flows import leads as lead_flow
from sales_crm.patches.v1 import fill_duplicate_keys


def cjk_tag(length: int = 6) -> str:
	"""Random Chinese characters, so that every run's company names are new."""
	return "".join(chr(random.randint(0x4E00, 0x9FA5)) for _ in range(length))


def mobile() -> str:
	return f"13{random.randint(100000000, 999999999)}"


def landline() -> str:
	return f"{random.randint(20000000, 89999999)}"


def make_lead(**kwargs):
	values = {
		"doctype": "Sales Lead",
		"lead_source": "800 Hotline",
		"company_name": f"Lead {random_string(10)}",
	}
	values.update(kwargs)
	return frappe.get_doc(values).insert()


def duplicate_of(**kwargs):
	"""What the intake answers for one lead with these fields."""
	row = {"company_name": f"Fresh {random_string(10)}", "lead_source": "800 Hotline", **kwargs}
	answer = api.import_leads([row])[0]
	return (answer["doctype"], answer["of"]) if answer["status"] == "duplicate" else answer["status"]


def test_chinese_names_match_across_spacing_width_and_legal_forms():
	tag = cjk_tag()
	customer = make_customer(customer_name=f"北京{tag}科技有限公司")
	for name in (
		f"北京{tag}科技有限责任公司",
		f"北京{tag}科技 股份有限公司",
		f"北京{tag}科技公司",
		f" 北京 {tag} 科技 ",
		f"北京{tag}科技（有限公司）",
	):
		assert duplicate_of(company_name=name) == ("Sales Customer", customer.name), name
	for name in (f"上海{tag}科技有限公司", f"北京{tag}贸易有限公司", f"北京{tag}科技集团有限公司"):
		assert duplicate_of(company_name=name) == "created", name


def test_latin_names_match_across_case_width_punctuation_and_legal_forms():
	tag = random_string(8).lower()
	lead = make_lead(company_name=f"Wuxi {tag} Valve Co., Ltd.")
	for name in (f"WUXI {tag.upper()} VALVE", f"Wuxi-{tag}-Valve Limited", f"ＷＵＸＩ {tag} ＶＡＬＶＥ Inc."):
		assert duplicate_of(company_name=name) == ("Sales Lead", lead.name), name
	assert duplicate_of(company_name=f"Wuxi {tag} Valves") == "created"


@pytest.mark.parametrize(
	"stored, sent",
	[
		("010-{l}", "+86 10 {l}"),
		("010-{l}", "０１０－{l_fw}"),  # full-width digits and dash
		("+86 (0)10 {l}", "(010) {l}"),
		("{m}", "+86 {m}"),
		("{m}", "0086-{m}"),
		("{m_dashed}", "{m}"),
		("(010){l}", "+86-10-{l}"),
	],
)
def test_phone_formats_match(stored, sent):
	number, line = mobile(), landline()
	fw = str.maketrans("0123456789", "０１２３４５６７８９")

	def fill(pattern):
		return pattern.format(
			l=line, l_fw=line.translate(fw), m=number, m_dashed=f"{number[:3]}-{number[3:7]}-{number[7:]}"
		)

	lead = make_lead(mobile=fill(stored))
	assert duplicate_of(phone=fill(sent)) == ("Sales Lead", lead.name)
	customer = make_customer(phone=fill(stored))
	assert duplicate_of(mobile=fill(sent)) == ("Sales Customer", customer.name)


def test_numbers_and_addresses_that_differ_do_not_match():
	number = mobile()
	other = str(int(number) + 1)
	make_lead(phone=number, email=f"a-{random_string(8)}@example.com")
	assert duplicate_of(phone=other) == "created"
	assert duplicate_of(phone=f"+1 {number[1:]}") == "created"  # another country
	assert duplicate_of(email=f"b-{random_string(8)}@example.com") == "created"


def test_email_matches_whatever_its_case_and_width():
	address = f"li.{random_string(8).lower()}@example.com"
	customer = make_customer(email=address.upper())
	assert duplicate_of(email=f"  {address.title()} ") == ("Sales Customer", customer.name)


def test_the_earliest_match_wins_and_a_lead_never_matches_itself():
	number = mobile()
	first = make_lead(phone=number)
	frappe.db.set_value("Sales Lead", first.name, "creation", "2020-01-01 00:00:00", update_modified=False)
	second = make_lead(company_name=f"Other {random_string(8)}", mobile=number)
	assert second.possible_duplicate_of == first.name
	assert lead_flow.find_duplicate(first) == ("Sales Lead", second.name)  # not itself
	assert duplicate_of(phone=number) == ("Sales Lead", first.name)


def test_keys_follow_every_save():
	lead = make_lead(company_name="  Hangzhou Test Co., Ltd. ", phone="+86 571 8888 0000", email="X@Y.CN")
	stored = frappe.db.get_value(
		"Sales Lead", lead.name, ["company_key", "phone_key", "mobile_key", "email_key"], as_dict=True
	)
	assert stored == {
		"company_key": "hangzhoutest",
		"phone_key": "057188880000",
		"mobile_key": None,
		"email_key": "x@y.cn",
	}
	lead.reload()
	lead.mobile = "138 0000 0000"
	lead.company_name = "杭州测试有限公司"
	lead.save()
	assert frappe.db.get_value("Sales Lead", lead.name, ["company_key", "mobile_key"]) == (
		"杭州测试",
		"13800000000",
	)
	# a key is the server's: a client that sends another one is refused (chain.owned), nothing written
	lead.company_key = "forged"
	with pytest.raises(frappe.ValidationError, match="computed by the system"):
		lead.save()
	assert frappe.db.get_value("Sales Lead", lead.name, "company_key") == "杭州测试"
	# a full-width number is stored half-width (Frappe's phone check takes ASCII digits only)
	customer = make_customer(customer_name="ＡＢＣ　有限公司", phone="０２１－１２３４５６７８")
	assert frappe.db.get_value("Sales Customer", customer.name, ["phone", "company_key", "phone_key"]) == (
		"021-12345678",
		"abc",
		"02112345678",
	)


def test_patch_fills_the_keys_of_existing_rows():
	lead = make_lead(company_name=f"Patch {random_string(8)} Ltd", mobile="+86 139 1111 2222", email="P@Q.CN")
	customer = make_customer(customer_name=f"补丁{cjk_tag()}有限公司", phone="(010) 6666 7777")
	for doctype in ("Sales Lead", "Sales Customer"):
		table = frappe.qb.DocType(doctype)
		frappe.qb.update(table).set(table.company_key, None).set(table.phone_key, None).set(
			table.email_key, None
		).where(table.name.isin([lead.name, customer.name])).run()
	frappe.qb.update(frappe.qb.DocType("Sales Lead")).set("mobile_key", None).where(
		frappe.qb.DocType("Sales Lead").name == lead.name
	).run()
	modified = frappe.db.get_value("Sales Lead", lead.name, "modified")

	commit = frappe.db.commit
	frappe.db.commit = lambda: None  # keep the test's transaction, so that it rolls back
	try:
		fill_duplicate_keys.execute()
	finally:
		frappe.db.commit = commit

	assert frappe.db.get_value("Sales Lead", lead.name, ["company_key", "mobile_key", "email_key"]) == (
		lead.company_key,
		"13911112222",
		"p@q.cn",
	)
	assert frappe.db.get_value("Sales Lead", lead.name, "modified") == modified
	assert frappe.db.get_value("Sales Customer", customer.name, ["company_key", "phone_key"]) == (
		customer.company_key,
		"01066667777",
	)


def test_every_lookup_is_served_by_an_index():
	"""Each key column the duplicate lookup compares leads an index of its table, so each comparison can be
	an index range, whatever the optimizer prefers on a table of a few rows (on a near-empty one it may scan,
	or take another index: its choice is no guarantee, the index is)."""
	keys = lead_flow.normalized_keys("Some Co", "010-88886666", "13800000000", "a@b.cn")
	for doctype, columns in (
		("Sales Customer", lead_flow.CUSTOMER_KEYS),
		("Sales Lead", lead_flow.LEAD_KEYS),
	):
		sql = lead_flow.match_query(doctype, columns, keys, exclude="LEAD-X")
		leading = set(
			frappe.db.sql(
				"""select column_name from information_schema.statistics
				where table_schema = database() and table_name = %s and seq_in_index = 1""",
				f"tab{doctype}",
				pluck=True,
			)
		)
		compared = {column for cols in columns.values() for column in cols}
		assert compared <= leading, (doctype, compared - leading)
		assert all(f"`{column}`" in sql or column in sql for column in compared), sql
		# the lookup is one branch per key and value: each branch a plain comparison of one indexed column
		plan = frappe.db.sql(f"explain {sql}", as_dict=True)
		lookups = [row for row in plan if row.table == f"tab{doctype}"]
		assert len(lookups) == sum(
			len(c) * max(len(keys[k]) if isinstance(keys[k], list) else 1, 1) for k, c in columns.items()
		)
