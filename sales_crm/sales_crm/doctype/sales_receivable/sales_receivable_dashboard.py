from frappe import _


def get_data():
	# Sales Receipt links a receivable through its allocations table: Frappe finds the child field.
	return {
		"fieldname": "sales_receivable",
		"internal_links": {
			"Customer Order": "customer_order",
			"Sales Contract": "sales_contract",
			"Sales Opportunity": "opportunity",
		},
		"transactions": [
			{"label": _("Source"), "items": ["Sales Opportunity", "Sales Contract", "Customer Order"]},
			{"label": _("Money"), "items": ["Sales Receipt"]},
		],
	}
