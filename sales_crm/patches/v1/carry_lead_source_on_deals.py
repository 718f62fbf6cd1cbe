"""Every opportunity, quotation, contract and order carries the lead source it came from
(``chain.ATTRIBUTION``): filled from each record's lead or opportunity, set-based, and the funnel's indexes
per lead source added."""

from sales_crm import chain
from sales_crm.patches.v1.add_report_indexes import run_doctype_updates


def execute():
	chain.fill_attribution()
	run_doctype_updates(tuple(chain.ATTRIBUTION))
