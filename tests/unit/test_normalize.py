"""Duplicate-matching keys (sales_crm.rules.normalize): company names, phone numbers, e-mail addresses."""

import pytest

from sales_crm.rules.normalize import company_key, email_key, lead_keys, phone_key


@pytest.mark.parametrize(
	"name, key",
	[
		("Wuxi Valve", "wuxivalve"),
		("  WUXI   valve ", "wuxivalve"),
		("Wuxi Valve Co., Ltd.", "wuxivalve"),
		("Wuxi-Valve Co Ltd", "wuxivalve"),
		("Wuxi Valve Limited", "wuxivalve"),
		("Wuxi Valve Inc.", "wuxivalve"),
		("ＷＵＸＩ　ＶＡＬＶＥ", "wuxivalve"),  # full-width letters and the ideographic space
		("北京华为科技有限公司", "北京华为科技"),
		("北京华为科技 有限责任公司", "北京华为科技"),
		("北京华为科技股份有限公司", "北京华为科技"),
		("北京华为科技公司", "北京华为科技"),
		("华为技术（深圳）有限公司", "华为技术深圳"),  # full-width brackets are punctuation
		("华为技术(深圳)有限公司", "华为技术深圳"),
		("上海宝钢 Co., Ltd.", "上海宝钢"),
		("Acme公司", "acme"),
		("Costco", "costco"),  # a legal form is a whole word, never the end of one
		("Ltd Holdings", "ltdholdings"),  # only trailing legal forms go
		("Import Co 3f9a", "importco3f9a"),
		("第１机床厂", "第1机床厂"),  # full-width digits
		("Müller GmbH", "müllergmbh"),
		("MÜLLER", "müller"),
	],
)
def test_company_key(name, key):
	assert company_key(name) == key


@pytest.mark.parametrize("name, key", [("有限公司", "有限公司"), ("Co., Ltd.", "coltd"), ("Co", "co")])
def test_a_name_that_is_only_a_legal_form_keeps_it(name, key):
	assert company_key(name) == key


@pytest.mark.parametrize("name", [None, "", "   ", "---", "（）", "!!!"])
def test_no_company_key(name):
	assert company_key(name) is None


@pytest.mark.parametrize(
	"a, b",
	[
		("北京华为科技有限公司", "北京华为科技 有限责任公司"),
		("Wuxi Valve Co., Ltd.", "WUXI VALVE"),
		("华为技术（深圳）有限公司", "华为技术 (深圳)"),
	],
)
def test_same_company(a, b):
	assert company_key(a) == company_key(b)


@pytest.mark.parametrize(
	"a, b",
	[
		("北京华为科技有限公司", "上海华为科技有限公司"),
		("Wuxi Valve", "Wuxi Valves"),
		("Import Co 1", "Import Co 2"),
		("Costco", "Cost"),
	],
)
def test_different_companies(a, b):
	assert company_key(a) != company_key(b)


@pytest.mark.parametrize(
	"number, key",
	[
		("010-88886666", "01088886666"),
		("(010) 8888 6666", "01088886666"),
		("+86 10 8888 6666", "01088886666"),
		("+86 (0)10 8888-6666", "01088886666"),
		("0086 10 88886666", "01088886666"),
		("０１０－８８８８６６６６", "01088886666"),  # full-width digits and dash
		("138-0013-8000", "13800138000"),
		("+86 138 0013 8000", "13800138000"),
		("8613800138000", "13800138000"),
		("＋８６　１３８００１３８０００", "13800138000"),
		("0755-8888 6666", "075588886666"),
		("+86 755 8888 6666", "075588886666"),
		("010-88886666 ext. 123", "01088886666"),
		("010-88886666转123", "01088886666"),
		("010-88886666 x12", "01088886666"),
		("+1 (212) 555-0100", "+12125550100"),
		("001 212 555 0100", "+12125550100"),
		("12345", "12345"),
	],
)
def test_phone_key(number, key):
	assert phone_key(number) == key


@pytest.mark.parametrize("number", [None, "", "n/a", "-", "0", "1234", "+86", "ext 12345"])
def test_no_phone_key(number):
	assert phone_key(number) is None


@pytest.mark.parametrize(
	"a, b",
	[("13800138000", "13800138001"), ("010-88886666", "021-88886666"), ("+1 212 555 0100", "2125550100")],
)
def test_different_numbers(a, b):
	assert phone_key(a) != phone_key(b)


@pytest.mark.parametrize(
	"address, key",
	[
		("Li.Lei@Example.COM", "li.lei@example.com"),
		("  li.lei@example.com ", "li.lei@example.com"),
		("ｌｉ＠ｅｘａｍｐｌｅ．ｃｏｍ", "li@example.com"),
		("", None),
		(None, None),
		("   ", None),
	],
)
def test_email_key(address, key):
	assert email_key(address) == key


def test_lead_keys_list_each_number_once():
	keys = lead_keys("Wuxi Valve Co", "+86 138 0013 8000", "138-0013-8000", "A@B.cn")
	assert keys == {"company_key": "wuxivalve", "phone_keys": ["13800138000"], "email_key": "a@b.cn"}
	assert lead_keys() == {"company_key": None, "phone_keys": [], "email_key": None}
	assert lead_keys(phone="n/a", mobile="010-88886666")["phone_keys"] == ["01088886666"]


def test_fold_width():
	from sales_crm.rules.normalize import fold_width

	assert fold_width("０２１－１２３４５６７８") == "021-12345678"
	assert fold_width("＋８６　１３８") == "+86 138"
	assert fold_width(None) is None
	assert fold_width("010-1234") == "010-1234"
