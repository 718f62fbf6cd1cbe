from frappe import _


def get_data():
	return {
		"fieldname": "sales_credit_offset",
		"internal_links": {
			"Sales Receipt": "credit_receipt",
			"Sales Receivable": ["allocations", "sales_receivable"],
		},
		"transactions": [{"label": _("Source"), "items": ["Sales Receipt", "Sales Receivable"]}],
	}
