"""Find the Frappe bench, put this checkout on it and keep a dedicated test site installed.

Imported by the integration conftest (inside the bench's Python, as the bench's owner). Nothing here
imports Frappe: site commands run as ``python -m frappe.utils.bench_helper frappe --site …`` in
``sites/``, which is what ``bench --site …`` runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
APP = "sales_crm"
DEFAULT_BENCH = "/home/frappe/frappe-bench"
TEST_SITE = os.environ.get("SALES_CRM_TEST_SITE", "sales-crm-test.localhost")
ADMIN_PASSWORD = "admin"
FINGERPRINT_KEY = "sales_crm_test_fingerprint"
TEST_USER_LIMIT = 1_000_000

# What a site must be re-installed for: the schema, fixtures, install steps, hooks and translations.
INSTALL_INPUTS = ("*.json", "hooks.py", "install.py", "patches.txt", "modules.txt", "*.po", "*.csv")

SETUP_WIZARD_ARGS = {
	"language": "English",
	"country": "China",
	"timezone": "Asia/Shanghai",
	"currency": "CNY",
	"full_name": "Sales CRM Admin",
	"email": "admin@sales-crm.test",
	"password": ADMIN_PASSWORD,
}


def bench_path() -> Path:
	return Path(os.environ.get("SALES_CRM_BENCH") or DEFAULT_BENCH)


def bench_present(path: Path | None = None) -> bool:
	path = path or bench_path()
	return (path / "apps" / "frappe").is_dir() and (path / "env" / "bin" / "python").exists()


class Bench:
	def __init__(self, path: Path | None = None):
		self.path = (path or bench_path()).resolve()
		self.sites = self.path / "sites"
		self.python = self.path / "env" / "bin" / "python"

	# ------------------------------------------------------------------ commands
	def frappe(self, *args: str, site: str | None = None, check: bool = True, timeout: int = 1800):
		"""Run a site command (what ``bench --site SITE ARGS`` runs); return the completed process."""
		cmd = [str(self.python), "-m", "frappe.utils.bench_helper", "frappe"]
		if site:
			cmd += ["--site", site]
		cmd += list(args)
		proc = subprocess.run(cmd, cwd=self.sites, capture_output=True, text=True, timeout=timeout)
		if check and proc.returncode != 0:
			raise RuntimeError(
				f"`bench {'--site ' + site + ' ' if site else ''}{' '.join(args)}` failed "
				f"({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
			)
		return proc

	def site_exists(self, site: str) -> bool:
		return (self.sites / site / "site_config.json").exists()

	def site_config(self, site: str) -> dict:
		return json.loads((self.sites / site / "site_config.json").read_text())

	# ------------------------------------------------------------------ the app
	def link_checkout(self) -> None:
		"""Make ``apps/sales_crm`` this checkout, importable from the bench's Python and listed in apps.txt."""
		target = self.path / "apps" / APP
		if target.is_symlink():
			if target.resolve() != CHECKOUT:
				target.unlink()
				target.symlink_to(CHECKOUT)
		elif target.exists():
			if target.resolve() != CHECKOUT:
				raise RuntimeError(
					f"{target} is another copy of {APP}; run the tests from there, or remove it so that "
					f"the tests can link {CHECKOUT} in its place."
				)
		else:
			target.symlink_to(CHECKOUT)

		# what `bench build` does for an app's public folder: the desk loads app_include_js from it
		assets = self.sites / "assets" / APP
		if not assets.exists() and not assets.is_symlink():
			assets.symlink_to(target / APP / "public")

		apps_txt = self.sites / "apps.txt"
		apps = [line.strip() for line in apps_txt.read_text().splitlines() if line.strip()]
		if APP not in apps:
			apps.append(APP)
			apps_txt.write_text("\n".join(apps) + "\n")

		probe = subprocess.run(
			[str(self.python), "-c", f"import {APP}, sys; sys.stdout.write({APP}.__file__)"],
			capture_output=True,
			text=True,
			cwd="/",
		)
		if probe.returncode != 0 or Path(probe.stdout).resolve().parent.parent != target.resolve():
			# Not pip-installed from this path (bench get-app would have): a .pth file does what an
			# editable install does, without writing build metadata into the checkout.
			purelib = subprocess.run(
				[str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
				capture_output=True,
				text=True,
				check=True,
			).stdout.strip()
			Path(purelib, f"__{APP}_checkout.pth").write_text(str(target) + "\n")

	# ------------------------------------------------------------------ the test site
	def ensure_test_site(self, site: str = TEST_SITE, log=print) -> str:
		"""Create the test site when missing; re-install it when the app's install inputs changed, or when
		``SALES_CRM_FRESH_SITE=1`` asks for a site without the records of earlier runs (CI: a run's time
		and outcome then do not depend on how many runs the bench has seen)."""
		self.link_checkout()
		wanted = fingerprint()
		if not self.site_exists(site):
			log(f"integration: creating test site {site} …")
			started = time.monotonic()
			self.new_site(site)
			log(f"integration: site {site} created in {time.monotonic() - started:.0f} s")
		elif (
			os.environ.get("SALES_CRM_FRESH_SITE") == "1"
			or self.site_config(site).get(FINGERPRINT_KEY) != wanted
		):
			log(f"integration: re-installing the app on {site} (a fresh site, or the app changed) …")
			started = time.monotonic()
			self.reinstall(site)
			log(f"integration: {site} re-installed in {time.monotonic() - started:.0f} s")
		else:
			# a kept site holds the forms' scripts and metadata of the last run in its cache: the desk would
			# serve the old JavaScript of a form whose script changed since
			self.frappe("clear-cache", site=site)
			self.configure_test_site(site)
			return site
		self.frappe("set-config", FINGERPRINT_KEY, wanted, site=site)
		self.configure_test_site(site)
		return site

	def configure_test_site(self, site: str) -> None:
		"""The tests create far more users than Frappe's sign-up throttle allows a site in an hour."""
		if self.site_config(site).get("throttle_user_limit") != TEST_USER_LIMIT:
			self.frappe("set-config", "throttle_user_limit", str(TEST_USER_LIMIT), "--parse", site=site)

	def new_site(self, site: str, install_app: bool = True) -> None:
		args = ["new-site", site, "--admin-password", ADMIN_PASSWORD, "--no-mariadb-socket"]
		if install_app:
			args += ["--install-app", APP]
		self.frappe(*args)
		self.finish_setup_wizard(site)

	def reinstall(self, site: str) -> None:
		self.frappe("reinstall", "--yes", "--admin-password", ADMIN_PASSWORD, site=site)
		if APP not in self.installed_apps(site):
			self.frappe("install-app", APP, site=site)
		self.finish_setup_wizard(site)

	def execute(self, site: str, method: str, *args):
		"""``bench --site SITE execute METHOD --args …``; its JSON result (a falsy result prints nothing: None)."""
		out = self.frappe("execute", method, "--args", json.dumps(list(args)), site=site).stdout.strip()
		return json.loads(out.splitlines()[-1]) if out else None

	def installed_apps(self, site: str) -> list[str]:
		return self.execute(site, "frappe.get_installed_apps") or []

	def finish_setup_wizard(self, site: str) -> None:
		self.frappe(
			"execute",
			"frappe.desk.page.setup_wizard.setup_wizard.setup_complete",
			"--kwargs",
			json.dumps({"args": SETUP_WIZARD_ARGS}),
			site=site,
		)

	def drop_site(self, site: str) -> None:
		self.frappe("drop-site", site, "--force", "--no-backup", check=False)


def fingerprint() -> str:
	digest = hashlib.sha256()
	root = CHECKOUT / APP
	for pattern in INSTALL_INPUTS:
		for path in sorted(root.rglob(pattern)):
			if "node_modules" in path.parts or "dist" in path.parts:
				continue
			digest.update(str(path.relative_to(root)).encode())
			digest.update(path.read_bytes())
	return digest.hexdigest()[:16]


def main(argv: list[str]) -> int:
	"""``link``: put this checkout on the bench; ``site NAME``: a site with the app (created when missing);
	``test-site``: the integration layer's site, as the conftest prepares it."""
	bench = Bench()
	command = argv[0] if argv else "test-site"
	if command == "link":
		bench.link_checkout()
	elif command == "site":
		bench.link_checkout()
		site = argv[1]
		if not bench.site_exists(site):
			bench.new_site(site)
		elif APP not in bench.installed_apps(site):
			bench.frappe("install-app", APP, site=site)
		print(site)
	elif command == "test-site":
		print(bench.ensure_test_site())
	else:
		print(main.__doc__)
		return 2
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
