# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Health that follows reality: provider profiles and Meta templates move out of routing when
the providers say so (the engine's verdict), the managers are told once, and they come back."""

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import fonnte_ok, fonnte_refused, meta_error, meta_ok
from .health_common import HealthCommon, watzap_error

META_HEALTH_OK = {
    "status": 200,
    "headers": {"content-type": "application/json"},
    "body": '{"display_phone_number":"+62 812-0000","verified_name":"DPMPTSP",'
    '"quality_rating":"GREEN","code_verification_status":"VERIFIED","id":"1"}',
}


@tagged("post_install", "-at_install")
class TestProviderHealth(HealthCommon):
    def test_config_error_moves_the_profile_to_error_once(self):
        message, fake = self.send(
            self.partner_opted_in,
            responses=[meta_error(190, "Error validating access token", status=401), fonnte_ok()],
        )
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_id, self.fonnte, "the next profile carried the message")
        self.assertEqual(self.meta.state, "error")
        self.assertEqual(self.meta.state_code, "meta.190")
        self.assertIn("access token", self.meta.state_message)
        self.assertTrue(self.meta.state_date)
        self.assertNoSecret(self.meta.state_message, "the profile's error")
        activities = self.health_activities(self.meta)
        self.assertIn(self.manager, activities.user_id, "every WhatsApp manager gets an activity")
        self.assertNotIn(self.wa_user, activities.user_id)
        self.assertEqual(len(self.notes(self.meta, "meta.190")), 1)
        self.assertNoSecret(self.record_texts(self.meta.message_ids), "the chatter")
        self.assertNoSecret(self.record_texts(activities), "the activities")
        # The profile was routed over before it was fixed? No: routing skips it now, and the
        # managers are not told again.
        again, fake = self.send(self.partner_opted_in, responses=[fonnte_ok()])
        self.assertEqual(again.provider_id, self.fonnte)
        self.assertEqual(len(fake.requests), 1, "Meta was not tried")
        self.assertIn("route.skip_not_configured", again.decision_text)
        self.assertEqual(self.health_activities(self.meta), activities)
        self.assertEqual(len(self.notes(self.meta, "meta.190")), 1)

    def test_template_error_leaves_the_profile_alone(self):
        message, _fake = self.send(
            self.partner_opted_in,
            responses=[meta_error(132000, "Number of parameters does not match"), fonnte_ok()],
        )
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.attempt_ids[0].classification, "config_error")
        self.assertEqual(self.meta.state, "configured", "a template problem is not the profile's")
        self.assertFalse(self.health_activities(self.meta))

    def test_gateway_credential_errors(self):
        message, _fake = self.send(
            self.partner_gateway,
            responses=[fonnte_refused("invalid token"), watzap_error("1002", "Invalid API Key")],
        )
        self.assertEqual(message.state, "failed")
        self.assertEqual(self.fonnte.state, "error")
        self.assertEqual(self.fonnte.state_code, "fonnte.invalid token")
        self.assertEqual(self.watzap.state, "error")
        self.assertEqual(self.watzap.state_code, "watzap.1002")
        self.assertEqual(self.meta.state, "configured")
        self.assertNoSecret(self.fonnte.state_message + self.watzap.state_message)

    def test_two_workers_meeting_the_same_error_tell_the_managers_once(self):
        outcome = {
            "attempts": [
                {
                    "provider": self.meta._engine_id(),
                    "kind": "meta",
                    "classification": "config_error",
                    "code": "190",
                    "detail": "Meta error 190: the access token has expired",
                    "profileError": True,
                }
            ]
        }
        Provider = self.env["sicantik.whatsapp.provider"].sudo()
        Provider._apply_send_outcome(outcome)
        Provider._apply_send_outcome(outcome)
        self.assertFalse(
            self.meta._set_error("meta.190", "again"), "already in error: no transition"
        )
        self.assertEqual(self.meta.state, "error")
        self.assertEqual(len(self.notes(self.meta, "meta.190")), 1)
        self.assertEqual(
            len(self.health_activities(self.meta).filtered(lambda a: a.user_id == self.manager)), 1
        )
        # An attempt the engine does not flag leaves the profile alone.
        outcome["attempts"][0].update(provider=self.fonnte._engine_id(), profileError=False)
        Provider._apply_send_outcome(outcome)
        self.assertEqual(self.fonnte.state, "configured")

    def test_two_concurrent_transactions_make_one_transition(self):
        """Two workers meet the same error at once, in real separate transactions: the one that
        locks the profile first moves it to error; the other neither waits for it (``SKIP
        LOCKED``) nor, once it committed, repeats it (a serialization failure, caught)."""
        with self.registry.cursor() as cr0:
            env0 = api.Environment(cr0, SUPERUSER_ID, {})
            provider_id = (
                env0["sicantik.whatsapp.provider"]
                .create(
                    {
                        "name": "Fonnte Concurrent",
                        "kind": "fonnte",
                        "token": "fonnte-concurrent",
                        "state": "configured",
                    }
                )
                .id
            )
        cursors = [self.registry.cursor() for _i in range(3)]
        try:
            env1, env2, env3 = (api.Environment(cr, SUPERUSER_ID, {}) for cr in cursors)
            p1, p2, p3 = (
                env["sicantik.whatsapp.provider"].browse(provider_id) for env in (env1, env2, env3)
            )
            self.assertEqual(p3.state, "configured")  # cr3's snapshot is taken before cr1 commits
            self.assertTrue(
                p1._set_error("fonnte.invalid token", "the Fonnte device token is invalid")
            )
            # cr1 holds the row: cr2 skips it at once instead of waiting.
            self.assertFalse(
                p2._set_error("fonnte.invalid token", "the Fonnte device token is invalid")
            )
            cursors[0].commit()
            # cr3 read the row before cr1's commit: locking it now is a serialization failure.
            self.assertFalse(
                p3._set_error("fonnte.invalid token", "the Fonnte device token is invalid")
            )
            for cr in cursors[1:]:
                cr.rollback()
            with self.registry.cursor() as cr4:
                provider = api.Environment(cr4, SUPERUSER_ID, {})[
                    "sicantik.whatsapp.provider"
                ].browse(provider_id)
                self.assertEqual(provider.state, "error")
                self.assertEqual(
                    len(
                        provider.message_ids.filtered(
                            lambda m: "fonnte.invalid token" in (m.body or "")
                        )
                    ),
                    1,
                )
        finally:
            for cr in cursors:
                cr.rollback()
                cr.close()
            with self.registry.cursor() as cr0:
                api.Environment(cr0, SUPERUSER_ID, {})["sicantik.whatsapp.provider"].browse(
                    provider_id
                ).unlink()

    def test_outbox_moves_the_profile_to_error_and_keeps_its_group(self):
        Message = self.env["sicantik.whatsapp.message"]
        messages = self.dispatcher.enqueue(
            self.partner_opted_in, "permit_ready", self.permit_values
        )
        messages |= self.dispatcher.enqueue(
            self.partner_opted_in, "permit_ready", self.permit_values
        )
        self.assertEqual(len(messages), 2)
        with self.mock_transport(
            responses=[meta_error(190, "token expired", status=401), fonnte_ok("1"), fonnte_ok("2")]
        ) as fake:
            self.outbox._cron_process_outbox()
        self.assertEqual(messages.mapped("state"), ["sent", "sent"])
        self.assertEqual(messages.provider_id, self.fonnte)
        self.assertEqual(len(fake.requests), 3, "the second message skipped Meta at once")
        self.assertEqual(self.meta.state, "error")
        self.assertEqual(len(self.notes(self.meta, "meta.190")), 1)
        # The group's attempts were created with it.
        self.assertEqual(
            Message.browse(messages.ids).attempt_ids.mapped("classification").count("accepted"), 2
        )

    def test_test_connection_brings_the_profile_back(self):
        self.send(
            self.partner_opted_in, responses=[meta_error(190, "expired", status=401), fonnte_ok()]
        )
        self.assertEqual(self.meta.state, "error")
        self.assertTrue(self.health_activities(self.meta))
        with self.mock_transport(responses=[META_HEALTH_OK]):
            self.meta.with_user(self.manager).action_test_connection()
        self.assertEqual(self.meta.state, "configured")
        self.assertFalse(self.meta.state_message or self.meta.state_code)
        self.assertFalse(self.health_activities(self.meta), "the activities are done")
        self.assertTrue(self.notes(self.meta, "configured again"))
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok()])
        self.assertEqual(message.provider_id, self.meta, "routing uses Meta again")

    def test_mark_error_and_mark_configured(self):
        wizard = (
            self.env["sicantik.whatsapp.provider.error.wizard"]
            .with_user(self.manager)
            .create({"provider_id": self.watzap.id, "reason": "Nomor Watzap sedang diganti"})
        )
        wizard.action_confirm()
        self.assertEqual(self.watzap.state, "error")
        self.assertEqual(self.watzap.state_code, "manual")
        self.assertEqual(self.watzap.state_message, "Nomor Watzap sedang diganti")
        self.assertTrue(self.notes(self.watzap, self.manager.name))
        # The admin reads who marked it and why, not the internal code "manual".
        self.assertFalse(self.notes(self.watzap, "[manual]"))
        self.assertNotIn("[manual]", self.health_activities(self.watzap)[0].note or "")
        self.assertTrue(self.health_activities(self.watzap))
        message, _fake = self.send(self.partner_gateway, responses=[fonnte_ok()])
        self.assertIn("route.skip_not_configured", message.decision_text)
        self.watzap.with_user(self.manager).action_mark_configured()
        self.assertEqual(self.watzap.state, "configured")
        self.assertFalse(self.health_activities(self.watzap))
        # Reset to draft from error: the activities are done too.
        self.watzap.with_user(self.manager).action_mark_error()
        self.watzap._set_error("manual", "Diganti", who=self.manager.name)
        self.assertTrue(self.health_activities(self.watzap))
        self.watzap.with_user(self.manager).action_reset_draft()
        self.assertEqual(self.watzap.state, "draft")
        self.assertFalse(self.health_activities(self.watzap))

    def test_only_managers_mark_error(self):
        for user in (self.wa_user,):
            with self.assertRaises(AccessError):
                self.meta.with_user(user).action_mark_error()
            with self.assertRaises(AccessError):
                self.env["sicantik.whatsapp.provider.error.wizard"].with_user(user).create(
                    {"provider_id": self.meta.id, "reason": "x"}
                )
        # A wizard made by someone else and confirmed by a plain user still checks the rights.
        wizard = self.env["sicantik.whatsapp.provider.error.wizard"].create(
            {"provider_id": self.meta.id, "reason": "x"}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.wa_user).action_confirm()
        self.assertEqual(self.meta.state, "configured")
        action = self.meta.with_user(self.manager).action_mark_error()
        self.assertEqual(action["res_model"], "sicantik.whatsapp.provider.error.wizard")


@tagged("post_install", "-at_install")
class TestHealthScreens(HttpCase, HealthCommon):
    """The health screens in Indonesian, in the web client (headless Chromium)."""

    def setUp(self):
        super().setUp()
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sicantik_whatsapp", "mail", "web"], ["id_ID"], overwrite=True
        )
        self.env.ref("base.user_admin").lang = "id_ID"

    def test_mark_error_and_back(self):
        action = "sicantik_whatsapp.sicantik_whatsapp_provider_action"
        url = f"/odoo/action-{action}/{self.watzap.id}"
        self.start_tour(url, "sicantik_whatsapp_provider_health", login="admin", timeout=120)
        self.assertEqual(self.watzap.state, "configured")
        self.assertTrue(self.notes(self.watzap, "Nomor Watzap sedang diganti"))

    def test_unknown_message_requeue_warns(self):
        message, _fake = self.send(self.partner_gateway, responses=[fonnte_ok()])
        message.write({"state": "unknown"})
        url = f"/odoo/action-sicantik_whatsapp.sicantik_whatsapp_message_action/{message.id}"
        self.start_tour(url, "sicantik_whatsapp_unknown_requeue", login="admin", timeout=120)
        self.assertEqual(message.state, "unknown", "cancelled: not queued again")
