"""The business rules as plain functions: numbers, dates and strings in, numbers and statuses out.

Nothing in this package imports Frappe, so the unit tests (tests/unit) reach every rule without a site.
The Frappe side (documents, hooks, queries) is ``sales_crm.flows`` and ``sales_crm.chain``.
"""
