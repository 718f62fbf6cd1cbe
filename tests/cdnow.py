"""The CDNOW sample (Fader, Hardie & Lee 2005): 2,357 customers' purchases, 1997-01-01 to 1998-06-30.

It ships inside the ``lifetimes`` wheel, which is downloaded (not installed: lifetimes is no dependency of
the app) into a cache outside the checkout and read with ``zipfile``. No network or no PyPI is an error,
never a skip: the models' validation must not pass silently without its data.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from datetime import date
from pathlib import Path

WHEEL = "lifetimes==0.11.3"
MEMBER = "lifetimes/datasets/CDNOW_sample.txt"


def cache_dir() -> Path:
	base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
	path = Path(base) / "sales_crm"
	try:
		path.mkdir(parents=True, exist_ok=True)
		if os.access(path, os.W_OK):
			return path
	except OSError:
		pass
	path = Path(tempfile.gettempdir()) / f"sales_crm-cache-{os.getuid()}"
	path.mkdir(parents=True, exist_ok=True)
	return path


def wheel_path() -> Path:
	directory = cache_dir()
	found = sorted(directory.glob("[Ll]ifetimes-0.11.3-*.whl"))
	if found:
		return found[0]
	done = subprocess.run(
		[sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", WHEEL, "-d", str(directory)],
		capture_output=True,
		text=True,
		timeout=300,
	)
	found = sorted(directory.glob("[Ll]ifetimes-0.11.3-*.whl"))
	if done.returncode or not found:
		raise RuntimeError(
			f"could not download {WHEEL} for the CDNOW data: {done.stderr.strip() or done.stdout}"
		)
	return found[0]


def cdnow_text() -> str:
	with zipfile.ZipFile(wheel_path()) as wheel:
		return wheel.read(MEMBER).decode()


def cdnow_rows() -> list[tuple[str, date, float]]:
	"""(customer id, date, amount), one per line of the file (several lines can share a customer-day)."""
	rows = []
	for line in cdnow_text().splitlines():
		fields = line.split()
		if not fields:
			continue
		day = fields[2]
		rows.append((fields[0], date(int(day[:4]), int(day[4:6]), int(day[6:8])), float(fields[4])))
	return rows
