"""Form scripts that share code include it (sales_crm/public/js/), rendered by Frappe when it serves them."""

import pytest
from frappe.desk.form.meta import get_meta


@pytest.mark.parametrize("doctype", ["Sales Quotation", "Sales Contract", "Customer Order"])
def test_the_contact_and_site_queries_are_served_with_the_form(doctype):
	script = get_meta(doctype, cached=False).get("__js")
	assert "{% include" not in script
	assert script.count("sales_crm.set_contact_and_site_queries = function") == 1  # the definition
	assert "sales_crm.set_contact_and_site_queries(frm)" in script  # and its use in setup
