# Copyright (c) 2026, sales_crm contributors
# For license information, please see license.txt

from sales_crm.controllers.base import SalesDocument


class CustomerMiningRun(SalesDocument):
	"""One customer mining run, its figures written by the run itself (sales_crm/flows/mining.py)."""
