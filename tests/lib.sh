# Shell helpers shared by tests/setup.sh and tests/run.sh (sourced, not run).

# as_owner BENCH CMD…: run CMD as the bench's owner (directly when we are that user).
as_owner() {
	local owner
	owner=$(stat -c %U "$1")
	shift
	if [ "$(id -un)" = "$owner" ]; then
		"$@"
	else
		runuser -u "$owner" -- env HOME="$(getent passwd "$owner" | cut -d: -f6)" PATH="$PATH" "$@"
	fi
}

# ensure_services BENCH: MariaDB, and the bench's Redis cache and queue, running (started when down).
ensure_services() {
	local bench=$1 conf port
	# mysqladmin ping answers 0 whenever a server answers, even one that refuses the login
	if ! mysqladmin --protocol=tcp --host=127.0.0.1 ping >/dev/null 2>&1; then
		if [ "$(id -u)" = 0 ]; then
			echo "services: starting MariaDB"
			service mariadb start >/dev/null
		else
			echo "services: MariaDB is not running and only root can start it (sudo service mariadb start)" >&2
			return 1
		fi
	fi
	for conf in redis_cache redis_queue; do
		port=$(awk '$1 == "port" {print $2}' "$bench/config/$conf.conf")
		if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
			echo "services: starting Redis ($conf, port $port)"
			(cd "$bench" && as_owner "$bench" redis-server "config/$conf.conf" --daemonize yes >/dev/null)
			for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
		fi
	done
}

# readable_checkout BENCH CHECKOUT: prints a path the bench's owner can read holding CHECKOUT's files:
# CHECKOUT itself, or (a clone under /root, say) an exact copy of it kept beside the bench.
readable_checkout() {
	local bench=$1 checkout=$2 owner copy
	owner=$(stat -c %U "$bench")
	if as_owner "$bench" test -r "$checkout/sales_crm/hooks.py"; then
		echo "$checkout"
		return
	fi
	copy="$bench/.sales_crm-checkout"
	echo "tests: $owner cannot read $checkout; using a copy of it at $copy" >&2
	rm -rf "$copy"
	mkdir -p "$copy"
	tar -C "$checkout" --exclude=.git -cf - . | tar -C "$copy" -xf -
	# the history, which the upgrade test builds earlier versions from (copied: no hard links to chown)
	if git -C "$checkout" rev-parse --git-dir >/dev/null 2>&1; then
		git clone --quiet --bare --no-local "$checkout" "$copy/.git"
	fi
	chown -R "$owner": "$copy"
	echo "$copy"
}

# missing_dependencies PYTHON CHECKOUT: prints the app's runtime dependencies (pyproject.toml's [project]
# dependencies) that PYTHON lacks or has at a version outside their bounds, one a line. A bench links the
# app with a .pth file, which installs none of them.
missing_dependencies() {
	PYTHONDONTWRITEBYTECODE=1 "$1" - "$2/pyproject.toml" <<'PY'
import sys
from importlib import metadata

try:
	import tomllib
except ImportError:  # Python 3.10
	from pip._vendor import tomli as tomllib
from pip._vendor.packaging.requirements import Requirement

with open(sys.argv[1], "rb") as f:
	for line in tomllib.load(f)["project"].get("dependencies", []):
		requirement = Requirement(line)
		try:
			version = metadata.version(requirement.name)
		except metadata.PackageNotFoundError:
			version = None
		if version is None or not requirement.specifier.contains(version, prereleases=True):
			print(line)
PY
}
