# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import contextlib
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SicantikWhatsappCommon, fonnte_ok, meta_ok


@tagged("post_install", "-at_install")
class TestOutbox(SicantikWhatsappCommon):
    def test_enqueue_then_cron_sends(self):
        partners = self.partner_opted_in | self.partner_gateway | self.partner_opted_out
        messages = self.dispatcher.enqueue(partners, "permit_ready", self.permit_values)
        self.assertEqual(set(messages.mapped("state")), {"queued"})

        def answer(request):
            return meta_ok("wamid.Q") if "graph.meta.test" in request["url"] else fonnte_ok("777")

        with self.mock_transport(handler=answer) as fake:
            self.outbox._cron_process_outbox(batch_size=10)
        by_partner = {m.partner_id: m for m in messages}
        self.assertEqual(by_partner[self.partner_opted_in].state, "sent")
        self.assertEqual(by_partner[self.partner_opted_in].provider_id, self.meta)
        self.assertEqual(by_partner[self.partner_gateway].state, "sent")
        self.assertEqual(by_partner[self.partner_gateway].provider_id, self.fonnte)
        self.assertEqual(by_partner[self.partner_opted_out].state, "failed")
        self.assertEqual(len(fake.requests), 2)
        # Attempts and chatter notes are created per group, after the sends: none is missing.
        for partner in (self.partner_opted_in, self.partner_gateway):
            self.assertEqual(by_partner[partner].attempt_ids.classification, "accepted")
            self.assertEqual(by_partner[partner].attempt_count, 1)
            self.assertTrue(
                partner.message_ids.filtered(lambda m: "503/PBG/2026/0142" in (m.body or "")),
                "the sent message is logged in the partner's chatter",
            )
        self.assertFalse(by_partner[self.partner_opted_out].attempt_ids)
        self.assertEqual(messages.template_id.usage_count, 2, "usage counts the sent messages")

    def test_an_error_after_sending_leaves_only_that_message_unknown(self):
        """A bug while recording one message's outcome: that message is ``unknown`` (never
        resent), the others of its group keep their outcome and attempts."""
        messages = self.dispatcher.enqueue(
            self.partner_opted_in | self.partner_gateway, "permit_ready", self.permit_values
        )
        broken = messages.filtered(lambda m: m.partner_id == self.partner_gateway)
        message_cls = type(self.env["sicantik.whatsapp.message"])
        original = message_cls._apply_outcome

        def apply_outcome(rec, *args, **kwargs):
            if rec == broken:
                raise RuntimeError("bug")
            return original(rec, *args, **kwargs)

        handler = lambda r: meta_ok() if "meta" in r["url"] else fonnte_ok()  # noqa: E731
        with (
            patch.object(message_cls, "_apply_outcome", apply_outcome),
            self.mock_transport(handler=handler) as fake,
            mute_logger("odoo.addons.sicantik_whatsapp.models.sicantik_whatsapp_outbox"),
        ):
            self.outbox._cron_process_outbox()
        self.assertEqual(len(fake.requests), 2)
        self.assertEqual(broken.state, "unknown")
        self.assertEqual(broken.error_code, "outbox.exception")
        ok = messages - broken
        self.assertEqual(ok.state, "sent")
        self.assertEqual(ok.attempt_ids.classification, "accepted")

    def test_scheduled_messages_wait(self):
        later = fields.Datetime.now() + timedelta(hours=2)
        message = self.dispatcher.enqueue(
            self.partner_opted_in, "permit_ready", self.permit_values, scheduled_date=later
        )
        with self.mock_transport() as fake:
            self.outbox._cron_process_outbox()
        self.assertEqual(message.state, "queued")
        self.assertFalse(fake.requests)

    def test_batch_size_is_respected(self):
        self.dispatcher.enqueue(
            self.partner_opted_in | self.partner_gateway, "permit_ready", self.permit_values
        )
        with self.mock_transport(
            handler=lambda r: meta_ok() if "meta" in r["url"] else fonnte_ok()
        ) as fake:
            self.outbox._cron_process_outbox(batch_size=1)
        self.assertEqual(len(fake.requests), 1)

    def _sending(self, partner, minutes_ago, in_flight):
        """A message claimed ``minutes_ago`` (its worker died), marked in flight or not."""
        message = self.dispatcher.enqueue(partner, "permit_ready", self.permit_values)
        message.write(
            {
                "state": "sending",
                "claimed_at": fields.Datetime.now() - timedelta(minutes=minutes_ago),
            }
        )
        if in_flight:
            self.env["sicantik.whatsapp.message.flight"].create(
                {
                    "message_id": message.id,
                    "claimed_at": message.claimed_at,
                    "at": fields.Datetime.now(),
                }
            )
        return message

    def test_a_mark_of_an_earlier_claim_does_not_count(self):
        """An ``unknown`` message a manager queued again: its old in-flight mark belongs to the
        old claim. Claimed again and dead before its request, it goes back to the queue."""
        message = self._sending(self.partner_opted_in, 120, in_flight=True)
        self.outbox._cron_recover_stuck(timeout_minutes=15)
        self.assertEqual(message.state, "unknown")
        message.action_requeue()
        message.write(
            {"state": "sending", "claimed_at": fields.Datetime.now() - timedelta(minutes=60)}
        )
        self.outbox._cron_recover_stuck(timeout_minutes=15)
        self.assertEqual(message.state, "queued")
        with self.mock_transport(handler=lambda r: meta_ok()) as fake:
            self.outbox._cron_process_outbox()
        self.assertEqual(len(fake.requests), 1)
        self.assertEqual(message.state, "sent")

    def test_recovery_requeues_claimed_messages_that_never_left(self):
        """Claimed but never marked in flight: back to the queue, then sent exactly once."""
        never_sent = self._sending(self.partner_opted_in, 60, in_flight=False)
        fresh = self._sending(self.partner_gateway, 0, in_flight=False)
        count = self.outbox._cron_recover_stuck(timeout_minutes=15)
        self.assertEqual(count, 1)
        self.assertEqual(never_sent.state, "queued")
        self.assertFalse(never_sent.claimed_at)
        self.assertEqual(fresh.state, "sending", "a recent claim belongs to a live worker")
        self.assertTrue(
            self.env["ir.cron.trigger"].search(
                [("cron_id", "=", self.env.ref("sicantik_whatsapp.ir_cron_process_outbox").id)]
            ),
            "the outbox runs again for the requeued messages",
        )
        with self.mock_transport(handler=lambda r: meta_ok("wamid.R")) as fake:
            self.outbox._cron_process_outbox()
            self.outbox._cron_process_outbox()
        self.assertEqual(len(fake.requests), 1, "sent once; the live worker's claim is left alone")
        self.assertEqual(never_sent.state, "sent")
        self.assertEqual(fresh.state, "sending")

    def test_recovery_marks_messages_in_flight_unknown_and_never_resends_them(self):
        message = self._sending(self.partner_opted_in, 60, in_flight=True)
        count = self.outbox._cron_recover_stuck(timeout_minutes=15)
        self.assertEqual(count, 1)
        self.assertEqual(message.state, "unknown")
        self.assertEqual(message.error_code, "outbox.stuck_sending")
        with self.mock_transport() as fake:
            self.outbox._cron_process_outbox()
        self.assertFalse(fake.requests, "unknown messages are never picked again")

    def test_each_message_is_marked_in_flight_right_before_its_request(self):
        partners = self.partner_opted_in | self.partner_gateway | self.partner_opted_out
        messages = self.dispatcher.enqueue(partners, "permit_ready", self.permit_values)
        flight = self.env["sicantik.whatsapp.message.flight"]
        seen = []

        def answer(request):
            # Marked (in the database) before the request leaves, one message at a time.
            self.env.cr.execute("SELECT message_id FROM sicantik_whatsapp_message_flight")
            seen.append({row[0] for row in self.env.cr.fetchall()} & set(messages.ids))
            return meta_ok() if "graph.meta.test" in request["url"] else fonnte_ok()

        with self.mock_transport(handler=answer):
            self.outbox._cron_process_outbox()
        by_partner = {m.partner_id: m for m in messages}
        first, second = by_partner[self.partner_opted_in], by_partner[self.partner_gateway]
        self.assertEqual(seen, [{first.id}, {first.id, second.id}])
        self.assertEqual(
            set(flight.search([("message_id", "in", messages.ids)]).message_id.ids),
            {first.id, second.id},
            "a message refused before any request (opted out) was never in flight",
        )

    def test_a_claim_lost_to_recovery_is_not_sent(self):
        """Recovery returned a claimed message to the queue before its worker reached the
        request: the worker must not send it (the next run does, once)."""
        message = self.dispatcher.enqueue(self.partner_opted_in, "permit_ready", self.permit_values)
        claimed = self.outbox._claim_outbox()
        self.assertEqual(claimed, message)
        self.env.cr.execute(
            "UPDATE sicantik_whatsapp_message SET state = 'queued', claimed_at = NULL "
            "WHERE id = %s",
            (message.id,),
        )
        with self.mock_transport() as fake:
            self.outbox._send_group(claimed, auto_commit=False)
        self.assertFalse(fake.requests)
        message.invalidate_recordset()
        self.assertEqual(message.state, "queued")

    def test_an_error_before_the_request_fails_the_message_instead_of_unknown(self):
        message = self.dispatcher.enqueue(self.partner_opted_in, "permit_ready", self.permit_values)
        dispatcher_cls = type(self.dispatcher)
        with (
            patch.object(dispatcher_cls, "_notification", side_effect=RuntimeError("bug")),
            self.mock_transport() as fake,
            mute_logger("odoo.addons.sicantik_whatsapp.models.sicantik_whatsapp_outbox"),
        ):
            self.outbox._cron_process_outbox()
        self.assertFalse(fake.requests)
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "outbox.exception")

    def test_time_budget_hands_the_rest_to_the_next_run(self):
        """A slow provider (10 s a request) and a 25 s budget: three messages go, the other two
        return to the queue (never in flight), the cron is triggered again and the progress says
        what is left; the next run sends them, each once."""
        partners = self.env["res.partner"].create(
            [
                {"name": f"Warga {i}", "mobile": f"08121111000{i}", "wa_meta_opt_in": True}
                for i in range(5)
            ]
        )
        messages = self.dispatcher.enqueue(partners, "permit_ready", self.permit_values)
        cron = self.env.ref("sicantik_whatsapp.ir_cron_process_outbox")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        clock = [1000.0]

        def slow(request):
            clock[0] += 10
            return meta_ok()

        outbox_cls = type(self.outbox)
        cron_with_progress, progress = cron._add_progress()
        with (
            patch.object(outbox_cls, "_outbox_clock", lambda self: clock[0]),
            self.mock_transport(handler=slow) as fake,
        ):
            self.outbox.with_context(**cron_with_progress.env.context)._cron_process_outbox(
                time_budget=25
            )
            self.assertEqual(len(fake.requests), 3)
            self.assertEqual(messages.mapped("state").count("sent"), 3)
            rest = messages.filtered(lambda m: m.state != "sent")
            self.assertEqual(rest.mapped("state"), ["queued", "queued"])
            self.assertFalse(rest.mapped("claimed_at")[0] or rest.mapped("claimed_at")[1])
            self.assertFalse(
                self.env["sicantik.whatsapp.message.flight"].search(
                    [("message_id", "in", rest.ids)]
                )
            )
            self.assertEqual((progress.done, progress.remaining), (3, 2))
            self.assertTrue(
                self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
                "the next run is triggered",
            )
            self.outbox._cron_process_outbox(time_budget=25)
        self.assertEqual(len(fake.requests), 5)
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertEqual(len({str(r["body"]) for r in fake.requests}), 5, "each message sent once")

    @contextlib.contextmanager
    def _two_workers(self, count, name, mobile):
        """``count`` queued messages committed for real, and two workers' own transactions
        (cursors from ``self.registry.cursor()``, not the test's); all removed again after."""
        with self.registry.cursor() as cr0:
            env0 = api.Environment(cr0, SUPERUSER_ID, {})
            partner = env0["res.partner"].create({"name": name, "mobile": mobile})
            messages = env0["sicantik.whatsapp.message"].create(
                [
                    {
                        "partner_id": partner.id,
                        "template_code": "permit_ready",
                        "values_json": "{}",
                        "company_id": env0.company.id,
                    }
                    for _i in range(count)
                ]
            )
            ids = set(messages.ids)
            partner_id = partner.id
        try:
            cr1 = self.registry.cursor()
            cr2 = self.registry.cursor()
            try:
                yield (
                    ids,
                    (cr1, api.Environment(cr1, SUPERUSER_ID, {})),
                    (cr2, api.Environment(cr2, SUPERUSER_ID, {})),
                )
            finally:
                cr1.rollback()
                cr1.close()
                cr2.rollback()
                cr2.close()
        finally:
            with self.registry.cursor() as cr0:
                env0 = api.Environment(cr0, SUPERUSER_ID, {})
                env0["sicantik.whatsapp.message"].browse(list(ids)).unlink()
                env0["res.partner"].browse(partner_id).unlink()

    def test_a_claim_that_meets_another_workers_claim_in_repeatable_read_claims_nothing(self):
        """Odoo's cron cursors run in repeatable read: a row another worker claimed and committed
        after this transaction's snapshot cannot be locked (PostgreSQL's "could not serialize
        access"). The claim then takes nothing and the worker lives on; with fresh retries it
        claims the rest in a new transaction."""
        with self._two_workers(4, "Snapshot Claim", "081200002222") as (
            ids,
            (cr1, env1),
            (cr2, env2),
        ):
            cr2.execute("SELECT count(*) FROM sicantik_whatsapp_message")  # cr2's snapshot
            claimed1 = set(env1["sicantik.whatsapp.outbox"]._claim_outbox(limit=2).ids) & ids
            cr1.commit()
            self.assertEqual(len(claimed1), 2)
            with mute_logger("odoo.sql_db"):
                claimed2 = env2["sicantik.whatsapp.outbox"]._claim_outbox(limit=100)
            self.assertFalse(claimed2, "nothing claimed, no exception")
            cr2.execute("SELECT 1")  # the transaction is still usable
            cr2.rollback()
            cr2.execute("SELECT count(*) FROM sicantik_whatsapp_message")  # a new snapshot...
            claimed_b = set(env1["sicantik.whatsapp.outbox"]._claim_outbox(limit=1).ids) & ids
            cr1.commit()  # ...that the other worker's next claim outdates
            with mute_logger("odoo.sql_db"):
                claimed3 = env2["sicantik.whatsapp.outbox"]._claim_outbox(
                    limit=100, fresh_retries=1
                )
            self.assertEqual(set(claimed3.ids) & ids, ids - claimed1 - claimed_b)

    def test_concurrent_claims_never_get_the_same_message(self):
        """Two workers claim the outbox at the same time: each message goes to one of them.

        This needs real, separate transactions, so it works with two extra cursors from
        ``self.registry.cursor()`` (not the test's cursor): the messages are created and
        committed with a third cursor, and removed again at the end.
        """
        with self._two_workers(6, "Concurrent Claim", "081200001111") as (
            ids,
            (cr1, env1),
            (cr2, env2),
        ):
            claimed1 = set(env1["sicantik.whatsapp.outbox"]._claim_outbox(limit=4).ids) & ids
            # cr1 has not committed: its rows are locked, cr2 skips them instead of waiting.
            claimed2 = set(env2["sicantik.whatsapp.outbox"]._claim_outbox(limit=100).ids) & ids
            self.assertEqual(len(claimed1), 4)
            self.assertEqual(len(claimed2), 2)
            self.assertFalse(claimed1 & claimed2, "a message was claimed twice")
            self.assertEqual(claimed1 | claimed2, ids)
            # The first worker commits its claim (state 'sending'); the second one dies.
            cr1.commit()
            cr2.rollback()
            with self.registry.cursor() as cr3:
                env3 = api.Environment(cr3, SUPERUSER_ID, {})
                claimed3 = set(env3["sicantik.whatsapp.outbox"]._claim_outbox(limit=100).ids) & ids
                self.assertEqual(
                    claimed3, claimed2, "only the rolled-back claims are available again"
                )
                cr3.rollback()
