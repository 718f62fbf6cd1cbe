"""A MariaDB read replica of the test site, on loopback, for tests/integration/test_replica.py.

A second ``mariadbd`` runs as the user the tests run as (no service, no sudo), from a data directory in a
temporary folder, on 127.0.0.1 and a free port. It is seeded with a consistent dump of the test site's
database (``mariadb-dump --single-transaction --gtid``, which records the primary's GTID position) and
follows the primary (127.0.0.1:3306, ``server_id = 1``, binary log with GTIDs: tests/setup.sh) by GTID
replication of that one database. It is ``read_only``: only the replication thread writes to it. Its
general log goes to ``mysql.general_log``, so that a test can see which queries the site sent it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pymysql
from server import free_port

GTID_LINE = re.compile(r"^-- SET GLOBAL gtid_slave_pos='([^']*)';", re.MULTILINE)


class ReplicaError(RuntimeError):
	pass


class Replica:
	def __init__(self, bench, site: str):
		common = json.loads((bench.sites / "common_site_config.json").read_text())
		conf = {**common, **bench.site_config(site)}
		self.db_name, self.db_password = conf["db_name"], conf["db_password"]
		self.root_password = conf.get("root_password")
		if not self.root_password:
			raise ReplicaError("the bench's common_site_config.json has no root_password")
		self.primary_host = conf.get("db_host") or "127.0.0.1"
		if self.primary_host == "localhost":
			self.primary_host = "127.0.0.1"
		self.primary_port = int(conf.get("db_port") or 3306)
		self.dir = Path(tempfile.mkdtemp(prefix="sales_crm_replica_"))
		self.datadir = self.dir / "data"
		self.socket = str(self.dir / "mariadbd.sock")
		self.port = free_port()
		self.server_id = 1000 + secrets.randbelow(1_000_000)
		self.repl_user = f"repl{self.server_id}"
		self.repl_password = secrets.token_hex(16)
		self.root_local_password = secrets.token_hex(16)
		self.proc = None
		self._repl_user_created = False

	# ------------------------------------------------------------------ connections
	def primary(self, **kwargs) -> pymysql.Connection:
		return pymysql.connect(
			host=self.primary_host,
			port=self.primary_port,
			user="root",
			password=self.root_password,
			autocommit=True,
			cursorclass=pymysql.cursors.DictCursor,
			**kwargs,
		)

	def admin(self) -> pymysql.Connection:
		"""root on the replica, over its socket."""
		return pymysql.connect(
			unix_socket=self.socket,
			user="root",
			password=self.root_local_password if self._root_password_set else "",
			autocommit=True,
			cursorclass=pymysql.cursors.DictCursor,
		)

	_root_password_set = False

	def query(self, sql: str, args=None) -> list[dict]:
		with self.admin() as connection, connection.cursor() as cursor:
			cursor.execute(sql, args)
			return list(cursor.fetchall())

	def status(self) -> dict:
		rows = self.query("SHOW SLAVE STATUS")
		return rows[0] if rows else {}

	# ------------------------------------------------------------------ life cycle
	def start(self) -> Replica:
		self._install()
		self._run_server()
		self._secure()
		self._seed_and_follow()
		return self

	def _install(self):
		install = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
		if not install:
			raise ReplicaError("mariadb-install-db is not installed (Debian package mariadb-server)")
		proc = subprocess.run(
			[
				install,
				"--no-defaults",
				f"--datadir={self.datadir}",
				"--auth-root-authentication-method=normal",
				"--skip-test-db",
				"--skip-name-resolve",
			],
			capture_output=True,
			text=True,
			timeout=300,
		)
		if proc.returncode != 0:
			raise ReplicaError(f"mariadb-install-db failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")

	def _run_server(self):
		mariadbd = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
		self.log = self.dir / "error.log"
		self.proc = subprocess.Popen(
			[
				mariadbd,
				"--no-defaults",
				f"--datadir={self.datadir}",
				f"--socket={self.socket}",
				f"--pid-file={self.dir / 'mariadbd.pid'}",
				f"--log-error={self.log}",
				"--bind-address=127.0.0.1",
				f"--port={self.port}",
				"--skip-name-resolve",
				f"--server-id={self.server_id}",
				f"--relay-log={self.dir / 'relay'}",
				f"--replicate-wild-do-table={self.db_name}.%",
				"--read-only",
				"--skip-slave-start",
				"--log-output=TABLE",
				"--general-log=ON",
				"--character-set-server=utf8mb4",
				"--collation-server=utf8mb4_unicode_ci",
				"--character-set-client-handshake=FALSE",
				"--innodb-buffer-pool-size=128M",
				"--innodb-log-file-size=48M",
			],
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
			start_new_session=True,
		)
		deadline = time.monotonic() + 120
		while time.monotonic() < deadline:
			if self.proc.poll() is not None:
				raise ReplicaError(
					f"the replica's mariadbd exited ({self.proc.returncode}):\n{self.error_log()}"
				)
			try:
				self.query("SELECT 1")
				return
			except pymysql.err.OperationalError:
				time.sleep(0.2)
		raise ReplicaError(f"the replica's mariadbd did not answer in 120 s:\n{self.error_log()}")

	def error_log(self) -> str:
		try:
			return self.log.read_text()[-4000:]
		except OSError:
			return "(no error log)"

	def _secure(self):
		"""root gets a password; anonymous accounts go; the site's user may read its database and the
		replication status (SLAVE MONITOR, what sales_crm/replica.py checks), and nothing else: the
		server is read_only, so a write sent here fails instead of forking the data."""
		for row in self.query("SELECT User AS u, Host AS h FROM mysql.user WHERE User = ''"):
			self.query("DROP USER %s@%s", (row["u"], row["h"]))
		self.query("CREATE USER %s@'%%' IDENTIFIED BY %s", (self.db_name, self.db_password))
		self.query(f"GRANT ALL PRIVILEGES ON `{self.db_name}`.* TO %s@'%%'", (self.db_name,))
		self.query("GRANT SLAVE MONITOR ON *.* TO %s@'%%'", (self.db_name,))
		self.query("ALTER USER 'root'@'localhost' IDENTIFIED BY %s", (self.root_local_password,))
		self._root_password_set = True

	def _seed_and_follow(self):
		with self.primary() as connection, connection.cursor() as cursor:
			for host in ("127.0.0.1", "localhost"):
				cursor.execute(
					"CREATE USER IF NOT EXISTS %s@%s IDENTIFIED BY %s",
					(self.repl_user, host, self.repl_password),
				)
				cursor.execute("GRANT REPLICATION SLAVE ON *.* TO %s@%s", (self.repl_user, host))
			self._repl_user_created = True
		dump_file = self.dir / "seed.sql"
		env = {**os.environ, "MYSQL_PWD": self.root_password}
		with open(dump_file, "wb") as out:
			proc = subprocess.run(
				[
					shutil.which("mariadb-dump") or "mysqldump",
					"--no-defaults",
					f"--host={self.primary_host}",
					f"--port={self.primary_port}",
					"--user=root",
					"--single-transaction",
					"--gtid",
					"--master-data=2",
					"--skip-lock-tables",
					"--default-character-set=utf8mb4",
					"--databases",
					self.db_name,
				],
				stdout=out,
				stderr=subprocess.PIPE,
				env=env,
				timeout=600,
			)
		if proc.returncode != 0:
			raise ReplicaError(f"mariadb-dump failed: {proc.stderr.decode()[-3000:]}")
		# mariadb-dump --gtid writes the position at the end, once every table is dumped
		with open(dump_file, "rb") as source:
			source.seek(max(dump_file.stat().st_size - 64 * 1024, 0))
			tail = source.read().decode("utf-8", "replace")
		match = GTID_LINE.search(tail)
		if not match:
			raise ReplicaError(f"the dump records no GTID position:\n{tail[-2000:]}")
		self.seed_gtid = match.group(1)
		env = {**os.environ, "MYSQL_PWD": self.root_local_password}
		with open(dump_file, "rb") as source:
			proc = subprocess.run(
				[
					shutil.which("mariadb") or "mysql",
					"--no-defaults",
					f"--socket={self.socket}",
					"--user=root",
					"--default-character-set=utf8mb4",
				],
				stdin=source,
				capture_output=True,
				env=env,
				timeout=600,
			)
		if proc.returncode != 0:
			raise ReplicaError(f"loading the dump into the replica failed: {proc.stderr.decode()[-3000:]}")
		dump_file.unlink()
		self.query("SET GLOBAL gtid_slave_pos = %s", (self.seed_gtid,))
		self.query(
			"CHANGE MASTER TO MASTER_HOST = %s, MASTER_PORT = %s, MASTER_USER = %s, MASTER_PASSWORD = %s, "
			"MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1",
			(self.primary_host, self.primary_port, self.repl_user, self.repl_password),
		)
		self.query("START SLAVE")
		self.wait_running()

	def wait_running(self, timeout: float = 60) -> dict:
		deadline = time.monotonic() + timeout
		status = {}
		while time.monotonic() < deadline:
			status = self.status()
			if status.get("Slave_IO_Running") == "Yes" and status.get("Slave_SQL_Running") == "Yes":
				return status
			if status.get("Last_IO_Error") or status.get("Last_SQL_Error"):
				break
			time.sleep(0.2)
		raise ReplicaError(
			"replication did not start: "
			+ ", ".join(
				f"{k}={status.get(k)!r}"
				for k in ("Slave_IO_Running", "Slave_SQL_Running", "Last_IO_Error", "Last_SQL_Error")
			)
			+ f"\n{self.error_log()}"
		)

	def wait_caught_up(self, timeout: float = 60) -> float:
		"""Until the replica has applied everything the primary has logged so far; seconds it took."""
		started = time.monotonic()
		with self.primary() as connection, connection.cursor() as cursor:
			cursor.execute("SELECT @@gtid_binlog_pos AS pos")
			target = cursor.fetchone()["pos"]
		rows = self.query("SELECT MASTER_GTID_WAIT(%s, %s) AS r", (target, timeout))
		if rows[0]["r"] != 0:
			raise ReplicaError(f"the replica did not reach the primary's GTID {target} in {timeout} s")
		return time.monotonic() - started

	# ------------------------------------------------------------------ the site's queries
	def clear_log(self):
		self.query("TRUNCATE mysql.general_log")

	def site_queries(self) -> list[str]:
		"""What the site's database user sent the replica since the last clear_log(), leaving out the
		connections of sales_crm/replica.py's health probe (those that asked SHOW SLAVE STATUS)."""
		rows = self.query(
			"SELECT thread_id AS t, CONVERT(argument USING utf8mb4) AS q FROM mysql.general_log "
			"WHERE command_type = 'Query' AND user_host LIKE %s ORDER BY event_time",
			(f"{self.db_name}[{self.db_name}]%",),
		)
		probes = {r["t"] for r in rows if r["q"].lstrip().upper().startswith("SHOW SLAVE STATUS")}
		return [r["q"] for r in rows if r["t"] not in probes]

	# ------------------------------------------------------------------ faults
	def stop_sql_thread(self):
		self.query("STOP SLAVE SQL_THREAD")

	def start_sql_thread(self):
		self.query("START SLAVE SQL_THREAD")

	def set_delay(self, seconds: int):
		"""Delayed replication: the replica applies each change ``seconds`` after the primary made it."""
		self.query("STOP SLAVE")
		self.query("CHANGE MASTER TO MASTER_DELAY = %s", (seconds,))
		self.query("START SLAVE")
		self.wait_running()

	def kill(self):
		"""What a crash does: the server process is gone."""
		if self.proc and self.proc.poll() is None:
			self.proc.kill()
			self.proc.wait(timeout=60)

	def stop(self):
		"""Always safe to call: the server stopped, its files removed, the replication user dropped."""
		try:
			if self.proc and self.proc.poll() is None:
				self.proc.terminate()
				try:
					self.proc.wait(timeout=60)
				except subprocess.TimeoutExpired:
					self.proc.kill()
					self.proc.wait(timeout=30)
		finally:
			try:
				if self._repl_user_created:
					with self.primary() as connection, connection.cursor() as cursor:
						for host in ("127.0.0.1", "localhost"):
							cursor.execute("DROP USER IF EXISTS %s@%s", (self.repl_user, host))
			finally:
				shutil.rmtree(self.dir, ignore_errors=True)
