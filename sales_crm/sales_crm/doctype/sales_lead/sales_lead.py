# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SalesLead(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_lead_product.sales_lead_product import SalesLeadProduct

		address: DF.SmallText | None
		assigned_on: DF.Datetime | None
		company_name: DF.Data
		contact_name: DF.Data | None
		contact_title: DF.Data | None
		converted_on: DF.Datetime | None
		customer: DF.Link | None
		email: DF.Data | None
		industry: DF.Data | None
		lead_source: DF.Literal[
			"Marketing Campaign",
			"Employee Referral",
			"800 Hotline",
			"Advertising Response",
			"Customer Referral",
		]
		lost_reason: DF.SmallText | None
		mobile: DF.Data | None
		naming_series: DF.Literal["LEAD-.YYYY.-"]
		opportunity: DF.Link | None
		origin: DF.Literal["Direct Entry", "Marketing Subsystem"]
		own_products: DF.Table[SalesLeadProduct]
		phone: DF.Data | None
		possible_duplicate_of: DF.DynamicLink | None
		possible_duplicate_type: DF.Link | None
		sales_department: DF.Link | None
		sales_person: DF.Link | None
		status: DF.Literal["Unassigned", "Assigned", "Converted", "Lost"]
		website: DF.Data | None
	# end: auto-generated types
	pass
