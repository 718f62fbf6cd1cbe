"""Sites made by earlier versions of the app, for tests/integration/test_upgrade.py.

An earlier version is a commit of this checkout's history: ``git archive`` writes its tree to a temporary
folder, and every bench command of the old version runs with ``PYTHONPATH`` naming that folder, so that
``import sales_crm`` finds the old package before the bench's own link to the checkout (a ``.pth`` file or
an editable install, both read after ``PYTHONPATH``). Frappe finds an app's hooks, DocTypes, fixtures and
commands through the imported package, so install and demo are the old version's. Without ``PYTHONPATH``
the same site is migrated by the current code.

Frappe's own tables do not depend on the version of the app: they are installed once (``new-site``
without the app, and the setup wizard), kept as a backup beside the bench (keyed by Frappe's version and
commit; a new key, a new base) and restored for each old site (``new-site --source-sql``: seconds, where
installing Frappe takes a minute and a half).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import benchsite

PROBE = Path(__file__).resolve().parent / "upgrade_probe.py"


class UpgradeError(RuntimeError):
	pass


def git(*args: str, check: bool = True, text: bool = True) -> subprocess.CompletedProcess:
	# The checkout may belong to another user than the bench's (root's worktree read by the bench user):
	# its history is read, as its code is run, so it is trusted for this one command.
	checkout = str(benchsite.CHECKOUT)
	return subprocess.run(
		["git", "-c", f"safe.directory={checkout}", "-C", checkout, *args],
		capture_output=True,
		text=text,
		check=check,
	)


def old_tree(commit: str, into: Path) -> Path:
	"""The app as it was at ``commit``, written to ``into`` (a folder for PYTHONPATH); fails loudly when the
	history is not there (a shallow clone, or a copy of the checkout without .git)."""
	if git("rev-parse", "--git-dir", check=False).returncode != 0:
		raise UpgradeError(
			f"{benchsite.CHECKOUT} is not a git checkout: the upgrade test builds earlier versions from its "
			"history (run the tests from a clone)"
		)
	shallow = git("rev-parse", "--is-shallow-repository", check=False).stdout.strip() == "true"
	if shallow and git("cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode != 0:
		# a shallow clone (CI checkouts often are) whose origin is reachable: fetch the history once
		git("fetch", "--quiet", "--unshallow", check=False)
	if git("cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode != 0:
		raise UpgradeError(
			f"commit {commit} is not in {benchsite.CHECKOUT}'s history"
			+ (
				" (a shallow clone: `git fetch --unshallow`, or actions/checkout with fetch-depth: 0)"
				if shallow
				else ""
			)
		)
	into.mkdir(parents=True, exist_ok=True)
	archive = git("archive", "--format=tar", commit, benchsite.APP, text=False)
	subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
	return into


class OldSite:
	"""A scratch site on the bench, created by the app at ``commit``."""

	def __init__(self, bench: benchsite.Bench, commit: str, name: str, workdir: Path, log=print):
		self.bench, self.commit, self.name, self.workdir, self.log = bench, commit, name, workdir, log
		self.tree = workdir / f"app-{commit[:7]}"
		self.timings: dict[str, float] = {}

	def run(self, *args: str, old: bool, site: bool = True, timeout: int = 900) -> str:
		"""A bench site command, by the old code (``old``) or the current one; its output."""
		env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
		if old:
			env["PYTHONPATH"] = str(self.tree)
		cmd = [str(self.bench.python), "-m", "frappe.utils.bench_helper", "frappe"]
		cmd += ["--site", self.name] if site else []
		proc = subprocess.run(
			cmd + list(args), cwd=self.bench.sites, env=env, capture_output=True, text=True, timeout=timeout
		)
		if proc.returncode != 0:
			who = f"the app at {self.commit[:7]}" if old else "the current app"
			raise UpgradeError(
				f"`bench --site {self.name} {' '.join(args)}` with {who} failed ({proc.returncode}):\n"
				f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
			)
		return proc.stdout

	def timed(self, step: str, fn, *args, **kwargs):
		started = time.monotonic()
		try:
			return fn(*args, **kwargs)
		finally:
			self.timings[step] = self.timings.get(step, 0) + time.monotonic() - started

	def create(self, base_backup: Path, leads: int) -> str:
		"""The site with the old app installed on a restored Frappe, and the old version's demo data;
		returns the demo command's output."""
		old_tree(self.commit, self.tree)
		self.bench.drop_site(self.name)
		self.timed(
			"install",
			self.run,
			"new-site",
			self.name,
			"--admin-password",
			benchsite.ADMIN_PASSWORD,
			"--no-mariadb-socket",
			"--source-sql",
			str(base_backup),
			old=True,
			site=False,
		)
		# installed on its own, not by new-site --install-app: a site restored from SQL would not record
		# the app's patches of the time as done, and migrate would run them all
		self.timed("install", self.run, "install-app", benchsite.APP, old=True)
		return self.timed("demo", self.run, "sales-crm-demo", "--leads", str(leads), old=True)

	def probe(self, phase: str, old: bool) -> dict:
		out = self.workdir / f"{self.name}-{phase}.json"
		env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
		if old:
			env["PYTHONPATH"] = str(self.tree)
		started = time.monotonic()
		proc = subprocess.run(
			[str(self.bench.python), str(PROBE), self.name, phase, str(out)],
			cwd=self.bench.sites,
			env=env,
			capture_output=True,
			text=True,
			timeout=600,
		)
		self.timings[f"probe {phase}"] = time.monotonic() - started
		if proc.returncode != 0:
			raise UpgradeError(
				f"probing {self.name} ({phase}) failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
			)
		return json.loads(out.read_text())

	def migrate(self) -> str:
		return self.timed("migrate", self.run, "migrate", old=False)

	def drop(self) -> None:
		self.bench.drop_site(self.name)

	def upgrade(self, base_backup: Path, leads: int) -> dict:
		"""Create the old site, read it, migrate it with the current code, read it again; the site is
		dropped whatever happens. Returns what the two probes read and what migrate printed."""
		started = time.monotonic()
		try:
			self.create(base_backup, leads)
			before = self.probe("before", old=True)
			migrated = self.migrate()
			after = self.probe("after", old=False)
		finally:
			self.drop()
		return {"before": before, "after": after, "migrated": migrated, "seconds": time.monotonic() - started}


class SharedAssets:
	"""The bench's compiled catalogues of the app (``sites/assets/locale/*/LC_MESSAGES/sales_crm.mo``): an
	old version's install writes its own there, shared by every site; put back as they were on exit."""

	def __init__(self, bench: benchsite.Bench):
		self.pattern = f"assets/locale/*/LC_MESSAGES/{benchsite.APP}.mo"
		self.sites = bench.sites

	def __enter__(self):
		self.saved = {path: path.read_bytes() for path in self.sites.glob(self.pattern)}
		return self

	def __exit__(self, *exc):
		for path in self.sites.glob(self.pattern):
			if path not in self.saved:
				path.unlink()
		for path, content in self.saved.items():
			if not path.exists() or path.read_bytes() != content:
				path.write_bytes(content)


def frappe_base(bench: benchsite.Bench, log=print) -> Path:
	"""A backup of a site holding Frappe alone with the setup wizard done, made once per Frappe version and
	commit and kept beside the bench."""
	head = subprocess.run(
		["git", "-C", str(bench.path / "apps" / "frappe"), "rev-parse", "HEAD"],
		capture_output=True,
		text=True,
	).stdout.strip()
	version = subprocess.run(
		[str(bench.python), "-c", "import frappe; print(frappe.__version__)"],
		capture_output=True,
		text=True,
		cwd=bench.sites,
	).stdout.strip()
	key = hashlib.sha256(
		json.dumps([version, head, benchsite.SETUP_WIZARD_ARGS], sort_keys=True).encode()
	).hexdigest()[:12]
	cache = bench.path / ".sales_crm-upgrade-base"
	backup = cache / f"frappe-{key}.sql.gz"
	if backup.exists():
		return backup
	cache.mkdir(exist_ok=True)
	for stale in cache.glob("frappe-*.sql.gz"):
		stale.unlink()
	site = f"upgrade-base-{benchsite.TEST_SITE}"
	log(f"upgrade: installing Frappe {version} once for the old sites (kept in {cache}) …")
	started = time.monotonic()
	bench.drop_site(site)
	try:
		bench.new_site(site, install_app=False)
		with tempfile.TemporaryDirectory(dir=cache) as tmp:
			bench.frappe("backup", "--backup-path", tmp, site=site)
			(dump,) = Path(tmp).glob("*-database.sql.gz")
			dump.rename(backup)
	finally:
		bench.drop_site(site)
	log(f"upgrade: Frappe base site in {time.monotonic() - started:.0f} s")
	return backup
