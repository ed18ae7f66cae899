# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quiet hours in the citizen's own time zone: the engine decides, the outbox defers.

The engine's clock is the host's ``now_ms``: patched to fixed instants, so no test depends on
the hour it runs at. Instants are written in UTC with their local time beside them.
"""

import datetime
import json
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..engine import host
from .common import SicantikWhatsappCommon, fonnte_ok, meta_ok


def utc_ms(*args):
    return int(datetime.datetime(*args, tzinfo=datetime.timezone.utc).timestamp() * 1000)


def utc(*args):
    return datetime.datetime(*args)


def answer(request):
    return meta_ok("wamid.Q") if "graph.meta.test" in request["url"] else fonnte_ok("777")


@tagged("post_install", "-at_install")
class TestQuietHours(SicantikWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("sicantik_whatsapp.quiet_hours", True)
        icp.set_param("sicantik_whatsapp.quiet_start", 21.0)
        icp.set_param("sicantik_whatsapp.quiet_end", 6.0)
        cls.env.company.partner_id.tz = False
        cls.template = cls.env["sicantik.whatsapp.template.master"].search(
            [("code", "=", "permit_ready")]
        )

    def send_at(self, now, partner=None, template="permit_ready"):
        partner = partner or self.partner_gateway
        with patch.object(host, "now_ms", lambda: now), self.mock_transport(handler=answer) as fake:
            message = self.dispatcher.send(partner, template, self.permit_values)
        return message, fake

    def test_night_in_wita_defers_until_six_wita_before_any_request(self):
        self.partner_gateway.tz = "Asia/Makassar"
        message, fake = self.send_at(utc_ms(2026, 12, 7, 14, 0))  # 22:00 WITA
        self.assertEqual(fake.requests, [], "nothing may leave during quiet hours")
        self.assertEqual(message.state, "deferred")
        self.assertEqual(message.error_code, "quiet.hours")
        self.assertIn("2026-12-08 06:00 WITA", message.error_message)
        self.assertEqual(message.scheduled_date, utc(2026, 12, 7, 22, 0))  # 06:00 WITA
        self.assertEqual(message.retry_count, 0, "quiet hours are not a throttled attempt")
        outcome = json.loads(message.outcome_json)
        self.assertEqual(
            [s["code"] for s in outcome["trace"]], ["quiet.zone", "quiet.hours", "quiet.wait"]
        )
        notification = json.loads(message.notification_json)
        self.assertEqual(notification["recipient"]["timeZone"], "Asia/Makassar")

    def test_the_same_instant_is_daytime_in_wib(self):
        self.partner_gateway.tz = "Asia/Jakarta"
        message, fake = self.send_at(utc_ms(2026, 12, 7, 13, 0))  # 20:00 WIB, 21:00 WITA
        self.assertEqual(message.state, "sent")
        self.assertEqual(len(fake.requests), 1)

    def test_zone_falls_back_to_the_company_then_wib(self):
        self.partner_gateway.tz = False
        now = utc_ms(2026, 12, 7, 12, 30)  # 19:30 WIB, 21:30 WIT
        self.env.company.partner_id.tz = "Asia/Jayapura"
        message, fake = self.send_at(now)
        self.assertEqual((message.state, message.error_code), ("deferred", "quiet.hours"))
        self.assertEqual(message.scheduled_date, utc(2026, 12, 7, 21, 0))  # 06:00 WIT
        self.env.company.partner_id.tz = False
        message, fake = self.send_at(now)
        self.assertEqual(message.state, "sent")
        self.assertEqual(
            json.loads(message.notification_json)["recipient"]["timeZone"], "Asia/Jakarta"
        )

    def test_a_zone_abroad_uses_the_offset_computed_by_odoo(self):
        # India has no DST: the offset pytz computes today is the one on the fixed instant.
        self.partner_gateway.tz = "Asia/Kolkata"
        message, fake = self.send_at(utc_ms(2026, 12, 7, 16, 0))  # 21:30 IST
        self.assertEqual(message.state, "deferred")
        self.assertEqual(message.scheduled_date, utc(2026, 12, 8, 0, 30))  # 06:00 IST
        self.assertEqual(
            json.loads(message.notification_json)["recipient"]["utcOffsetMinutes"], 330
        )
        trace = json.loads(message.outcome_json)["trace"]
        self.assertEqual(trace[0]["code"], "quiet.zone_offset")

    def test_an_urgent_template_is_sent_at_night(self):
        self.template.urgent = True
        self.partner_gateway.tz = "Asia/Jakarta"
        message, fake = self.send_at(utc_ms(2026, 12, 7, 17, 0))  # 00:00 WIB
        self.assertEqual(message.state, "sent")
        self.assertEqual(len(fake.requests), 1)

    def test_office_holidays_hold_until_the_next_working_morning(self):
        self.partner_gateway.tz = "Asia/Jakarta"
        now = utc_ms(2026, 12, 25, 3, 0)  # 10:00 WIB on Christmas Day
        # Created after a first send: the cached engine configuration must follow.
        message, fake = self.send_at(now)
        self.assertEqual(message.state, "sent")
        Holiday = self.env["sicantik.whatsapp.holiday"]
        Holiday.create(
            [
                {"name": "Natal", "date": "2026-12-25"},
                {"name": "Cuti bersama", "date": "2026-12-26"},
            ]
        )
        Holiday.create(
            {"name": "Other office", "date": "2026-12-27", "company_id": self._other_company().id}
        )
        message, fake = self.send_at(now)
        self.assertEqual((message.state, message.error_code), ("deferred", "quiet.holiday"))
        self.assertEqual(fake.requests, [])
        # Two holidays in a row, then the night: 06:00 WIB on the 27th (the other office's
        # holiday does not count).
        self.assertEqual(message.scheduled_date, utc(2026, 12, 26, 23, 0))

    def test_the_outbox_defers_then_sends_in_the_morning_without_giving_up(self):
        self.partner_gateway.tz = "Asia/Makassar"
        message = self.dispatcher.enqueue(self.partner_gateway, "permit_ready", self.permit_values)
        night = utc_ms(2026, 12, 7, 14, 0)  # 22:00 WITA
        # More nights than the throttling limit: quiet hours never make a message fail.
        for _night in range(self.outbox._max_deferrals() + 2):
            message.scheduled_date = False
            with (
                patch.object(host, "now_ms", lambda: night),
                self.mock_transport(handler=answer) as fake,
            ):
                self.outbox._cron_process_outbox()
            self.assertEqual(fake.requests, [])
            self.assertEqual((message.state, message.error_code), ("deferred", "quiet.hours"))
        self.assertEqual(message.retry_count, 0)
        message.scheduled_date = fields.Datetime.now() - datetime.timedelta(minutes=1)
        with (
            patch.object(host, "now_ms", lambda: utc_ms(2026, 12, 7, 22, 0)),
            self.mock_transport(handler=answer) as fake,
        ):
            self.outbox._cron_process_outbox()
        self.assertEqual(message.state, "sent")
        self.assertEqual(len(fake.requests), 1)

    def test_settings_build_the_engine_configuration(self):
        settings = self.env["res.config.settings"].create(
            {
                "sicantik_wa_quiet_hours": True,
                "sicantik_wa_quiet_start": 22.5,
                "sicantik_wa_quiet_end": 5.0,
            }
        )
        settings.execute()
        quiet = self.dispatcher._build_engine_config()["quietHours"]
        self.assertEqual((quiet["start"], quiet["end"]), ("22:30", "05:00"))
        self.env["res.config.settings"].create({"sicantik_wa_quiet_hours": False}).execute()
        self.assertIsNone(self.dispatcher._build_engine_config()["quietHours"])

    def test_holiday_rights(self):
        user = new_test_user(
            self.env, "wa_quiet_user", groups="sicantik_whatsapp.group_sicantik_whatsapp_user"
        )
        manager = new_test_user(
            self.env, "wa_quiet_manager", groups="sicantik_whatsapp.group_sicantik_whatsapp_manager"
        )
        holiday = (
            self.env["sicantik.whatsapp.holiday"]
            .with_user(manager)
            .create({"name": "Nyepi", "date": "2027-03-08"})
        )
        self.assertEqual(holiday.with_user(user).name, "Nyepi")
        with self.assertRaises(AccessError):
            self.env["sicantik.whatsapp.holiday"].with_user(user).create(
                {"name": "X", "date": "2027-03-09"}
            )

    def _other_company(self):
        return self.env["res.company"].create({"name": "DPMPTSP Kabupaten Lain"})


@tagged("post_install", "-at_install")
class TestQuietHoursDefault(TransactionCase):
    def test_quiet_hours_are_on_in_a_new_database(self):
        icp = self.env["ir.config_parameter"].sudo()
        self.assertEqual(icp.get_param("sicantik_whatsapp.quiet_hours"), "True")
        config = self.env["sicantik.whatsapp.dispatcher"]._build_engine_config()
        # A window never saved in the settings is left to the engine, which has its default...
        self.assertNotIn("start", config["quietHours"])
        self.assertNotIn("end", config["quietHours"])
        # ...and the settings form offers that same window (the catalogue's defaults).
        defaults = self.env["sicantik.whatsapp.catalogue"]._engine().catalogue()["defaults"]
        self.assertEqual((defaults["quietStart"], defaults["quietEnd"]), ("21:00", "06:00"))
        offered = self.env["res.config.settings"].default_get(
            ["sicantik_wa_quiet_start", "sicantik_wa_quiet_end"]
        )
        self.assertEqual(
            (offered["sicantik_wa_quiet_start"], offered["sicantik_wa_quiet_end"]), (21.0, 6.0)
        )
