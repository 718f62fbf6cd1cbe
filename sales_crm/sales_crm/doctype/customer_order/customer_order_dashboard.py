from frappe import _


def get_data():
	return {
		"fieldname": "customer_order",
		"internal_links": {
			"Sales Contract": "sales_contract",
			"Sales Quotation": "quotation",
			"Sales Opportunity": "opportunity",
		},
		"transactions": [
			{"label": _("Source"), "items": ["Sales Opportunity", "Sales Quotation", "Sales Contract"]},
			{"label": _("Money"), "items": ["Sales Receivable", "Sales Receipt"]},
		],
	}
