"""Customer mining, the Frappe side: read the submitted orders, fit the purchase models of
``sales_crm.mining`` (pure), store every customer's and site's value and churn risk, estimate the open
opportunities' win probability, open follow-ups for valuable customers at risk, and keep a
``Customer Mining Run`` record — the model card a sales director reads.

Everything is set-based: the orders are read as one grouped query per level (customer, site), the scores
are written with one ``UPDATE … JOIN`` (customers, opportunities) or one upsert (sites) per chunk of
``CHUNK`` rows, never a ``doc.save()`` per record. The figures are the run's alone: they are read-only, so
server-owned (``chain.owned``), and a desk or REST save that changes one is refused.

A run is a job on the ``long`` queue (``start_run``; "Run Now" in the desk; ``sales_crm.api.run_mining``)
and runs every day (``daily_run``). ``calibration_end`` and ``holdout_end`` fix its dates, so that a
published data set's figures can be reproduced.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from datetime import date, timedelta

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import cint, flt, getdate, now_datetime, nowdate

from sales_crm import jobs, owned
from sales_crm.reporting import visible

ROLES = ("System Manager", "Sales Director")
CHUNK = 5000
JOB_TIMEOUT = 4 * 3600
# how long a run's worker waits for the run before it to end (``run_job``) before giving up
TURN_WAIT = JOB_TIMEOUT // 2
TURN = "mining_turn"  # the jobs.turn of mining runs
MIN_CUSTOMERS = 20  # fewer customers than this cannot fit BG/NBD's four parameters
SITE_SEPARATOR = "\x1f"
DAYS_OF_YEAR_ONE = 366  # MariaDB's TO_DAYS('0001-01-01')


class RunInProgress(frappe.ValidationError):
	"""Another run is queued or running: a second at once would write the same scores and could open the
	same follow-ups again. HTTP 409: start it once that one has finished."""

	http_status_code = 409


TOO_LITTLE_HISTORY = "too little history"


# ---------------------------------------------------------------------------- starting a run
def check_permission() -> None:
	frappe.only_for(ROLES)


def start_run(calibration_end=None, holdout_end=None, holdout_weeks=None) -> dict:
	"""Queue a run on the ``long`` queue; the answer is ``{"job_id", "status": "queued", "run"}``."""
	check_permission()
	end = getdate(calibration_end) if calibration_end else None
	holdout = getdate(holdout_end) if holdout_end else None
	if holdout and holdout <= (end or getdate()):
		frappe.throw(_("Holdout End must come after Calibration End"), title=_("Invalid Request"))
	weeks = cint(holdout_weeks) if holdout_weeks not in (None, "") else None
	if weeks is not None and weeks < 1:
		frappe.throw(_("Holdout weeks must be at least 1"), title=_("Invalid Request"))
	close_abandoned_runs()
	current = in_flight()
	if current:
		frappe.throw(
			_("Customer Mining Run {0} is {1}: start a new run once it has finished").format(
				current.name, _(current.status)
			),
			RunInProgress,
			title=_("A Run Is in Progress"),
		)
	with owned.by_server():  # the run's record is the server's: its status and who started it
		run = frappe.get_doc(
			{
				"doctype": "Customer Mining Run",
				"status": "Queued",
				"started_by": frappe.session.user,
				"calibration_end": end,
				"holdout_end": holdout,
				"holdout_weeks": weeks,
			}
		).insert(ignore_permissions=True)
	job_id = jobs.new_id("mining")
	frappe.db.set_value("Customer Mining Run", run.name, "job_id", job_id, update_modified=False)
	jobs.save(job_id, {"job_id": job_id, "status": "queued", "user": frappe.session.user, "run": run.name})
	frappe.enqueue(
		"sales_crm.flows.mining.run_job",
		queue=jobs.QUEUE,
		timeout=JOB_TIMEOUT,
		job_id=job_id,
		run=run.name,
		mining_job_id=job_id,
		enqueue_after_commit=True,
	)
	return {"job_id": job_id, "status": "queued", "run": run.name}


def mining_status(job_id: str) -> dict:
	"""The job's state and its run record's figures."""
	check_permission()
	state = jobs.state_for_caller(
		job_id, _("Mining run {0} not found"), _("Not permitted to read mining run {0}")
	)
	state.pop("error", None)
	if state.get("run") and close_abandoned_runs():
		# a poller learns of a dead worker at once, not at the next run, and what it learnt stays: Frappe
		# commits a GET request only when asked to
		frappe.local.flags.commit = True
	if state.get("run"):
		state["record"] = frappe.get_doc("Customer Mining Run", state["run"]).as_dict(no_default_fields=True)
	return state


def in_flight() -> frappe._dict | None:
	"""The run that is queued or running, if any (the oldest)."""
	runs = frappe.get_all(
		"Customer Mining Run",
		filters={"status": ("in", ("Queued", "Running"))},
		fields=["name", "status"],
		order_by="creation asc",
		limit=1,
	)
	return runs[0] if runs else None


def daily_run() -> None:
	"""The scheduler's daily run (as Administrator), queued like "Run Now"; none while a run is in flight
	(one started by hand that morning scores as of today as well)."""
	try:
		start_run()
	except RunInProgress:
		frappe.clear_messages()


def _turn_lock() -> str:
	"""The MariaDB lock a run's worker holds from before its run starts to its end: one run at a time on a
	site, even for two started in the same instant (both past ``start_run``'s check)."""
	return jobs.turn_lock(TURN)


def _run_lock(run: str) -> str:
	"""The MariaDB lock a run's worker holds while it runs (a name of at most 64 characters)."""
	return "sales_crm_mining_" + hashlib.md5(f"{frappe.local.site}:{run}".encode()).hexdigest()


def close_abandoned_runs() -> list[str]:
	"""Runs whose worker is gone are marked Failed, so that no record reads Queued or Running for ever.

	A running run's worker holds ``_run_lock`` on its database connection, which MariaDB releases when the
	worker dies, however it dies: a Running run whose lock is free has no worker. A Queued run whose job
	RQ no longer holds as queued or started never began. (A killed run's scores and follow-ups were
	never committed: its transaction went with its worker.)"""
	closed = []
	for run in frappe.get_all(
		"Customer Mining Run",
		filters={"status": ("in", ("Queued", "Running"))},
		fields=["name", "status", "job_id"],
	):
		if run.status == "Running":
			gone = frappe.db.sql("select is_free_lock(%s)", _run_lock(run.name))[0][0] == 1
		else:
			try:
				gone = not run.job_id or jobs.gone(run.job_id)
			except Exception:
				gone = False  # RQ cannot be asked (Redis away): the run may yet start; leave it
		if gone and _close(run.name, run.status):
			closed.append(run.name)
	return closed


def _close(run: str, seen: str) -> bool:
	"""Mark ``run`` Failed if it still has the status it was seen with. The condition is read again by the
	UPDATE itself, after any lock a finishing worker holds on the row: a run that completed meanwhile keeps
	its result."""
	table = frappe.qb.DocType("Customer Mining Run")
	frappe.qb.update(table).set(table.status, "Failed").set(
		table.error, _("Its worker stopped before the run finished; nothing of it was kept.")
	).set(table.finished_on, now_datetime()).where((table.name == run) & (table.status == seen)).run()
	return frappe.db.sql("select row_count()")[0][0] > 0


def run_job(run: str, mining_job_id: str) -> None:
	job_id = mining_job_id
	state = jobs.load(job_id) or {"job_id": job_id, "user": frappe.session.user, "run": run}
	state.update(status="started", started_on=str(now_datetime()))
	jobs.save(job_id, state)
	# the run before this one (if any) commits first: this run then reads its scores and follow-ups
	with jobs.turn(TURN, TURN_WAIT) as taken:
		if taken:
			_take_turn(run, job_id, state)
			return
	error = _("Another run of this site went on for more than {0} hours; this one did not start.").format(
		TURN_WAIT // 3600
	)
	frappe.db.set_value(
		"Customer Mining Run",
		run,
		{"status": "Failed", "error": error, "finished_on": now_datetime()},
		update_modified=False,
	)
	frappe.db.commit()  # nosemgrep: the run's outcome
	state.update(status="failed", error=error)
	jobs.save(job_id, state)


def _take_turn(run: str, job_id: str, state: dict) -> None:
	# held for the run on this connection, and the record committed as Running: should the worker die,
	# the free lock tells the next run that this one is abandoned (close_abandoned_runs)
	frappe.db.sql("select get_lock(%s, 0)", _run_lock(run))
	# (error cleared: a run another start took for abandoned in the instant before its job was queued)
	frappe.db.set_value(
		"Customer Mining Run",
		run,
		{"status": "Running", "started_on": now_datetime(), "error": None, "finished_on": None},
		update_modified=False,
	)
	frappe.db.commit()  # nosemgrep: the run's status, before its work
	try:
		_run(run, job_id, state)
	finally:
		frappe.db.sql("select release_lock(%s)", _run_lock(run))


def _run(run: str, job_id: str, state: dict) -> None:
	def progress(percent: float, description: str) -> None:
		frappe.publish_progress(percent, title=_("Customer mining"), description=description, task_id=job_id)

	try:
		figures = execute(run, progress)
		frappe.db.commit()  # nosemgrep: the run's scores, follow-ups and record are its result
	except Exception as error:
		frappe.db.rollback()
		frappe.db.set_value(
			"Customer Mining Run",
			run,
			{
				"status": "Failed",
				"error": str(error)[:1000] or type(error).__name__,
				"finished_on": now_datetime(),
			},
		)
		frappe.db.commit()  # nosemgrep
		state.update(status="failed", error=frappe.get_traceback())
		jobs.save(job_id, state)
		raise
	state.update(status="finished", finished_on=str(now_datetime()), result=figures)
	jobs.save(job_id, state)
	progress(100, _("Done"))


# ---------------------------------------------------------------------------- the run
def execute(run: str, progress=None) -> dict:
	"""Everything a run does, in the caller's transaction; its figures are written to the run record."""
	progress = progress or (lambda percent, description: None)
	started = time.monotonic()
	record = frappe.db.get_value(
		"Customer Mining Run", run, ["calibration_end", "holdout_end", "holdout_weeks"], as_dict=True
	)
	frappe.db.set_value(
		"Customer Mining Run", run, {"status": "Running", "started_on": now_datetime()}, update_modified=False
	)
	end = getdate(record.calibration_end) if record.calibration_end else getdate(nowdate())
	holdout_end = getdate(record.holdout_end) if record.holdout_end else None
	weeks = (
		record.holdout_weeks
		or cint(frappe.db.get_single_value("Sales CRM Settings", "mining_holdout_weeks"))
		or 26
	)
	figures = {"calibration_end": end, "holdout_weeks": weeks}

	if holdout_end:
		cut, last = end, holdout_end  # the run's own fit is tested on the holdout after ``end``
	else:
		cut, last = end - timedelta(weeks=weeks), end
	progress(5, _("Reading orders"))
	customers = read_totals(CUSTOMER, end, cut, last)
	figures.update(orders=customers.orders, purchases=customers.purchases)

	progress(20, _("Fitting the purchase models"))
	summary = customers.summary(end)
	figures["calibration_start"] = min(summary.first, default=None)
	figures["customers"] = len(summary)
	figures["repeat_customers"] = int((summary.frequency > 0).sum()) if len(summary) else 0
	if len(summary) < MIN_CUSTOMERS:
		figures["model_note"] = _(
			"Too few customers with orders to fit the models ({0}; at least {1})."
		).format(len(summary), MIN_CUSTOMERS)
		fitted = None
	else:
		fitted = fit(summary)
		figures.update(model_figures(*fitted))

	# Every score is computed before any is written: a posting that writes a customer's or an opportunity's
	# row (an advance moves the customer's credit balance) waits for the run's commit once the run has
	# written that row, so those rows are written last, together, just before the commit (the customers
	# first: their write is the longer one, and an opportunity is saved more often). The site scores and
	# follow-ups are the run's own rows and are written as they are computed.
	customer_scores = None
	if fitted:
		progress(35, _("Backtest"))
		figures.update(backtest(customers, cut, last, fitted if holdout_end else None))
		progress(50, _("Scoring customers"))
		scored_on = now_datetime()
		customer_scores = score_rows(summary, fitted)
		del summary, customers
		customer_scores["name"] = customer_scores["key"]
		previous_value(customer_scores, "Sales Customer")
		share = valuable_share()
		figures.update(valuable_share=share, valuable_threshold=mark_valuable(customer_scores, share))
		progress(65, _("Scoring sites"))
		site_summary = read_totals(SITE, end, end, end).summary(end)
		site_scores = score_rows(site_summary, fitted)
		del site_summary
		site_scores["name"] = [site_score_name(*key.split(SITE_SEPARATOR, 1)) for key in site_scores["key"]]
		previous_value(site_scores, "Customer Site Score")
		mark_valuable(site_scores, share)
		figures["sites"] = len(site_scores["key"])
		write_site_scores(site_scores, scored_on)
		progress(75, _("Follow-ups for valuable customers at risk"))
		figures.update(open_follow_ups(customer_scores, site_scores))
		del site_scores  # the win model's columns reuse its memory
		for column in list(customer_scores):
			if column != "name" and column not in SCORE_COLUMNS:
				del customer_scores[column]  # what the write below does not need
		customer_scores["last_scored_on"] = [scored_on] * len(customer_scores["name"])

	progress(85, _("Win probability of open opportunities"))
	opportunity_figures, opportunity_scores = score_open_opportunities(end)
	figures.update(opportunity_figures)
	progress(95, _("Writing the scores"))
	if customer_scores is not None:
		update_join("Sales Customer", customer_scores, SCORE_COLUMNS)
		del customer_scores
	update_join("Sales Opportunity", opportunity_scores, OPPORTUNITY_SCORE_COLUMNS)
	del opportunity_scores
	figures["duration"] = round(time.monotonic() - started, 1)
	figures.update(status="Completed", finished_on=now_datetime())
	frappe.db.set_value("Customer Mining Run", run, clean(figures), update_modified=False)
	return {key: (str(value) if hasattr(value, "isoformat") else value) for key, value in figures.items()}


def clean(figures: dict) -> dict:
	"""The figures as the record stores them. A figure that could not be computed (an AUC without both
	outcomes, a degenerate fit's runaway parameter beyond what a Float column holds, no holdout purchases)
	is stored as 0 — numeric columns are never empty in Frappe — and named in the model note."""
	meta = frappe.get_meta("Customer Mining Run")
	numeric = {df.fieldname for df in meta.fields if df.fieldtype in ("Float", "Int", "Currency", "Percent")}
	missing = []
	cleaned = {}
	for key, value in figures.items():
		if isinstance(value, float) and not (math.isfinite(value) and abs(value) < 1e11):
			value = None
		if value is None and key in numeric:
			missing.append(_(meta.get_label(key)))
			value = 0
		cleaned[key] = value
	if missing:
		note = _("Not computable from this data: {0}.").format(", ".join(missing))
		cleaned["model_note"] = " ".join(filter(None, (cleaned.get("model_note"), note)))
	return cleaned


CUSTOMER, SITE = "customer", "site"


class Totals:
	"""Each key's purchase-day figures as the database aggregated them (``read_totals``), at two cut-offs:
	the run's end and the backtest's calibration end, with the key's purchase-days in the holdout."""

	# the columns of the aggregate, in the order ``read_totals`` selects them (the key comes last)
	COLUMNS = ("days", "first", "last", "total", "first_amount", "cut_days", "cut_last", "cut_total", "held")

	def __init__(self, keys: list[str], figures, orders: int, purchases: int):
		import numpy as np

		self.keys = keys
		self.figures = figures if len(keys) else np.zeros((0, len(self.COLUMNS)))
		self.orders, self.purchases = orders, purchases

	def column(self, name: str):
		return self.figures[:, self.COLUMNS.index(name)]

	def summary(self, end):
		from sales_crm.mining import purchases

		c = self.column
		return purchases.from_totals(
			self.keys, c("days"), c("first"), c("last"), c("total"), c("first_amount"), end
		)

	def calibration(self, cut):
		"""The summary up to the calibration end and each of its keys' purchase-days in the holdout."""
		from sales_crm.mining import purchases

		c = self.column
		summary = purchases.from_totals(
			self.keys, c("cut_days"), c("first"), c("cut_last"), c("cut_total"), c("first_amount"), cut
		)
		held = dict(zip(self.keys, c("held").astype(int).tolist(), strict=True))
		return summary, [held[key] for key in summary.keys]


def read_totals(level: str, end, cut, last) -> Totals:
	"""Every submitted order up to the later of ``end`` and ``last`` (imported history included), summed per
	key in the database: a purchase is a key on a day, so days are counted distinct. The orders are read in
	the order of ``customer_order_report_index`` (docstatus, customer, site, date, amount), so MariaDB
	aggregates each key as its orders stream past, with no temporary table; the first purchase-day's amount
	is one index lookup per key. The rows that reach Python are one per key, each packed into one string (a
	million orders are read in seconds, not minutes, through a driver that decodes each value in Python).
	Keys are customers, or customer sites."""
	import numpy as np

	if level == CUSTOMER:
		key, group, site, same_site = "customer", "docstatus, customer", "", ""
		address = "null"
	else:
		key, address = "concat(customer, %(separator)s, customer_address)", "customer_address"
		group = "docstatus, customer, customer_address"
		site = "and customer_address is not null and customer_address != ''"
		same_site = "and x.customer_address = t.customer_address"
	amount = "coalesce(base_grand_total, 0)"
	rows = frappe.db.sql(
		f"""select concat_ws(',', t.days, to_days(t.first), coalesce(to_days(t.last), 0), t.total,
				(select sum(coalesce(x.base_grand_total, 0)) from `tabCustomer Order` x
				where x.docstatus = 1 and x.customer = t.customer {same_site} and x.order_date = t.first),
				t.cut_days, coalesce(to_days(t.cut_last), 0), t.cut_total, t.held, t.orders, t.all_days, t.k)
		from (
			select {key} k, customer, {address} customer_address,
				count(distinct if(order_date <= %(end)s, order_date, null)) days, min(order_date) first,
				max(if(order_date <= %(end)s, order_date, null)) last,
				sum(if(order_date <= %(end)s, {amount}, 0)) total,
				count(distinct if(order_date <= %(cut)s, order_date, null)) cut_days,
				max(if(order_date <= %(cut)s, order_date, null)) cut_last,
				sum(if(order_date <= %(cut)s, {amount}, 0)) cut_total,
				count(distinct if(order_date > %(cut)s and order_date <= %(last)s, order_date, null)) held,
				count(*) orders, count(distinct order_date) all_days
			from `tabCustomer Order`
			where docstatus = 1 and order_date <= %(until)s and customer is not null {site}
			group by {group}
		) t""",
		{"end": end, "cut": cut, "last": last, "until": max(end, last), "separator": SITE_SEPARATOR},
	)
	width = len(Totals.COLUMNS) + 2
	keys, blocks, parts = [], [], []
	for start in range(
		0, len(rows), CHUNK * 10
	):  # split a block at a time: the strings cost more than the numbers
		parts = [row[0].split(",", width) for row in rows[start : start + CHUNK * 10]]
		keys.extend(part[width] for part in parts)
		blocks.append(np.array([part[:width] for part in parts], dtype=float).reshape(len(parts), width))
	del rows, parts
	figures = np.concatenate(blocks) if blocks else np.zeros((0, width))
	del blocks
	# MariaDB's day numbers count from year 0, Python's ordinals from year 1
	offset = 1 - DAYS_OF_YEAR_ONE  # to_days(day) + offset = day.toordinal()
	for name in ("first", "last", "cut_last"):
		index = Totals.COLUMNS.index(name)
		figures[:, index] = np.where(figures[:, index] > 0, figures[:, index] + offset, 0)
	orders, purchases = int(figures[:, -2].sum()), int(figures[:, -1].sum())
	return Totals(keys, figures[:, : len(Totals.COLUMNS)], orders, purchases)


def fit(summary):
	from sales_crm.mining.bgnbd import fit_bgnbd
	from sales_crm.mining.gamma_gamma import fit_gamma_gamma

	bgnbd = fit_bgnbd(summary.frequency, summary.recency, summary.T)
	try:
		gg = fit_gamma_gamma(summary.frequency, summary.monetary)
	except ValueError:
		gg = None  # no repeat customers: each customer's own mean order value stands in
	return bgnbd, gg


def model_figures(bgnbd, gg) -> dict:
	figures = {"bgnbd_r": bgnbd.r, "bgnbd_alpha": bgnbd.alpha, "bgnbd_a": bgnbd.a, "bgnbd_b": bgnbd.b}
	if gg is not None:
		figures.update(gg_p=gg.p, gg_q=gg.q, gg_v=gg.v)
	return figures


def backtest(totals: Totals, cut, last, fitted=None) -> dict:
	"""Fit on the history up to ``cut``, compare with the holdout (``cut``, ``last``]: expected against
	actual repeat purchases of the calibration's customers, and how well the churn score and the expected
	purchases rank those who did not / did buy again. ``fitted`` is the run's own fit when it was fitted up
	to ``cut`` (an explicit holdout after the run's end); otherwise the calibration is fitted here."""
	from sales_crm.mining.bgnbd import expected_purchases
	from sales_crm.mining.metrics import auc
	from sales_crm.mining.scoring import score

	figures = {"holdout_start": cut + timedelta(days=1), "holdout_end": last}
	calibration, actual = totals.calibration(cut)
	if len(calibration) < MIN_CUSTOMERS:
		return figures
	bgnbd, gg = fitted or fit(calibration)
	span = (last - cut).days / 7
	expected = expected_purchases(bgnbd, span, calibration.frequency, calibration.recency, calibration.T)
	churn = score(calibration, bgnbd, gg).churn_score
	total_actual, total_expected = sum(actual), float(expected.sum())
	figures.update(
		backtest_customers=len(calibration),
		expected_holdout_purchases=total_expected,
		actual_holdout_purchases=total_actual,
		holdout_error=(total_expected - total_actual) * 100 / total_actual if total_actual else None,
		churn_auc=auc([count == 0 for count in actual], churn),
		repeat_auc=auc([count > 0 for count in actual], expected),
	)
	return figures


def score_rows(summary, fitted) -> dict[str, list]:
	"""The scores of every key of the summary, as columns (``key`` and one list per score), rounded as the
	database stores them. Columns, not a dict per key: a large site scores hundreds of thousands of keys,
	and a dict per key costs a kilobyte and a lookup per figure."""
	import numpy as np

	from sales_crm.mining.scoring import score

	if not len(summary):
		return {"key": []}
	scores = score(summary, *fitted)

	def rounded(values, digits):
		values = np.round(np.asarray(values, dtype=float), digits)
		return np.where(np.isfinite(values), values, 0.0).tolist()

	return {
		"key": list(summary.keys),
		"p_alive": rounded(scores.p_alive * 100, 3),
		"expected_orders_90": rounded(scores.expected_90, 4),
		"expected_orders_365": rounded(scores.expected_365, 4),
		"clv": rounded(scores.clv, 2),
		"rfm_r": np.asarray(scores.r_score, dtype=int).tolist(),
		"rfm_f": np.asarray(scores.f_score, dtype=int).tolist(),
		"rfm_m": np.asarray(scores.m_score, dtype=int).tolist(),
		"rfm_segment": list(scores.segment),
		"churn_score": rounded(scores.churn_score, 4),
		"churn_risk": list(scores.churn_risk),
	}


def score_row(scores: dict[str, list], i: int) -> dict:
	return {column: values[i] for column, values in scores.items()}


SCORE_COLUMNS = (
	"p_alive",
	"expected_orders_90",
	"expected_orders_365",
	"clv",
	"valuable",
	"rfm_r",
	"rfm_f",
	"rfm_m",
	"rfm_segment",
	"churn_score",
	"churn_risk",
	"last_scored_on",
)


def literals(values: list) -> list[str]:
	"""The SQL literals of one column's values: numbers as numbers (a non-finite one as NULL), text through
	the driver's escaping (the few values a column repeats — segments, risks, a time — escaped once)."""
	sample = next((value for value in values if value is not None), None)
	if isinstance(sample, int | float):
		return [
			"NULL" if value is None or value != value or value in (math.inf, -math.inf) else repr(value)
			for value in values
		]
	cache: dict = {None: "NULL"}
	out = []
	for value in values:
		text = cache.get(value)
		if text is None:
			text = frappe.db.escape(str(value), percent=False)
			if len(cache) < 64:
				cache[value] = text
		out.append(text)
	return out


def literal_rows(columns: dict[str, list], names: tuple[str, ...], start: int, stop: int) -> list[str]:
	"""Rows ``start:stop`` of ``columns`` as SQL tuples of ``names``, built a column at a time: the run
	writes a row per customer and site, and the driver's escaping, value by value, would cost more than the
	whole model."""
	formatted = [literals(columns[name][start:stop]) for name in names]
	return ["(" + ", ".join(values) + ")" for values in zip(*formatted, strict=True)]


def update_join(doctype: str, columns: dict[str, list], names: tuple[str, ...]) -> None:
	"""One ``UPDATE `tab…` JOIN (SELECT … UNION ALL SELECT …)`` per chunk: each ``name`` gets its ``names``
	columns. ``modified`` is left alone: a score is not an edit of the record."""
	selected = ("name", *names)
	assignments = ", ".join(f"target.`{column}` = source.`{column}`" for column in names)
	# the first select names the columns; a NULL row that selects nothing leaves the types to the data
	header = "select " + ", ".join(f"null as `{column}`" for column in selected) + " from dual where false"
	for start in range(0, len(columns["name"]), CHUNK):
		tuples = literal_rows(columns, selected, start, start + CHUNK)
		derived = " union all ".join("select " + row[1:-1] for row in tuples)
		frappe.db.sql(
			f"update `tab{doctype}` target join ({header} union all {derived}) source "
			f"on source.name = target.name set {assignments}"
		)


def previous_value(scores: dict[str, list], doctype: str) -> None:
	"""Each key's ``previous_clv`` and ``was_valuable``: what the last run stored, read before this run
	overwrites it. A customer who stops buying loses expected value as it turns High risk; what makes it
	worth a call is the value it had (``open_follow_ups``). Every scored record is read in one pass, a
	packed string per record (see ``read_totals``)."""
	stored = {}
	for (packed_row,) in frappe.db.sql(
		f"""select concat_ws(',', coalesce(clv, 0), coalesce(valuable, 0), name) from `tab{doctype}`
		where last_scored_on is not null"""
	):
		clv, was_valuable, name = packed_row.split(",", 2)
		stored[name] = (float(clv), int(was_valuable))
	previous = [stored.get(name, (0.0, 0)) for name in scores["name"]]
	del stored
	scores["previous_clv"] = [clv for clv, _valuable in previous]
	scores["was_valuable"] = [valuable for _clv, valuable in previous]


# A site's score is upserted by this name, so two sites whose names collided would share one record, the
# second overwriting the first, at every run. At 250,000 sites, ten hex characters give such a pair about one
# site list in forty; twenty, never in practice (``patches.v1.lengthen_site_score_names`` renamed the
# records of shorter names).
SITE_SCORE_NAME_LENGTH = 20


def site_score_name(customer: str, address: str) -> str:
	return hashlib.sha1(f"{customer}\n{address}".encode()).hexdigest()[:SITE_SCORE_NAME_LENGTH]


def write_site_scores(scores: dict[str, list], scored_on) -> None:
	"""Upsert a ``Customer Site Score`` per scored site, with its customer's salesperson and department
	(the row scope of the customer, which the site follows)."""
	count = len(scores["key"])
	if not count:
		return
	customers, addresses = [], []
	for key in scores["key"]:
		customer, address = key.split(SITE_SEPARATOR, 1)
		customers.append(customer)
		addresses.append(address)
	# every customer's owner: this run's customers are not marked scored yet (their scores are written last)
	wanted, owners = set(customers), {}
	for (packed_row,) in frappe.db.sql(
		"""select concat_ws(char(31), coalesce(sales_person, ''), coalesce(sales_department, ''), name)
		from `tabSales Customer`"""
	):
		person, department, name = packed_row.split(UNIT, 2)
		if name in wanted:
			owners[name] = (person or None, department or None)
	del wanted
	user = frappe.session.user
	scores.update(
		customer=customers,
		address=addresses,
		sales_person=[owners.get(customer, (None, None))[0] for customer in customers],
		sales_department=[owners.get(customer, (None, None))[1] for customer in customers],
		creation=[scored_on] * count,
		modified=[scored_on] * count,
		last_scored_on=[scored_on] * count,
		owner=[user] * count,
		modified_by=[user] * count,
		docstatus=[0] * count,
		idx=[0] * count,
	)
	del owners
	columns = (
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"docstatus",
		"idx",
		"customer",
		"address",
		"sales_person",
		"sales_department",
		*SCORE_COLUMNS,
	)
	updated = [c for c in columns if c not in ("name", "creation", "owner", "docstatus", "idx")]
	for start in range(0, count, CHUNK):
		frappe.db.sql(
			"insert into `tabCustomer Site Score` ({}) values {} on duplicate key update {}".format(
				", ".join(f"`{c}`" for c in columns),
				", ".join(literal_rows(scores, columns, start, start + CHUNK)),
				", ".join(f"`{c}` = values(`{c}`)" for c in updated),
			)
		)


# ---------------------------------------------------------------------------- valuable customers at risk
def valuable_share() -> float:
	share = frappe.db.get_single_value("Sales CRM Settings", "mining_valuable_share")
	return flt(share) if share not in (None, "") else 20.0


def threshold(values: list[float], share: float) -> float | None:
	"""The value from which a key is in the top ``share`` % (at least one key when there is any)."""
	ranked = sorted((v for v in values if v > 0), reverse=True)
	if not ranked or share <= 0:
		return None
	return ranked[max(1, math.ceil(len(ranked) * share / 100)) - 1]


def mark_valuable(scores: dict[str, list], share: float) -> float | None:
	"""Each key's ``valuable``: in the top ``share`` % by expected 12-month value now or at the last run, or
	valuable at the last run and still at High risk. A customer turning High risk has lost most of its
	expected value already; what it was worth is what is at stake. Returns the value from which a key is
	in the top share."""
	value_from = threshold(scores.get("clv", []), share)
	scores["valuable"] = [
		int(
			bool(value_from and max(clv, previous or 0) >= value_from)
			or bool(was_valuable and risk == "High")
		)
		for clv, previous, was_valuable, risk in zip(
			scores.get("clv", []),
			scores.get("previous_clv", []),
			scores.get("was_valuable", []),
			scores.get("churn_risk", []),
			strict=True,
		)
	]
	return value_from


def open_follow_ups(customer_scores: dict[str, list], site_scores: dict[str, list]) -> dict:
	"""One follow-up for the owning salesperson per valuable customer (and site) at High churn risk, unless
	the customer (site) already has an open one: so a re-run, or the next day's run, opens none twice."""
	at_risk, sites_at_risk = (
		[
			score_row(scores, i)
			for i, (valuable, risk) in enumerate(
				zip(scores.get("valuable", []), scores.get("churn_risk", []), strict=True)
			)
			if valuable and risk == "High"
		]
		for scores in (customer_scores, site_scores)
	)
	customers = sorted(
		{row["key"] for row in at_risk} | {row["key"].split(SITE_SEPARATOR)[0] for row in sites_at_risk}
	)
	owners, open_customers, open_sites = {}, set(), set()
	for start in range(0, len(customers), CHUNK):
		part = customers[start : start + CHUNK]
		for name, person, customer_name in frappe.db.sql(
			"""select name, sales_person, customer_name from `tabSales Customer`
			where name in %(names)s and disabled = 0""",
			{"names": part},
		):
			owners[name] = (person, customer_name)
		for customer, address in frappe.db.sql(
			"""select customer, customer_address from `tabSales Follow Up`
			where status in ('Open', 'Overdue') and customer in %(names)s""",
			{"names": part},
		):
			open_customers.add(customer)
			if address:
				open_sites.add((customer, address))
	created = 0
	for row in at_risk:
		customer = row["key"]
		person = owners.get(customer, (None, None))[0]
		if person and customer not in open_customers:
			follow_up(customer, None, person, row)
			open_customers.add(customer)
			created += 1
	for row in sites_at_risk:
		customer, address = row["key"].split(SITE_SEPARATOR, 1)
		person = owners.get(customer, (None, None))[0]
		if person and (customer, address) not in open_sites:
			follow_up(customer, address, person, row)
			open_sites.add((customer, address))
			created += 1
	return {
		"valuable_at_risk": len(at_risk),
		"sites_at_risk": len(sites_at_risk),
		"follow_ups_created": created,
	}


def follow_up(customer: str, address: str | None, person: str, row: dict) -> str:
	"""A follow-up (with its ToDo for today) and a desk notification for the salesperson."""
	what = address or customer
	segment = row["rfm_segment"]
	outcome = _(
		"Customer mining: {0} is among the most valuable customers (expected 12-month value {1}) and at "
		"High churn risk (churn score {2}, segment {3})."
	).format(what, frappe.format(row["clv"], "Currency"), flt(row["churn_score"], 2), _(segment))
	doc = frappe.get_doc(
		{
			"doctype": "Sales Follow Up",
			"follow_up_type": "Call",
			"follow_up_date": nowdate(),
			"customer": customer,
			"customer_address": address,
			"sales_person": person,
			"outcome": outcome,
			"next_step": _("Call the customer: ask how our products serve them and what they plan to buy."),
			"next_follow_up_date": nowdate(),
		}
	)
	doc.insert(ignore_permissions=True)
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	make_notification_logs(
		{
			"type": "Alert",
			"document_type": "Sales Follow Up",
			"document_name": doc.name,
			"subject": _("A valuable customer is at risk: {0}").format(frappe.bold(doc.party_name or what)),
			"email_content": outcome,
			"from_user": frappe.session.user,
		},
		[person],
	)
	return doc.name


@frappe.whitelist()
@frappe.read_only()
def valuable_customers_at_risk(filters: str | dict | None = None) -> dict:
	"""Number card: the user's valuable customers (``valuable``, set by the run) at High churn risk."""
	customer = frappe.qb.DocType("Sales Customer")
	query = (
		frappe.qb.from_(customer)
		.select(Count("*"))
		.where((customer.churn_risk == "High") & (customer.valuable == 1) & (customer.disabled == 0))
	)
	allowed = visible(customer, "Sales Customer")
	if allowed is not None:
		query = query.where(allowed)
	return {"value": query.run()[0][0] or 0, "fieldtype": "Int"}


# ---------------------------------------------------------------------------- win probability
FEATURES = (
	"Lead Source",
	"Sales Department",
	"Sales Method",
	"Stage",
	"Age (Days)",
	"Amount",
	"Products",
	"Follow-ups",
	"Days Since Follow-up",
	"Customer Orders",
	"Customer Order Amount",
)


def packed(query: str, values=None):
	"""The rows of ``query``, which selects one ``concat_ws(char(31), …)`` of its columns (every nullable
	one coalesced: ``concat_ws`` skips NULLs), split back into their columns. One value per row crosses the
	driver, which decodes each value in Python: for a run over every opportunity that is most of its time."""
	return (row[0].split(UNIT) for row in frappe.db.sql(query, values or {}))  # split as they are read


UNIT = "\x1f"  # char(31), the unit separator: no name or label holds it


def opportunity_features(end):
	"""Every opportunity's features as of its close (Won/Lost) or of ``end`` (Open), set-based: columns of
	its name, status, closing (or scoring) day and stage probability, and its features as a ``win.Table``."""
	rows = packed(
		"""select concat_ws(char(31), o.name, o.status, to_days(o.creation), to_days(o.modified),
			coalesce(lead.lead_source, ''), coalesce(o.sales_department, ''), coalesce(o.sales_method, ''),
			coalesce(o.sales_stage, ''), coalesce(o.probability, 0), coalesce(stage.probability, 0),
			coalesce(o.base_expected_revenue, 0))
		from `tabSales Opportunity` o
		left join `tabSales Lead` lead on lead.name = o.sales_lead
		left join `tabSales Method Stage` stage on stage.parent = o.sales_method
			and stage.parenttype = 'Sales Method' and stage.stage = o.sales_stage""",
	)
	# counted apart: a count per opportunity as a correlated subquery is a lookup per row, four times slower
	items = {
		name: int(count)
		for name, count in packed(
			"""select concat_ws(char(31), parent, count(*)) from `tabSales Opportunity Item`
			where parenttype = 'Sales Opportunity' group by parent"""
		)
	}
	follow_ups = {
		name: (int(count), int(last))
		for name, count, last in packed(
			"""select concat_ws(char(31), opportunity, count(*), coalesce(to_days(max(follow_up_date)), 0))
			from `tabSales Follow Up` where opportunity is not null group by opportunity"""
		)
	}
	history = {
		name: (int(count), float(amount))
		for name, count, amount in packed(
			"""select concat_ws(char(31), o.name, count(co.name), sum(coalesce(co.base_grand_total, 0)))
			from `tabSales Opportunity` o
			join `tabCustomer Order` co on co.customer = o.customer and co.docstatus = 1
				and co.order_date < date(o.creation)
			group by o.name"""
		)
	}
	from sales_crm.mining.win import Table

	today = to_days(getdate(end))
	meta = {"name": [], "status": [], "closed_on": [], "stage_probability": []}
	columns = {feature: [] for feature in FEATURES}
	add = [columns[feature].append for feature in FEATURES]  # the values below are in FEATURES' order
	for name, status, created, modified, source, department, method, stage, own, staged, amount in rows:
		as_of = int(modified) if status in ("Won", "Lost") else today
		count, last = follow_ups.get(name, (0, 0))
		orders, spent = history.get(name, (0, 0.0))
		own = float(own)
		meta["name"].append(name)
		meta["status"].append(status)
		meta["closed_on"].append(as_of)
		meta["stage_probability"].append(own if own > 0 else float(staged))
		for append, value in zip(
			add,
			(
				source,
				department,
				method,
				stage,
				max(0, as_of - int(created)),
				float(amount),
				items.get(name, 0),
				count,
				as_of - last if last else None,
				orders,
				spent,
			),
			strict=True,
		):
			append(value)
	del rows
	meta["closed_on"] = [date.fromordinal(day - DAYS_OF_YEAR_ONE + 1) for day in meta["closed_on"]]
	return meta, Table(columns, len(meta["name"]))


def to_days(day: date) -> int:
	"""MariaDB's ``TO_DAYS`` of a date."""
	return day.toordinal() + DAYS_OF_YEAR_ONE - 1


OPPORTUNITY_SCORE_COLUMNS = ("win_probability", "win_factors")


def score_open_opportunities(end) -> tuple[dict, dict[str, list]]:
	"""Train the win model on the closed opportunities: the run's figures of it, and every open
	opportunity's ``win_probability`` and top factors (``win_factors``) as columns (``name`` and one list
	per field), computed and not written; with too little history, the stage's probability and a note
	that says so."""
	from sales_crm.mining import win

	meta, table = opportunity_features(end)
	closed = [i for i, status in enumerate(meta["status"]) if status in ("Won", "Lost")]
	open_ = [i for i, status in enumerate(meta["status"]) if status == "Open"]
	won = [1 if meta["status"][i] == "Won" else 0 for i in closed]
	open_names = [meta["name"][i] for i in open_]
	figures = {"opportunities_scored": len(open_)}
	if not win.enough_history(won):
		figures["win_status"] = "Too Little History"
		figures["win_train"] = len(closed)
		note = json.dumps({"model": False, "note": TOO_LITTLE_HISTORY})
		return figures, {
			"name": open_names,
			"win_probability": [meta["stage_probability"][i] for i in open_],
			"win_factors": [note] * len(open_),
		}
	days = [meta["closed_on"][i] for i in closed]
	cutoff = sorted(days)[int(len(days) * 0.8)]  # the latest fifth of the closed ones tests the model
	closed_table = table.take(closed)
	result = win.backtest(
		closed_table, won, days, cutoff, [meta["stage_probability"][i] / 100 for i in closed]
	)
	figures.update(
		win_status="Trained",
		win_train=result["train"],
		win_test=result["test"],
		win_auc=result["auc"],
		win_brier=result["brier"],
		baseline_auc=result["baseline_auc"],
		baseline_brier=result["baseline_brier"],
	)
	model = win.WinModel().fit(closed_table, won)
	del closed_table
	# the open ones a block at a time: their encoded columns and explanations are the run's largest arrays
	scores = {"name": open_names, "win_probability": [], "win_factors": []}
	block = CHUNK * 10
	for start in range(0, len(open_), block):
		features = table.take(open_[start : start + block])
		probabilities = model.predict(features).tolist()
		explained = model.explain_many(features, top=3)
		scores["win_probability"].extend(round(probability * 100, 2) for probability in probabilities)
		scores["win_factors"].extend(
			json.dumps({"model": True, "factors": [[label, round(value, 3)] for label, value in factors]})
			for factors in explained
		)
		del features, probabilities, explained
	return figures, scores
