# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
import time
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SicantikWhatsappCommon, fonnte_ok, meta_ok


@tagged("post_install", "-at_install")
class TestPacing(SicantikWhatsappCommon):
    """A provider's rate limit: strict spacing shared by every cursor (worker) of the database."""

    def setUp(self):
        super().setUp()
        # Slots are reserved in transactions of their own (committed): forget them afterwards.
        self.addCleanup(self._forget_slots)

    def _forget_slots(self):
        refs = [p._engine_id() for p in self.providers]
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM sicantik_whatsapp_provider_pace WHERE provider_ref = ANY(%s)", (refs,)
            )

    def _slots(self, provider):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT next_free_ms FROM sicantik_whatsapp_provider_pace WHERE provider_ref = %s",
                (provider._engine_id(),),
            )
            return cr.fetchall()

    def test_rate_reaches_the_engine_configuration(self):
        self.fonnte.rate_per_minute = 600
        config = self.dispatcher._build_engine_config()
        by_id = {p["id"]: p for p in config["providers"]}
        self.assertEqual(by_id[self.fonnte._engine_id()]["ratePerMinute"], 600)
        self.assertNotIn(
            "ratePerMinute", by_id[self.meta._engine_id()], "0 means no limit: not sent"
        )
        engine = self.dispatcher._engine()
        self.assertEqual(engine.rate_per_minute(self.fonnte._engine_id()), 600)
        slot = engine.pace(self.fonnte._engine_id(), 1_000_000, 1_000_050)
        self.assertEqual((slot["atMs"], slot["waitMs"], slot["intervalMs"]), (1_000_050, 50, 100))
        self.assertEqual(slot["nextFreeMs"], 1_000_150)

    def test_rate_out_of_range_is_refused(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.fonnte.write({"rate_per_minute": 60001})
            self.fonnte.flush_recordset()

    def test_unlimited_providers_are_not_paced(self):
        outbox_cls = type(self.outbox)
        with patch.object(outbox_cls, "_reserve_slot", side_effect=AssertionError("paced")):
            message, fake = self.send(self.partner_gateway, responses=[fonnte_ok()])
        self.assertEqual(message.state, "sent")
        self.assertEqual(len(fake.requests), 1)
        self.assertFalse(self._slots(self.fonnte), "no pacing state for an unlimited provider")

    def test_only_the_limited_provider_is_paced(self):
        self.fonnte.rate_per_minute = 1
        with self.mock_transport(
            handler=lambda r: meta_ok() if "meta" in r["url"] else fonnte_ok()
        ) as fake:
            for _i in range(3):
                self.assertEqual(
                    self.dispatcher.send(
                        self.partner_opted_in, "permit_ready", self.permit_values
                    ).state,
                    "sent",
                )
        self.assertEqual(len(fake.requests), 3, "Meta is unlimited: three sends at once")
        self.assertFalse(self._slots(self.meta))

    def test_spacing_across_two_cursors(self):
        """Two workers reserving slots at the same time get distinct slots one interval apart.

        Each reservation is a transaction on a cursor of its own (``registry.cursor()``), so two
        threads are two concurrent transactions, as two cron workers are. (The threads create no
        ``Environment``: during post-install tests the registry lock is held by the test run.)
        """
        self.fonnte.rate_per_minute = 600  # 100 ms
        engine = self.dispatcher._engine()
        ref = self.fonnte._engine_id()
        slots, errors = [], []

        def worker():
            try:
                for _i in range(5):
                    slot, reserved = self.outbox._reserve_slot(engine, ref)
                    if not reserved:
                        raise AssertionError(f"not reserved: {slot}")
                    slots.append(slot["atMs"])
            except Exception as e:  # pylint: disable=broad-except
                errors.append(e)

        threads = [threading.Thread(target=worker) for _i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertFalse(errors)
        self.assertEqual(len(slots), 10)
        slots.sort()
        gaps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
        self.assertTrue(all(g >= 100 for g in gaps), f"slots closer than the interval: {gaps}")
        ((next_free,),) = self._slots(self.fonnte)
        self.assertEqual(int(next_free), slots[-1] + 100)

    def test_consecutive_sends_are_spaced(self):
        self.fonnte.rate_per_minute = 600  # 100 ms
        times = []

        def answer(request):
            times.append(time.monotonic())
            return fonnte_ok()

        with self.mock_transport(handler=answer):
            messages = [
                self.dispatcher.send(self.partner_gateway, "permit_ready", self.permit_values)
                for _i in range(3)
            ]
        self.assertEqual([m.state for m in messages], ["sent"] * 3)
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        self.assertTrue(all(g >= 0.095 for g in gaps), f"sends closer than 100 ms: {gaps}")

    def test_far_slot_leaves_the_message_queued(self):
        """A slot beyond the short wait: the message waits in the queue, nothing is sent, the
        cron is triggered for the slot."""
        self.fonnte.rate_per_minute = 1  # one a minute
        with self.mock_transport(responses=[fonnte_ok()]) as fake:
            first = self.dispatcher.send(self.partner_gateway, "permit_ready", self.permit_values)
            second = self.dispatcher.send(self.partner_gateway, "permit_ready", self.permit_values)
        self.assertEqual(first.state, "sent")
        self.assertEqual(len(fake.requests), 1)
        self.assertEqual(second.state, "queued")
        self.assertFalse(second.attempt_ids)
        wait = (second.scheduled_date - fields.Datetime.now()).total_seconds()
        self.assertGreater(wait, 50)
        self.assertLessEqual(wait, 61)
        cron = self.env.ref("sicantik_whatsapp.ir_cron_process_outbox")
        self.assertTrue(
            self.env["ir.cron.trigger"].search(
                [("cron_id", "=", cron.id), ("call_at", "=", second.scheduled_date)]
            )
        )
        # Not ready before its slot: the cron leaves it alone.
        with self.mock_transport() as fake:
            self.outbox._cron_process_outbox()
        self.assertFalse(fake.requests)
        self.assertEqual(second.state, "queued")
