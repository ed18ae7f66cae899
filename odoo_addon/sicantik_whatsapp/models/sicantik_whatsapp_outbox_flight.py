# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The outbox's short transactions of their own, committed whatever the worker's transaction
does later: pacing slots, in-flight marks and the recovery of messages left in ``sending``.

Recovery returns a claimed message that was never in flight to the queue; only a message in
flight whose worker died becomes ``unknown`` (its request may have left: never resent).
"""

import contextlib
import datetime
import logging
import threading

import psycopg2

from odoo import _, api, fields, models

from ..engine.host import now_ms

_logger = logging.getLogger(__name__)

#: ir.config_parameter key.
PARAM_SENDING_TIMEOUT = "sicantik_whatsapp.sending_timeout_minutes"


class SicantikWhatsappOutbox(models.AbstractModel):
    _inherit = "sicantik.whatsapp.outbox"

    @api.model
    def _reserve_slot(self, engine, provider_ref, max_wait_ms=None):
        """Reserve ``provider_ref``'s next send slot for every worker of the database.

        A short transaction of its own (committed at once, whatever the caller's transaction does
        later) locks the provider's pacing row, asks the engine for the slot given the stored next
        free time and stores the new one: two cron workers, or a worker and a manual send, never
        get the same slot. Returns ``(decision, reserved)`` (the engine's ``pace`` answer): when
        the slot is more than ``max_wait_ms`` away (``defer``) nothing is stored and ``reserved``
        is false.
        """
        with self.env.registry.cursor() as cr:
            # Read committed: the row lock then waits for the other worker and reads its slot;
            # Odoo's repeatable read would abort on the row it just updated instead.
            if self.env.registry.test_cr is None:  # HttpCase's test cursor is one transaction
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            cr.execute(
                "INSERT INTO sicantik_whatsapp_provider_pace (provider_ref) VALUES (%s) "
                "ON CONFLICT (provider_ref) DO NOTHING",
                (provider_ref,),
            )
            cr.execute(
                "SELECT next_free_ms FROM sicantik_whatsapp_provider_pace"
                " WHERE provider_ref = %s FOR UPDATE",
                (provider_ref,),
            )
            row = cr.fetchone()
            next_free = int(row[0]) if row and row[0] is not None else None
            slot = engine.pace(provider_ref, now_ms(), next_free, max_wait_ms=max_wait_ms)
            if slot["action"] == "defer":
                cr.rollback()
                return slot, False
            cr.execute(
                "UPDATE sicantik_whatsapp_provider_pace SET next_free_ms = %s"
                " WHERE provider_ref = %s",
                (slot["nextFreeMs"], provider_ref),
            )
        return slot, True

    @api.model
    @contextlib.contextmanager
    def _own_transaction(self):
        """``(cursor, prelude)``: a transaction of its own, committed on exit (the in-flight mark
        and recovery); ``prelude`` is SQL to put before the first statement (one round trip):
        read committed, and a lock timeout (a lock waited for belongs to recovery or a worker's
        mark, held for milliseconds: a longer wait is a bug, better failed than hung). Under
        test (one transaction, never committed) the current cursor, unless the context has
        ``sicantik_whatsapp_own_transactions`` (tests driving real concurrent transactions)."""
        testing = getattr(threading.current_thread(), "testing", False)
        if testing and not self.env.context.get("sicantik_whatsapp_own_transactions"):
            with self.env.cr.savepoint(flush=False):
                yield self.env.cr, ""
            return
        with self.env.registry.cursor() as cr:
            if self.env.registry.test_cr is not None:  # HttpCase's test cursor is one transaction
                yield cr, ""
            else:
                yield (
                    cr,
                    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED;"
                    " SET LOCAL lock_timeout = '10s'; ",
                )

    @api.model
    def _mark_in_flight(self, message):
        """Record, committed at once, that ``message``'s first request is about to leave.

        A short transaction of its own (the worker's transaction holds the group's uncommitted
        outcomes), in read committed: the mark is only made while the message is still in
        ``sending`` under this worker's claim (same ``claimed_at``), with a share lock on the row
        that :meth:`_cron_recover_stuck` waits for. Returns whether the message may be sent.
        """
        try:
            with self._own_transaction() as (cr, prelude):
                # One row per message, for its latest claim (a message queued again is claimed
                # and marked again).
                cr.execute(
                    prelude
                    + """
                    INSERT INTO sicantik_whatsapp_message_flight (message_id, claimed_at, at)
                    SELECT id, claimed_at, now() at time zone 'UTC'
                      FROM sicantik_whatsapp_message
                     WHERE id = %s AND state = 'sending' AND claimed_at = %s
                       FOR SHARE
                    ON CONFLICT (message_id)
                    DO UPDATE SET claimed_at = EXCLUDED.claimed_at, at = EXCLUDED.at
                    RETURNING message_id
                    """,
                    (message.id, message.claimed_at),
                )
                return bool(cr.fetchone())
        except psycopg2.errors.LockNotAvailable:
            # Not marked: the message stays claimed, never in flight, and returns to the queue.
            _logger.warning("WhatsApp message %s: in-flight mark timed out, not sent", message.id)
            return False

    @api.model
    def _cron_recover_stuck(self, timeout_minutes=None):
        """Cron: settle messages left in ``sending`` for ``timeout_minutes`` (a worker died).

        * never marked in flight (claimed, never sent): back to the queue, sent once later;
        * in flight (its request may have left): ``unknown``, never resent automatically (a
          manager may queue it again after checking with the provider).

        Done in a transaction of its own in read committed, rows locked before the in-flight
        marks are read: a worker marking one of them now either finished (its mark is seen) or
        waits and then finds the message queued (and does not send it).
        Returns the number of messages settled.
        """
        if timeout_minutes is None:
            timeout_minutes = int(
                self.env["ir.config_parameter"].sudo().get_param(PARAM_SENDING_TIMEOUT) or 15
            )
        limit = fields.Datetime.now() - datetime.timedelta(minutes=timeout_minutes)
        self.env["sicantik.whatsapp.message"].flush_model()
        error = _(
            "Still sending after %s minutes (the worker probably stopped) after its request had "
            "started: the provider may or may not have the message. "
            "It is not resent automatically.",
            timeout_minutes,
        )
        with self._own_transaction() as (cr, prelude):
            # Marks of settled messages or of earlier claims are of no use any more.
            cr.execute(
                prelude
                + """
                DELETE FROM sicantik_whatsapp_message_flight f
                 USING sicantik_whatsapp_message m
                 WHERE m.id = f.message_id
                   AND (m.state != 'sending' OR m.claimed_at IS DISTINCT FROM f.claimed_at)
                """
            )
            cr.execute(
                """
                SELECT id FROM sicantik_whatsapp_message
                 WHERE state = 'sending' AND claimed_at < %s
                   FOR UPDATE SKIP LOCKED
                """,
                (limit,),
            )
            ids = [row[0] for row in cr.fetchall()]
            if not ids:
                return 0
            # A new statement: every mark committed before the locks were taken is visible.
            cr.execute(
                """
                SELECT f.message_id FROM sicantik_whatsapp_message_flight f
                  JOIN sicantik_whatsapp_message m
                    ON m.id = f.message_id AND m.claimed_at = f.claimed_at
                 WHERE f.message_id = ANY(%s)
                """,
                (ids,),
            )
            in_flight = [row[0] for row in cr.fetchall()]
            never_sent = sorted(set(ids) - set(in_flight))
            if in_flight:
                cr.execute(
                    """
                    UPDATE sicantik_whatsapp_message
                       SET state = 'unknown', error_code = 'outbox.stuck_sending',
                           error_message = %s
                     WHERE id = ANY(%s)
                    """,
                    (error, in_flight),
                )
            if never_sent:
                cr.execute(
                    "UPDATE sicantik_whatsapp_message SET state = 'queued', claimed_at = NULL"
                    " WHERE id = ANY(%s)",
                    (never_sent,),
                )
        self.env["sicantik.whatsapp.message"].invalidate_model(
            ["state", "error_code", "error_message", "claimed_at"]
        )
        if never_sent:
            _logger.info(
                "WhatsApp outbox: %s claimed messages that never left queued again, "
                "%s in flight marked unknown",
                len(never_sent),
                len(in_flight),
            )
            self._trigger_outbox()
        return len(ids)
