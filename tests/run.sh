#!/usr/bin/env bash
# The test command: the unit layer, and the integration layer on a real site when a bench is found.
#
#   bash tests/run.sh [pytest arguments]
#
# The bench is $SALES_CRM_BENCH, else /home/frappe/frappe-bench. With a bench, everything runs in the
# bench's Python as the bench's owner (root re-runs this script as that user); without one, the unit
# layer runs in python3 and the integration layer is reported SKIPPED.
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=${SALES_CRM_BENCH:-/home/frappe/frappe-bench}
cd "$checkout"

if [ ! -d "$bench/apps/frappe" ] || [ ! -x "$bench/env/bin/python" ]; then
	python3 -c "import pytest" 2>/dev/null || python3 -m pip install --quiet pytest
	set +e
	python3 -m pytest tests/unit "$@"
	rc=$?
	set -e
	echo "integration: SKIPPED (no Frappe bench at $bench)"
	exit $rc
fi

bench=$(cd "$bench" && pwd)
owner=$(stat -c %U "$bench")

if [ "$(id -un)" != "$owner" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "tests: the bench at $bench belongs to $owner; run this as $owner (or as root)" >&2
		exit 1
	fi
	bash "$checkout/tests/services.sh" "$bench"
	# The bench's owner must be able to read this checkout; where it cannot (a clone under /root, say),
	# the tests run on an exact copy of it kept beside the bench.
	if ! runuser -u "$owner" -- test -r "$checkout/sales_crm/hooks.py"; then
		copy="$bench/.sales_crm-checkout"
		echo "tests: $owner cannot read $checkout; testing a copy of it at $copy"
		mkdir -p "$copy"
		tar -C "$checkout" --exclude=.git -cf - . | tar -C "$copy" -xf -
		chown -R "$owner": "$copy"
		checkout=$copy
	fi
	exec runuser -u "$owner" -- env HOME="$(getent passwd "$owner" | cut -d: -f6)" \
		SALES_CRM_BENCH="$bench" PATH="$PATH" bash "$checkout/tests/run.sh" "$@"
fi

bash "$checkout/tests/services.sh" "$bench"
python="$bench/env/bin/python"
if ! "$python" -c "import pytest, requests" 2>/dev/null; then
	echo "tests: installing pytest into the bench's Python"
	"$python" -m pip install --quiet pytest requests
fi
export SALES_CRM_BENCH="$bench" PYTHONDONTWRITEBYTECODE=1
exec "$python" -m pytest -p no:cacheprovider "$checkout/tests" "$@"
