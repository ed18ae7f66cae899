# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The outbox: queued messages sent by the cron in batches.

Rows are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` and moved to ``sending`` in the
claiming transaction, which is committed before any HTTP request, so several workers or servers
share the load and never send the same message twice. Each message is then marked in flight
(committed) immediately before its first request (``sicantik_whatsapp_outbox_flight.py``). A
batch stops taking messages well before Odoo's cron time limit and hands the rest to the next run.
"""

import json
import logging
import threading
import time

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

from ..services.pacing import DatabasePacer
from .sicantik_whatsapp_message import _ms_to_datetime

_logger = logging.getLogger(__name__)

#: ir.config_parameter keys.
PARAM_MAX_DEFERRALS = "sicantik_whatsapp.max_deferrals"
PARAM_TIME_BUDGET = "sicantik_whatsapp.outbox_time_budget_seconds"

#: The outbox commits its results at least this often: what a crash can leave in ``sending``
#: (later ``unknown``, never resent) is bounded by it, not by the batch.
OUTBOX_COMMIT_EVERY = 20
OUTBOX_COMMIT_SECONDS = 1.0
#: A batch takes new messages for at most this share of Odoo's cron time limit
#: (``limit_time_real_cron``, else ``limit_time_real``), counted from the job's first call, and
#: hands the rest to the next run. The rest of the limit covers the message under way (its
#: provider's timeout), the cron worker's sleep before the job (Odoo's watchdog counts it: up to
#: ~70 s of the default 120 s when the job runs on its interval) and the other jobs.
OUTBOX_LIMIT_SHARE = 0.25
#: Without any limit (threaded server, limits off): a batch still stops after this long, so
#: claims stay short and other jobs get their turn.
OUTBOX_DEFAULT_BUDGET = 60.0

#: (cron id, lastcall) → monotonic start of the cron job: Odoo calls a job that reports
#: remaining work up to 10 times without a watchdog ping in between, so the time budget is the
#: job's, not the call's.
_JOB_START = {}


class SicantikWhatsappOutbox(models.AbstractModel):
    _name = "sicantik.whatsapp.outbox"
    _description = "WhatsApp Outbox"

    @api.model
    def _trigger_outbox(self, at=None):
        cron = self.env.ref("sicantik_whatsapp.ir_cron_process_outbox", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(at=at)

    @api.model
    def _requeue_for_slot(self, message, notification, at_ms):
        """Queue ``message`` again until its provider's slot at ``at_ms`` (the pacer deferred it
        before its first request: nothing left), triggering the cron once per slot time."""
        at = _ms_to_datetime(at_ms).replace(microsecond=0)
        message.write(
            {
                "state": "queued",
                "scheduled_date": at,
                "claimed_at": False,
                "notification_json": json.dumps(notification, indent=2, ensure_ascii=False),
            }
        )
        # One cron trigger per slot time, not one per deferred message.
        triggered = self.env.cr.cache.setdefault("sicantik_whatsapp_pace_triggers", set())
        if at not in triggered:
            triggered.add(at)
            self._trigger_outbox(at)

    @api.model
    def _max_deferrals(self):
        return int(self.env["ir.config_parameter"].sudo().get_param(PARAM_MAX_DEFERRALS) or 5)

    @api.model
    def _claim_outbox(self, limit=100, fresh_retries=0):
        """Claim up to ``limit`` ready messages in the current transaction.

        Rows locked by another transaction are skipped (``SKIP LOCKED``), and the claimed rows
        are moved to ``sending`` before the caller commits, so two workers never get the same
        message. In repeatable read (Odoo's cron cursors), a row another worker claimed and
        committed after this transaction's snapshot cannot be locked: nothing is claimed then,
        and with ``fresh_retries`` (a caller with nothing uncommitted) the claim is tried again
        in a fresh transaction, which sees that worker's claim.
        """
        messages = self.env["sicantik.whatsapp.message"]
        messages.flush_model()
        for attempt in range(fresh_retries + 1):
            try:
                with self.env.cr.savepoint(flush=False):
                    return self._claim_outbox_rows(limit)
            except psycopg2.errors.SerializationFailure:
                _logger.info(
                    "WhatsApp outbox: claim met another worker's claim (attempt %s)", attempt + 1
                )
                if attempt < fresh_retries:
                    self.env.cr.rollback()
        return messages

    @api.model
    def _claim_outbox_rows(self, limit):
        now = fields.Datetime.now()
        self.env.cr.execute(
            """
            SELECT id
              FROM sicantik_whatsapp_message
             WHERE state IN ('queued', 'deferred')
               AND (scheduled_date IS NULL OR scheduled_date <= %s)
             ORDER BY priority, COALESCE(scheduled_date, create_date), id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            (now, limit),
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        messages = self.env["sicantik.whatsapp.message"].sudo().browse(ids)
        if messages:
            messages.write({"state": "sending", "claimed_at": now})
            messages.flush_recordset()
        return messages

    @api.model
    def _outbox_clock(self):
        """Seconds of a monotonic clock (a hook: tests move time forward)."""
        return time.monotonic()

    @api.model
    def _outbox_time_budget(self):
        """Seconds a batch may take new messages: :data:`OUTBOX_LIMIT_SHARE` of Odoo's cron time
        limit, or the ``sicantik_whatsapp.outbox_time_budget_seconds`` setting when lower."""
        limit = config.get("limit_time_real_cron") or 0
        if limit <= 0:
            limit = config.get("limit_time_real") or 0
        budget = limit * OUTBOX_LIMIT_SHARE if limit > 0 else OUTBOX_DEFAULT_BUDGET
        param = self.env["ir.config_parameter"].sudo().get_param(PARAM_TIME_BUDGET)
        try:
            if param and float(param) > 0:
                budget = min(budget, float(param))
        except ValueError:
            _logger.warning(
                "WhatsApp outbox: ignoring %s=%r (not a number)", PARAM_TIME_BUDGET, param
            )
        return budget

    @api.model
    def _outbox_deadline(self, time_budget=None):
        """When the batch stops taking messages (clock of :meth:`_outbox_clock`)."""
        if time_budget is None:
            time_budget = self._outbox_time_budget()
        now = self._outbox_clock()
        key = (self.env.context.get("cron_id"), str(self.env.context.get("lastcall")))
        if key[0] and self.env.context.get("ir_cron_progress_id"):
            # Later calls of the same job run (Odoo's progress loop) share its budget.
            if key not in _JOB_START:
                _JOB_START.clear()
                _JOB_START[key] = now
            now = _JOB_START[key]
        return now + time_budget

    @api.model
    def _cron_process_outbox(self, batch_size=100, time_budget=None):
        """Cron: send a batch of queued messages.

        Messages are claimed a group at a time (claim committed before any request), results are
        committed per group. No new message is taken after the time budget
        (:meth:`_outbox_time_budget`): the group's rest goes back to the queue and the cron is
        triggered again, so Odoo's watchdog never kills a batch of a slow provider.
        """
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        try:
            self.env["sicantik.whatsapp.dispatcher"]._wasm()
        except UserError as e:
            _logger.warning("WhatsApp outbox not processed: %s", e)
            return False
        deadline = self._outbox_deadline(time_budget)
        # Results are committed in groups (every OUTBOX_COMMIT_EVERY messages or
        # OUTBOX_COMMIT_SECONDS): a commit per message, with the cache refetched after each one,
        # cost more than the send itself. What a crash must not lose is committed apart: the
        # claim, and each message's in-flight mark just before its request.
        done = 0
        out_of_time = False
        while done < batch_size:
            if self._outbox_clock() >= deadline:
                out_of_time = True
                break
            # Nothing is uncommitted here in a cron run: a claim that met another worker's may
            # start a fresh transaction.
            group = self._claim_outbox(
                min(OUTBOX_COMMIT_EVERY, batch_size - done), fresh_retries=3 if auto_commit else 0
            )
            if not group:
                break
            if auto_commit:
                # The cron owns its transactions: the claim is committed before any request.
                self.env.cr.commit()  # pylint: disable=invalid-commit
            processed = self._send_group(group, auto_commit, deadline)
            done += processed
            if processed < len(group):
                out_of_time = True
                break
        if not done and not out_of_time:
            return True
        remaining = (
            self.env["sicantik.whatsapp.message"]
            .sudo()
            .search_count(
                [
                    ("state", "in", ("queued", "deferred")),
                    "|",
                    ("scheduled_date", "=", False),
                    ("scheduled_date", "<=", fields.Datetime.now()),
                ]
            )
        )
        if out_of_time and remaining:
            _logger.info(
                "WhatsApp outbox: time budget used after %s messages, %s left for the next run",
                done,
                remaining,
            )
            # A new run (a fresh watchdog period), not another call of this one.
            self._trigger_outbox()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return True

    @api.model
    def _send_group(self, messages, auto_commit, deadline=None):
        """Send claimed ``messages`` one by one; commit when the group is done or has taken
        :data:`OUTBOX_COMMIT_SECONDS` (pacing sleeps can make a group slow).

        From ``deadline`` on (:meth:`_outbox_clock`) no message is started: the rest go back to
        the queue (never in flight, nothing left). Returns how many messages were processed.
        """
        dispatcher = self.env["sicantik.whatsapp.dispatcher"]
        notes, attempts = [], []
        started = time.monotonic()
        processed = 0
        for message in messages:
            if deadline is not None and processed and self._outbox_clock() >= deadline:
                break
            processed += 1
            pacer = DatabasePacer(self.env, message)
            try:
                with self.env.cr.savepoint():
                    dispatcher._send_one(message, notes=notes, attempts=attempts, pacer=pacer)
            except Exception as e:  # pylint: disable=broad-except
                _logger.exception("WhatsApp message %s: unexpected error while sending", message.id)
                if pacer.in_flight:
                    # We cannot tell whether a provider got it: never resend automatically.
                    vals = {
                        "state": "unknown",
                        "error_code": "outbox.exception",
                        "error_message": str(e),
                    }
                else:  # before its request: nothing left
                    vals = {
                        "state": "failed",
                        "error_code": "outbox.exception",
                        "error_message": str(e),
                        "scheduled_date": False,
                    }
                message.sudo().write(vals)
            if auto_commit and time.monotonic() - started >= OUTBOX_COMMIT_SECONDS:
                self._commit_group(notes, attempts, auto_commit)
                started = time.monotonic()
        rest = messages[processed:]
        if rest:
            rest.sudo().write({"state": "queued", "claimed_at": False})
        self._commit_group(notes, attempts, auto_commit)
        return processed

    @api.model
    def _commit_group(self, notes, attempts, auto_commit=True):
        """Create the group's attempts and chatter notes, then commit. Each in a savepoint: the
        messages are sent and their outcomes (attempts included, masked, in ``outcome_json``)
        must be kept even if one of these records cannot be created."""
        for what, create in (
            ("attempts", lambda: self.env["sicantik.whatsapp.attempt"].sudo().create(attempts)),
            ("chatter notes", lambda: self.env["sicantik.whatsapp.chatter"]._log_notes(notes)),
        ):
            try:
                with self.env.cr.savepoint():
                    create()
            except Exception:  # pylint: disable=broad-except
                _logger.exception("WhatsApp outbox: the %s of sent messages were not created", what)
        notes.clear()
        attempts.clear()
        if auto_commit:
            # The cron owns its transactions: what was sent is kept even if a later group crashes.
            self.env.cr.commit()  # pylint: disable=invalid-commit
