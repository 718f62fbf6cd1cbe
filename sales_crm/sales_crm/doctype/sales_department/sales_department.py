# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SalesDepartment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from sales_crm.sales_crm.doctype.sales_department_member.sales_department_member import (
			SalesDepartmentMember,
		)

		department_name: DF.Data
		disabled: DF.Check
		manager: DF.Link | None
		members: DF.Table[SalesDepartmentMember]
	# end: auto-generated types
	pass
