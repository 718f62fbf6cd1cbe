"""A unit of work that MariaDB may refuse as a deadlock's victim, run again in a fresh transaction.

A locking read that finds nothing locks the index gap where the key would be, so that a concurrent insert of
the same key waits (the lead intake's and the conversion's duplicate lookups). On a small table one gap
spans many keys, and two requests for *different* companies can deadlock on it: MariaDB rolls the victim's
transaction back whole. Such a refusal says nothing about the request, so the server tries it again itself
rather than answering 409 to a client that did nothing wrong. The caller's transaction must hold nothing
else: it is rolled back before each new try.
"""

import random
import time

import frappe

ATTEMPTS = 5


def retried_on_deadlock(work, attempts: int = ATTEMPTS):
	"""``work()``, tried again after a rollback (and a short random pause, so that the two requests do not
	meet again) while MariaDB refuses it as a deadlock's victim; the last refusal is raised."""
	for attempt in range(attempts):
		messages = len(frappe.local.message_log or [])
		try:
			return work()
		except frappe.QueryDeadlockError:
			if attempt + 1 == attempts:
				raise
			frappe.db.rollback()
			if frappe.local.message_log:
				del frappe.local.message_log[messages:]  # what the refused try said is not the answer
			time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
