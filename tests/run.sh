#!/usr/bin/env bash
# The test command: the unit layer, and the integration layer on a real site when a bench is found.
#
#   bash tests/run.sh [pytest arguments]
#
# The bench is $SALES_CRM_BENCH, else /home/frappe/frappe-bench. With a bench, every test runs in the
# bench's Python as the bench's owner (root re-runs this script as that user, after starting MariaDB
# and Redis); without one, the unit layer runs in python3 and the integration layer is reported SKIPPED.
# SALES_CRM_FRESH_SITE=1 re-installs the test site first (CI does), dropping earlier runs' records.
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=${SALES_CRM_BENCH:-/home/frappe/frappe-bench}
cd "$checkout"
source "$checkout/tests/lib.sh"

if [ ! -d "$bench/apps/frappe" ] || [ ! -x "$bench/env/bin/python" ]; then
	python3 -c "import pytest" 2>/dev/null || python3 -m pip install --quiet pytest
	mapfile -t missing < <(missing_dependencies python3 "$checkout")
	[ ${#missing[@]} = 0 ] || python3 -m pip install --quiet "${missing[@]}"
	set +e
	python3 -m pytest -p no:cacheprovider tests/unit "$@"
	rc=$?
	set -e
	echo "integration: SKIPPED (no Frappe bench at $bench)"
	exit $rc
fi

bench=$(cd "$bench" && pwd)
owner=$(stat -c %U "$bench")
if [ "$(id -un)" != "$owner" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "tests: the bench at $bench belongs to $owner; run this as $owner or as root" >&2
		exit 1
	fi
	ensure_services "$bench"
	checkout=$(readable_checkout "$bench" "$checkout")
	# the desk tests keep their screenshots here; the bench's owner writes them
	install -d -o "$owner" "$checkout/tests/output" 2>/dev/null || true
	exec runuser -u "$owner" -- env HOME="$(getent passwd "$owner" | cut -d: -f6)" PATH="$PATH" \
		SALES_CRM_BENCH="$bench" SALES_CRM_FRESH_SITE="${SALES_CRM_FRESH_SITE:-}" bash "$checkout/tests/run.sh" "$@"
fi

ensure_services "$bench"
python="$bench/env/bin/python"
if ! "$python" -c "import pytest, requests, hypothesis, playwright" 2>/dev/null; then
	# playwright drives Debian's /usr/bin/chromium (never `playwright install`)
	echo "tests: installing pytest into the bench's Python"
	"$python" -m pip install --quiet pytest requests hypothesis playwright
fi
mapfile -t missing < <(missing_dependencies "$python" "$checkout")
if [ ${#missing[@]} != 0 ]; then
	echo "tests: installing the app's dependencies into the bench's Python: ${missing[*]}"
	"$python" -m pip install --quiet "${missing[@]}"
fi
export SALES_CRM_BENCH="$bench" PYTHONDONTWRITEBYTECODE=1
exec "$python" -m pytest -p no:cacheprovider tests "$@"
