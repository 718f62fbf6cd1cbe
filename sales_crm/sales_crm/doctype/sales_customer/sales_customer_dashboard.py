from frappe import _


def get_data():
	return {
		"fieldname": "customer",
		"transactions": [
			{"label": _("Pipeline"), "items": ["Sales Lead", "Sales Opportunity", "Sales Quotation"]},
			{"label": _("Fulfilment"), "items": ["Sales Contract", "Customer Order"]},
			{"label": _("Money"), "items": ["Sales Receivable", "Sales Receipt"]},
			{"label": _("Commissions"), "items": ["Customer Commission"]},
			{"label": _("Follow-ups"), "items": ["Sales Follow Up"]},
		],
	}
