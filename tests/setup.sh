#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine with internet, from this checkout:
#
#   sudo bash tests/setup.sh
#
# system packages; MariaDB configured for Frappe; a non-root bench user (frappe); the bench CLI;
# `bench init` of Frappe v15 from upstream at /home/frappe/frappe-bench; a site sales-crm.localhost
# with this app installed and the setup wizard completed. Every step is skipped when already done,
# so running it again is safe. Then `bash tests/run.sh` runs the tests, and `bench start` (as frappe,
# in the bench) serves the desk at http://sales-crm.localhost:8000 (Administrator / admin).
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
user=${SALES_CRM_BENCH_USER:-frappe}
bench=${SALES_CRM_BENCH:-/home/$user/frappe-bench}
site=${SALES_CRM_SITE:-sales-crm.localhost}
source "$checkout/tests/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "setup: run as root (sudo bash tests/setup.sh): it installs system packages" >&2
	exit 1
fi
step() { printf '\n== %s\n' "$*"; }

step "system packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq git curl ca-certificates build-essential pkg-config cron \
	python3 python3-dev python3-venv python3-pip \
	mariadb-server mariadb-client libmariadb-dev redis-server \
	wkhtmltopdf xvfb libfontconfig fonts-noto-cjk chromium >/dev/null
command -v node >/dev/null || apt-get install -y -qq nodejs npm >/dev/null
command -v yarn >/dev/null || npm install --global --silent yarn
# Debian's own interpreter, never root's PATH (pyenv, conda…): the bench user must be able to run it.
python=${SALES_CRM_PYTHON:-/usr/bin/python3.11}
check_python() {
	local who=$1
	if [ ! -x "$python" ]; then
		echo "setup: $python is missing; Frappe v15 needs Debian 12's python3.11 (apt-get install python3.11 python3.11-venv)," >&2
		echo "       or set SALES_CRM_PYTHON to a Python 3.10-3.12 that every user can run" >&2
		exit 1
	fi
	if ! runuser -u "$who" -- "$python" -c \
		"import sys, venv, ensurepip; sys.exit(0 if (3, 10) <= sys.version_info[:2] < (3, 13) else 1)" 2>/dev/null; then
		echo "setup: user $who cannot run $python as a Python 3.10-3.12 with venv and ensurepip" >&2
		echo "       ($("$python" --version 2>&1)); use Debian's /usr/bin/python3.11 or set SALES_CRM_PYTHON" >&2
		exit 1
	fi
}
check_python nobody

step "MariaDB for Frappe (utf8mb4) and its root password"
cat >/etc/mysql/mariadb.conf.d/99-frappe.cnf <<'CNF'
[mysqld]
character-set-client-handshake = FALSE
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci

[mysql]
default-character-set = utf8mb4
CNF
# InnoDB's buffer pool holds the working set of every report and list: a quarter of the machine's memory
# (256 MiB to 16 GiB) instead of Debian's 128 MiB. On a shared database server, size it by hand.
memory_mb=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))
pool_mb=$((memory_mb / 4))
[ "$pool_mb" -ge 256 ] || pool_mb=256
[ "$pool_mb" -le 16384 ] || pool_mb=16384
printf '\n[mysqld]\ninnodb_buffer_pool_size = %dM\n' "$pool_mb" >>/etc/mysql/mariadb.conf.d/99-frappe.cnf
# A binary log with GTIDs, so that read replicas can follow this server (docs/SCALING.md; the replica
# test starts one on loopback). Two days of logs are kept.
cat >>/etc/mysql/mariadb.conf.d/99-frappe.cnf <<'CNF'
server_id = 1
log_bin = mysql-bin
binlog_format = ROW
expire_logs_days = 2
CNF
service mariadb restart >/dev/null
password=""
if [ -f "$bench/sites/common_site_config.json" ]; then
	password=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get('root_password') or '')" \
		"$bench/sites/common_site_config.json")
fi
[ -n "$password" ] || password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
if mysql -uroot -e "SELECT 1" >/dev/null 2>&1; then
	# root keeps its socket login and gains the password that bench uses to create sites
	mysql -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('$password'); FLUSH PRIVILEGES;"
elif ! mysql -uroot -p"$password" -e "SELECT 1" >/dev/null 2>&1; then
	echo "setup: cannot log in to MariaDB as root; put its password in $bench/sites/common_site_config.json as root_password" >&2
	exit 1
fi

step "the bench user ($user) and the bench CLI"
id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
home=$(getent passwd "$user" | cut -d: -f6)
chmod 755 "$home"
check_python "$user"
if [ ! -x "$home/.bench-env/bin/bench" ]; then
	runuser -u "$user" -- "$python" -m venv "$home/.bench-env"
	runuser -u "$user" -- "$home/.bench-env/bin/pip" install --quiet frappe-bench
fi
ln -sf "$home/.bench-env/bin/bench" /usr/local/bin/bench

step "Frappe v15 bench at $bench"
if [ ! -d "$bench/apps/frappe" ]; then
	(cd "$(dirname "$bench")" && runuser -u "$user" -- env HOME="$home" PATH="$home/.bench-env/bin:$PATH" \
		bench init --frappe-branch version-15 --python "$python" "$(basename "$bench")")
fi
# Frappe v15's Google client libraries import pkg_resources, which setuptools 70 dropped.
as_owner "$bench" "$bench/env/bin/python" -m pip install --quiet "setuptools<70" pytest requests hypothesis
mapfile -t missing < <(missing_dependencies "$bench/env/bin/python" "$checkout")
[ ${#missing[@]} = 0 ] || as_owner "$bench" "$bench/env/bin/python" -m pip install --quiet "${missing[@]}"
(cd "$bench" && as_owner "$bench" env PATH="$home/.bench-env/bin:$PATH" bench set-config -g root_password "$password" >/dev/null)
ensure_services "$bench"

step "site $site with sales_crm"
app=$(readable_checkout "$bench" "$checkout")
as_owner "$bench" "$bench/env/bin/python" "$app/tests/benchsite.py" site "$site"
(cd "$bench" && as_owner "$bench" env PATH="$home/.bench-env/bin:$PATH" bench use "$site" >/dev/null)

cat <<DONE

setup: done. Run the tests:   bash tests/run.sh
Open the desk:                sudo -u $user -H bash -c 'cd $bench && bench serve --port 8000'
                              then http://$site:8000 or http://localhost:8000 (Administrator / admin)
DONE
