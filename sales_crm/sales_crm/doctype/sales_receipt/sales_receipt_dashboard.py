from frappe import _


def get_data():
	return {
		"fieldname": "sales_receipt",
		"non_standard_fieldnames": {
			"Sales Credit Offset": "credit_receipt",
			"Sales Receipt": "against_receipt",
		},
		"internal_links": {
			"Sales Receivable": ["allocations", "sales_receivable"],
			"Customer Order": "customer_order",
			"Sales Contract": "sales_contract",
		},
		"transactions": [
			{"label": _("Source"), "items": ["Sales Contract", "Customer Order", "Sales Receivable"]},
			{"label": _("Offsets and Refunds"), "items": ["Sales Credit Offset", "Sales Receipt"]},
		],
	}
