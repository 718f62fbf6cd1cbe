# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SalesOpportunity(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_opportunity_item.sales_opportunity_item import (
			SalesOpportunityItem,
		)
		from sales_crm.sales_crm.doctype.sales_opportunity_stage.sales_opportunity_stage import (
			SalesOpportunityStage,
		)

		base_expected_revenue: DF.Currency
		company_currency: DF.Link | None
		contact_person: DF.Data | None
		currency: DF.Link
		customer: DF.Link
		exchange_rate: DF.Float
		expected_close_date: DF.Date | None
		expected_revenue: DF.Currency
		items: DF.Table[SalesOpportunityItem]
		lost_reason: DF.SmallText | None
		naming_series: DF.Literal["OPP-.YYYY.-"]
		opportunity_name: DF.Data
		probability: DF.Percent
		sales_department: DF.Link | None
		sales_lead: DF.Link | None
		sales_method: DF.Link
		sales_person: DF.Link | None
		sales_stage: DF.Data | None
		stage_history: DF.Table[SalesOpportunityStage]
		status: DF.Literal["Open", "Won", "Lost"]
		won_amount: DF.Currency
	# end: auto-generated types
	pass
