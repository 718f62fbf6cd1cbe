from frappe import _


def get_data():
	return {
		"fieldname": "opportunity",
		"internal_links": {"Sales Lead": "sales_lead"},
		"transactions": [
			{"label": _("Source"), "items": ["Sales Lead"]},
			{"label": _("Selling"), "items": ["Sales Quotation", "Sales Contract", "Customer Order"]},
			{"label": _("Money"), "items": ["Sales Receivable"]},
			{"label": _("Follow-ups"), "items": ["Sales Follow Up"]},
		],
	}
