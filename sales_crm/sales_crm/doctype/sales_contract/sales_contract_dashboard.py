from frappe import _


def get_data():
	return {
		"fieldname": "sales_contract",
		"internal_links": {"Sales Quotation": "quotation", "Sales Opportunity": "opportunity"},
		"transactions": [
			{"label": _("Source"), "items": ["Sales Opportunity", "Sales Quotation"]},
			{"label": _("Fulfilment"), "items": ["Customer Order"]},
			{"label": _("Money"), "items": ["Sales Receivable", "Sales Receipt"]},
			{"label": _("Commissions"), "items": ["Customer Commission", "Salesperson Commission"]},
		],
	}
