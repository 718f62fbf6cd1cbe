"""The base of every Sales CRM controller."""

from frappe.model.document import Document

from sales_crm import owned


class SalesDocument(Document):
	"""Every save, submit and update after submit refuses a client's change to a server-owned field
	(``sales_crm.owned``): noted before the controller's own methods run, checked after them."""

	def run_method(self, method, *args, **kwargs):
		if method == "before_insert":
			# a new record's own before_insert may set owned fields (a possible duplicate): note first
			owned.capture(self)
		return super().run_method(method, *args, **kwargs)

	def run_before_save_methods(self):
		owned.capture(self)
		super().run_before_save_methods()
		owned.check(self)
