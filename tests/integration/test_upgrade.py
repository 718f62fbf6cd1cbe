"""Sites made by earlier versions of the app, with their own demo data, migrated to the current code.

Each earlier version installs itself on a new site and loads its own demo (``sales-crm-demo``, its seed);
then ``bench migrate`` runs with the current code, and:

- every patch of patches.txt is in the site's Patch Log;
- nothing is lost: the same records per DocType and docstatus, the same sums of every number column, and
  every value the old site stored is still there (a value the old version left empty may be filled);
- the money invariants hold (invariants.py), and every report agrees with its SQL twin
  (benchmarks/reports.py);
- the stored figures are what the current code computes: every roll-up and derived figure of chain.py
  recomputed over every record changes nothing;
- the current code works on the old records: a receipt cancelled and a new one posted keep the invariants.

A failure here is a patch that is missing (sales_crm/patches/, patches.txt). The two versions are upgraded
side by side, and their sites dropped at the end whatever happened. The versions come from this checkout's
git history: a shallow clone fetches it from its origin, and fails loudly when it cannot.
"""

from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import benchsite
import pytest
import upgrade

pytestmark = pytest.mark.out_of_process  # new sites, old code on PYTHONPATH, `bench migrate`

LEADS = 300
VERSIONS = {
	# the commit before the document chain was declared once (d840303)
	"before-chain": "14483078bb17e0ccbe80fe6f434e82ea78def2a1",
	# the commit before the money issue (advances, offsets, refunds: 3166a3f … 74e5d4c): the last one of
	# main before that branch; the branch's own 236e7fb cannot load its demo (it writes Sales Credit
	# Offset, a DocType that the next commit adds)
	"before-money": "374bb76b87c024b0990768a0a272cc96ef7ee4aa",
}
# a DocType that both earlier versions lack: the probe that the old code is what installed the site
LATER_DOCTYPE = "Sales Credit Offset"
EMPTY = (None, "", 0, 0.0)


def patches() -> list[str]:
	lines = (benchsite.CHECKOUT / benchsite.APP / "patches.txt").read_text().splitlines()
	return [line.split("#")[0].strip() for line in lines if line.strip() and not line.startswith(("#", "["))]


@pytest.fixture(scope="module")
def base(bench, request):
	reporter = request.config.pluginmanager.get_plugin("terminalreporter")
	return upgrade.frappe_base(bench, log=reporter.write_line if reporter else print)


def lost_values(before: dict, after: dict) -> tuple[list[str], dict[str, int]]:
	"""Values the old site stored that the migrated one lacks or holds otherwise; and per column, how many
	values the old version had left empty were filled."""
	lost, filled = [], {}
	for doctype, rows in before["rows"].items():
		now = after["rows"].get(doctype)
		if now is None:
			lost.append(f"{doctype}: the table is gone")
			continue
		for name, row in rows.items():
			if name not in now:
				lost.append(f"{doctype} {name}: gone")
				continue
			for column, value in row.items():
				if column not in now[name]:
					lost.append(f"{doctype}.{column}: the column is gone")
				elif now[name][column] != value:
					if value in EMPTY:
						filled[f"{doctype}.{column}"] = filled.get(f"{doctype}.{column}", 0) + 1
					else:
						lost.append(f"{doctype} {name}.{column}: {value!r} became {now[name][column]!r}")
	return lost, filled


@pytest.fixture(scope="module")
def upgraded(bench, base, tmp_path_factory):
	"""Both earlier versions upgraded side by side (their commands mostly wait for the database): per
	version, its OldSite and what it read, or the exception that stopped it."""
	sites = {
		version: upgrade.OldSite(
			bench, commit, f"upgrade-{commit[:7]}-{benchsite.TEST_SITE}", tmp_path_factory.mktemp(version)
		)
		for version, commit in VERSIONS.items()
	}
	with upgrade.SharedAssets(bench), ThreadPoolExecutor(len(sites)) as pool:
		futures = {version: pool.submit(site.upgrade, base, LEADS) for version, site in sites.items()}
		wait(futures.values())
	return {version: (sites[version], future) for version, future in futures.items()}


@pytest.mark.parametrize("version", VERSIONS)
def test_upgrade_from_an_earlier_version(upgraded, version, capsys):
	commit = VERSIONS[version]
	site, future = upgraded[version]
	result = future.result()  # the exception of a failed install, demo, migrate or probe, raised here
	before, after, migrated, seconds = (
		result["before"],
		result["after"],
		result["migrated"],
		result["seconds"],
	)

	ran = [p for p in after["patches"] if p.startswith("sales_crm.") and p not in before["patches"]]
	lost, filled = lost_values(before, after)
	differ = {name: twin["problems"] for name, twin in after["twins"].items() if twin["problems"]}
	exercise = after["exercise"]
	with capsys.disabled():
		counts = {dt: sum(c.values()) for dt, c in before["counts"].items() if sum(c.values())}
		money = {
			column: before["sums"][dt][column]
			for dt, column in (
				("Customer Order", "grand_total"),
				("Sales Receivable", "received_amount"),
				("Sales Receivable", "outstanding_amount"),
			)
		}
		print(
			f"\nupgrade from {commit[:7]} ({version}) in {seconds:.0f} s "
			f"({', '.join(f'{k} {v:.0f} s' for k, v in site.timings.items())}):\n"
			f"  records: {', '.join(f'{dt} {n}' for dt, n in counts.items())}\n"
			f"  sums: order grand totals {money['grand_total']:,.2f}, received {money['received_amount']:,.2f}, "
			f"outstanding {money['outstanding_amount']:,.2f}\n"
			f"  patches run by migrate: {', '.join(p.rsplit('.', 1)[-1] for p in ran) or 'none'}\n"
			f"  values lost: {len(lost)}; empty values filled: "
			f"{', '.join(f'{k} {n}' for k, n in sorted(filled.items())) or 'none'}\n"
			f"  invariant violations: {len(after['violations'])}; reports differing from their twins: "
			f"{len(differ)} of {len(after['twins'])}; figures the current code computes otherwise: "
			f"{len(after['recomputed']['changed'])} (a cent off: {len(after['recomputed']['cents'])}); "
			f"on the migrated data: {exercise.get('cancelled')} cancelled, "
			f"{(exercise.get('posted') or {}).get('receipt')} posted"
		)

	# the old code installed the site and loaded its data; the current code migrated it
	assert Path(before["module"]).is_relative_to(site.tree), before["module"]
	assert LATER_DOCTYPE not in before["doctypes"]
	assert sum(before["counts"]["Sales Lead"].values()) == LEADS
	assert Path(after["module"]).resolve().is_relative_to(benchsite.CHECKOUT), after["module"]
	assert LATER_DOCTYPE in after["doctypes"]

	# every patch is in the Patch Log: run by this migrate, or marked done when the old version installed
	missing = [p for p in patches() if p not in after["patches"]]
	assert missing == [], f"patches not run: {missing}"
	assert all(f"Executing {p} " in migrated for p in ran)

	# nothing lost: records, values, sums (a sum moves only where empty values were filled)
	assert {dt: after["counts"][dt] for dt in before["counts"]} == before["counts"]
	assert after["core_counts"] == {**before["core_counts"], "Workflow": after["core_counts"]["Workflow"]}
	assert after["core_counts"]["Workflow"] >= before["core_counts"]["Workflow"]
	assert lost == []
	changed_sums = {
		f"{dt}.{column}": (value, after["sums"][dt][column])
		for dt, sums in before["sums"].items()
		for column, value in sums.items()
		if abs(after["sums"][dt][column] - value) > 0.005
	}
	assert set(changed_sums) <= set(filled), changed_sums

	# consistent: invariants, twins, figures as the current code computes them, and the code at work
	assert after["violations"] == []
	assert differ == {}
	assert after["recomputed"]["changed"] == []
	assert "error" not in exercise, exercise.get("error")
	assert exercise["cancelled"] and exercise["after_cancel"] == []
	assert exercise["after_post"] == []
	assert exercise["outstanding_after_post"] == pytest.approx(
		exercise["outstanding_before_post"] - exercise["posted"]["amount"], abs=0.005
	)
