#!/usr/bin/env bash
# Start what the integration layer needs, when it is not running: MariaDB, and the bench's two Redis
# servers (cache and queue, from the bench's own config/). Safe to run again; prints what it did.
set -euo pipefail
bench=${1:-${SALES_CRM_BENCH:-/home/frappe/frappe-bench}}
owner=$(stat -c %U "$bench")

as_owner() {
	if [ "$(id -un)" = "$owner" ]; then "$@"; else runuser -u "$owner" -- "$@"; fi
}

if ! mysqladmin ping --silent >/dev/null 2>&1 && ! as_owner mysqladmin ping --silent >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		echo "services: starting MariaDB"
		service mariadb start >/dev/null
	else
		echo "services: MariaDB is not running and only root can start it (sudo service mariadb start)" >&2
		exit 1
	fi
fi

for conf in redis_cache redis_queue; do
	port=$(awk '$1 == "port" {print $2}' "$bench/config/$conf.conf")
	if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
		echo "services: starting Redis ($conf, port $port)"
		(cd "$bench" && as_owner redis-server "config/$conf.conf" --daemonize yes >/dev/null)
		for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
	fi
done
