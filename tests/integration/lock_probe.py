"""A second connection to the site's database that asks whether a row is free to lock (waiting 1 s at most):
what another request would meet, while the test's own transaction holds what it holds."""

import frappe
import pymysql


class LockProbe:
	def __init__(self):
		self.connection = pymysql.connect(
			host=frappe.conf.db_host or "127.0.0.1",
			port=int(frappe.conf.db_port or 3306),
			user=frappe.conf.db_name,
			password=frappe.conf.db_password,
			database=frappe.conf.db_name,
			autocommit=False,
		)
		self.cursor = self.connection.cursor()
		self.cursor.execute("set session innodb_lock_wait_timeout = 1")

	def free(self, doctype: str, name: str) -> bool:
		"""Whether the row could be locked now (each try is its own transaction)."""
		try:
			self.cursor.execute(f"select name from `tab{doctype}` where name = %s for update", (name,))
			return True
		except pymysql.err.OperationalError as error:
			assert error.args[0] == 1205, error  # lock wait timeout
			return False
		finally:
			self.connection.rollback()

	def close(self) -> None:
		self.connection.close()
