from frappe import _


def get_data():
	return {
		"fieldname": "customer_commission",
		"internal_links": {"Sales Contract": "sales_contract", "Sales Customer": "customer"},
		"transactions": [
			{"label": _("Source"), "items": ["Sales Customer", "Sales Contract"]},
		],
	}
