from frappe import _


def get_data():
	return {
		"fieldname": "quotation",
		"internal_links": {"Sales Opportunity": "opportunity"},
		"transactions": [
			{"label": _("Source"), "items": ["Sales Opportunity"]},
			{"label": _("Selling"), "items": ["Sales Contract", "Customer Order"]},
		],
	}
