from frappe import _


def get_data():
	return {
		"fieldname": "sales_lead",
		"non_standard_fieldnames": {"Sales Customer": "source_lead"},
		"internal_links": {"Sales Opportunity": "opportunity", "Sales Customer": "customer"},
		"transactions": [
			{"label": _("Conversion"), "items": ["Sales Opportunity", "Sales Customer"]},
			{"label": _("Follow-ups"), "items": ["Sales Follow Up"]},
		],
	}
