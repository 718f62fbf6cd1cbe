"""One rounding regime: the pure rules round as System Settings' "Rounding Method" says, as ``flt`` does.

Importing this module (``sales_crm.utils`` and ``sales_crm.validation`` do, so every controller, flow and
report has) points ``sales_crm.rules.pricing`` at the site's setting.
"""

import frappe

from sales_crm.rules import pricing


def site_rounding_method() -> str:
	"""What ``frappe.utils.rounded`` uses: the System Settings method, else Frappe's default."""
	return frappe.get_system_settings("rounding_method") or "Banker's Rounding (legacy)"


pricing.follow_rounding_method(site_rounding_method)
