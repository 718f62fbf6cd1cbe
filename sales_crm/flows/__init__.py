"""The Frappe-side steps of the pipeline: conversions, deliveries and invoices, lead intake, commissions
and plans. Each module reads and writes documents and delegates its arithmetic to ``sales_crm.rules``;
what one document's submit or cancel does to the documents downstream is declared in ``sales_crm.chain``.
"""
