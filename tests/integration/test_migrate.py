"""`bench migrate` leaves Frappe's own Workflow States and Actions alone, however often it runs.

The app's fixtures carry only its own states and actions; Frappe's (Pending, Approved, Rejected;
Approve, Reject, Review) belong to the site. An admin's edit of one of them survives two migrates, and
every field of every core record, `modified` included, is what it was before.
"""

import frappe
import pytest

from sales_crm.constants import CORE_WORKFLOW_ACTIONS, CORE_WORKFLOW_STATES, WORKFLOW_ACTIONS, WORKFLOW_STATES

pytestmark = pytest.mark.out_of_process  # runs `bench migrate` and commits on the test site

CORE = {"Workflow State": CORE_WORKFLOW_STATES, "Workflow Action Master": CORE_WORKFLOW_ACTIONS}
OURS = {
	"Workflow State": set(WORKFLOW_STATES) - CORE_WORKFLOW_STATES,
	"Workflow Action Master": set(WORKFLOW_ACTIONS) - CORE_WORKFLOW_ACTIONS,
}


def snapshot() -> dict:
	"""Every stored field of every core record, read in a fresh transaction."""
	frappe.db.rollback()
	return {
		(doctype, row["name"]): row
		for doctype, names in CORE.items()
		for row in frappe.get_all(doctype, filters={"name": ["in", sorted(names)]}, fields=["*"])
	}


def test_migrating_twice_leaves_core_workflow_records_unchanged(bench, site):
	before = snapshot()
	assert set(before) == {(dt, name) for dt, names in CORE.items() for name in names}

	# an admin restyles "Approved" (what the fixtures used to wipe on every migrate)
	original_style = before[("Workflow State", "Approved")]["style"]
	edited_style = "Info" if original_style != "Info" else "Warning"
	frappe.db.set_value("Workflow State", "Approved", "style", edited_style)
	frappe.db.commit()
	try:
		edited = snapshot()
		assert edited[("Workflow State", "Approved")]["style"] == edited_style

		frappe.db.commit()  # no open transaction of ours while migrate runs
		for _ in range(2):
			bench.frappe("migrate", site=site)
		frappe.clear_cache()
		after = snapshot()

		assert after == edited
		# the app's own records are the fixtures' (migrate did sync them)
		for doctype, names in OURS.items():
			assert (
				set(frappe.get_all(doctype, filters={"name": ["in", sorted(names)]}, pluck="name")) == names
			)
	finally:
		frappe.db.rollback()
		restore = {"style": original_style, "modified": before[("Workflow State", "Approved")]["modified"]}
		frappe.db.set_value("Workflow State", "Approved", restore, update_modified=False)
		frappe.db.commit()
