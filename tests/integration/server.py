"""A real multi-worker server for the HTTP tests: gunicorn on 127.0.0.1 serving REST and the desk."""

import json
import socket
import subprocess
import time

import requests


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


class Server:
	def __init__(self, bench, site: str, workers: int = 2, env: dict | None = None):
		"""``env``: extra environment, e.g. FRAPPE_DB_PORT to reach the database through a test's proxy."""
		self.bench, self.site, self.workers, self.env = bench, site, workers, env
		self.port = free_port()
		self.url = f"http://127.0.0.1:{self.port}"
		self.proc = None

	def start(self):
		import os

		gunicorn = str(self.bench.path / "env" / "bin" / "gunicorn")
		log = open(self.bench.path / "logs" / "sales_crm_test_server.log", "ab")
		self.proc = subprocess.Popen(
			[
				gunicorn,
				"--bind",
				f"127.0.0.1:{self.port}",
				"--workers",
				str(self.workers),
				"--timeout",
				"120",
				"--chdir",
				str(self.bench.sites),
				"frappe.app:application_with_statics()",
			],
			stdout=log,
			stderr=log,
			env={**os.environ, **self.env} if self.env else None,
		)
		deadline = time.monotonic() + 180
		while time.monotonic() < deadline:
			try:
				if requests.get(f"{self.url}/api/method/ping", headers=self.headers(), timeout=30).ok:
					return self
			except (requests.ConnectionError, requests.Timeout):
				pass
			if self.proc.poll() is not None:
				raise RuntimeError("the test server exited; see logs/sales_crm_test_server.log")
			time.sleep(0.3)
		raise RuntimeError("the test server did not answer in 180 s")

	def stop(self):
		if self.proc:
			self.proc.terminate()
			self.proc.wait(timeout=30)

	def headers(self) -> dict:
		return {"X-Frappe-Site-Name": self.site, "Accept": "application/json"}

	def session(self, user: str, password: str) -> "Client":
		return Client(self, user, password)

	def anonymous(self) -> "Client":
		return Client(self, None, None)


class Client:
	"""One logged-in user."""

	def __init__(self, server: Server, user: str, password: str):
		self.server, self.user = server, user
		self.base = server.url
		self.http = requests.Session()
		self.http.headers.update(server.headers())
		if user:
			r = self.http.post(
				f"{server.url}/api/method/login", data={"usr": user, "pwd": password}, timeout=30
			)
			assert r.ok, f"login of {user} failed: {r.status_code} {r.text[:300]}"

	def call(self, method: str, **kwargs) -> requests.Response:
		data = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in kwargs.items() if v is not None}
		return self.http.post(f"{self.server.url}/api/method/{method}", data=data, timeout=120)

	def ok(self, method: str, **kwargs):
		r = self.call(method, **kwargs)
		assert r.ok, f"{self.user} {method}: {r.status_code} {r.text[:600]}"
		return r.json().get("message")

	def insert(self, doc: dict) -> dict:
		r = self.http.post(f"{self.server.url}/api/resource/{doc['doctype']}", json=doc, timeout=120)
		assert r.ok, f"{self.user} insert {doc['doctype']}: {r.status_code} {r.text[:600]}"
		return r.json()["data"]

	def get(self, doctype: str, name: str) -> dict:
		r = self.http.get(f"{self.server.url}/api/resource/{doctype}/{name}", timeout=60)
		assert r.ok, f"{self.user} get {doctype} {name}: {r.status_code} {r.text[:300]}"
		return r.json()["data"]

	def update(self, doctype: str, name: str, values: dict) -> requests.Response:
		return self.http.put(f"{self.server.url}/api/resource/{doctype}/{name}", json=values, timeout=120)

	def submit(self, doctype: str, name: str) -> requests.Response:
		return self.update(doctype, name, {"docstatus": 1})

	def workflow(self, doc: dict, action: str) -> requests.Response:
		return self.call("frappe.model.workflow.apply_workflow", doc=doc, action=action)


class Worker:
	"""A real RQ worker of the bench (``bench worker --queue …``), in its own process group so that the
	test can stop it, or kill it and its work-horse mid-job."""

	def __init__(self, bench, queue: str = "long", env: dict | None = None):
		self.bench, self.queue, self.env = bench, queue, env or {}
		self.proc = None

	def start(self):
		import os

		log = open(self.bench.path / "logs" / "sales_crm_test_worker.log", "ab")
		python = str(self.bench.path / "env" / "bin" / "python")
		self.proc = subprocess.Popen(
			[python, "-m", "frappe.utils.bench_helper", "frappe", "worker", "--queue", self.queue],
			cwd=str(self.bench.sites),
			stdout=log,
			stderr=log,
			start_new_session=True,
			# as in production: Frappe's workers take a CI environment for a test run (frappe.flags.in_test)
			# and then send workflow e-mails inline, with a PDF print wkhtmltopdf cannot fetch here
			env={**{k: v for k, v in os.environ.items() if k != "CI"}, "PYTHONUNBUFFERED": "1", **self.env},
		)
		deadline = time.monotonic() + 120
		while time.monotonic() < deadline:
			if self.proc.poll() is not None:
				raise RuntimeError("the test worker exited; see logs/sales_crm_test_worker.log")
			if self._registered():
				return self
			time.sleep(0.3)
		raise RuntimeError("the test worker did not register in 120 s")

	def _registered(self) -> bool:
		from frappe.utils.background_jobs import get_redis_conn
		from rq import Worker as RQWorker

		return any(w.pid == self.proc.pid for w in RQWorker.all(connection=get_redis_conn()))

	def stop(self):
		import os
		import signal

		if self.proc and self.proc.poll() is None:
			os.killpg(self.proc.pid, signal.SIGTERM)
			try:
				self.proc.wait(timeout=60)
			except subprocess.TimeoutExpired:
				os.killpg(self.proc.pid, signal.SIGKILL)
				self.proc.wait(timeout=30)

	def kill(self):
		"""What an out-of-memory kill or a lost machine does: SIGKILL to the worker and its work-horse
		(RQ forks the horse into a session of its own)."""
		import psutil

		processes = [psutil.Process(self.proc.pid)]
		processes += processes[0].children(recursive=True)
		for process in processes:
			process.kill()
		psutil.wait_procs(processes, timeout=30)
		self.proc.wait(timeout=30)


def ended(state: dict) -> bool:
	return state["status"] in ("finished", "failed")


def wait_for_job(status, job_id: str, until=ended, timeout: float = 300) -> dict:
	"""Poll ``status(job_id)`` (an app's ``*_status`` API) every half second until ``until(state)``; fail
	the test with the last state seen after ``timeout`` seconds."""
	deadline = time.monotonic() + timeout
	state = None
	while time.monotonic() < deadline:
		state = status(job_id)
		if until(state):
			return state
		time.sleep(0.5)
	raise AssertionError(f"job {job_id} did not get there in {timeout} s: {state}")


class ProgressEvents:
	"""What Frappe's realtime published (``frappe.publish_progress``) while the test ran: subscribe before
	the job is enqueued, read ``percents(job_id)`` after it finished."""

	def __init__(self):
		from frappe.utils.background_jobs import get_redis_connection_without_auth

		self.events = get_redis_connection_without_auth().pubsub()  # where frappe.realtime publishes
		self.events.subscribe("events")

	def percents(self, job_id: str) -> list:
		"""The progress percentages published to the job's task room, in order; closes the subscription."""
		percents = []
		while message := self.events.get_message(timeout=1):
			if message["type"] != "message":
				continue
			event = json.loads(message["data"])
			if event.get("event") == "progress" and event.get("room", "").endswith(job_id):
				percents.append(event["message"]["percent"])
		self.events.close()
		return percents


def wait_for_lock_wait(*fragments: str, timeout: float = 60) -> None:
	"""Until a statement of another connection (a server's or worker's: the site's database user sees its
	own connections) whose text holds every fragment is running: the test holds the row lock it waits on."""
	import frappe

	clauses = " and ".join(["info like %s"] * len(fragments))
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		if frappe.db.sql(
			f"select id from information_schema.processlist where id != connection_id() and {clauses}",
			tuple(f"%{f}%" for f in fragments),
		):
			return
		time.sleep(0.1)
	raise AssertionError(f"no statement with {fragments} started in {timeout} s")
