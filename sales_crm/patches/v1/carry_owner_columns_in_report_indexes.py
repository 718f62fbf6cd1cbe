"""The report indexes that lacked an owner column now carry it (``report_indexes``): the leads per source,
the quotations, contracts and receipts per salesperson, and the follow-ups' four. A manager's or a
salesperson's figures are then read from the index alone, as Administrator's are. On an existing site each
is dropped and added again with its declared columns; the receivables' new index per salesperson is
added."""

from sales_crm.patches.v1.add_report_indexes import run_doctype_updates
from sales_crm.report_indexes import rebuild_changed

DOCTYPES = (
	"Sales Lead",
	"Sales Quotation",
	"Sales Contract",
	"Sales Receipt",
	"Sales Receivable",
	"Sales Follow Up",
)


def execute():
	for doctype in DOCTYPES:
		rebuild_changed(doctype)
	run_doctype_updates(DOCTYPES)
