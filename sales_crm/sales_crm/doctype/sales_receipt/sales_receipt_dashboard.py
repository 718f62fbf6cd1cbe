from frappe import _


def get_data():
	return {
		"fieldname": "sales_receipt",
		"internal_links": {
			"Sales Receivable": ["allocations", "sales_receivable"],
			"Customer Order": "customer_order",
			"Sales Contract": "sales_contract",
		},
		"transactions": [
			{"label": _("Source"), "items": ["Sales Contract", "Customer Order", "Sales Receivable"]},
		],
	}
