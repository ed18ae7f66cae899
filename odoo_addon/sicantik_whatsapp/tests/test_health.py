# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Health that follows reality: provider profiles and Meta templates move out of routing when
the providers say so (the engine's verdict), the managers are told once, and they come back."""

import hashlib
import hmac
import json

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SECRETS, SicantikWhatsappCommon, fonnte_ok, fonnte_refused, meta_error, meta_ok

META_URL = "/sicantik_whatsapp/webhook/meta"

META_HEALTH_OK = {
    "status": 200,
    "headers": {"content-type": "application/json"},
    "body": '{"display_phone_number":"+62 812-0000","verified_name":"DPMPTSP",'
    '"quality_rating":"GREEN","code_verification_status":"VERIFIED","id":"1"}',
}


def watzap_error(code, message):
    return {
        "status": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"status": code, "message": message}),
    }


class HealthCommon(SicantikWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="wa_health_manager",
            groups="base.group_user,sicantik_whatsapp.group_sicantik_whatsapp_manager",
        )
        cls.wa_user = new_test_user(
            cls.env,
            login="wa_health_user",
            groups="base.group_user,sicantik_whatsapp.group_sicantik_whatsapp_user",
        )
        cls.warning_type = cls.env.ref("mail.mail_activity_data_warning")
        # The managers' own company's profiles (shared ones are the system administrators').
        cls.providers.write({"company_id": cls.env.company.id})

    def health_activities(self, record):
        return record.activity_ids.filtered(lambda a: a.activity_type_id == self.warning_type)

    def notes(self, record, text):
        return record.message_ids.filtered(lambda m: text in (m.body or ""))


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
class TestMessageActions(HealthCommon):
    def test_rejected_for_this_recipient(self):
        message, _fake = self.send(
            self.partner_opted_in, responses=[meta_error(131026, "Message undeliverable")]
        )
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "meta.131026")
        self.assertTrue(message.rejected_for_recipient)
        other, _fake = self.send(
            self.partner_gateway,
            responses=[fonnte_refused("invalid token"), watzap_error("1002", "x")],
        )
        self.assertEqual(other.state, "failed")
        self.assertFalse(
            other.rejected_for_recipient, "a configuration error is not about the recipient"
        )

    def test_buttons_ask_for_confirmation(self):
        arch = self.env["sicantik.whatsapp.message"].get_view(view_type="form")["arch"]
        doc = etree.fromstring(arch)
        send = doc.xpath("//button[@name='action_send_now']")
        self.assertEqual(len(send), 2)
        confirmed = [b for b in send if b.get("confirm")]
        self.assertEqual(len(confirmed), 1)
        self.assertIn("rejected_for_recipient", confirmed[0].get("invisible"))
        self.assertIn("refused this message for this recipient", confirmed[0].get("confirm"))
        requeue = [b for b in doc.xpath("//button[@name='action_requeue']") if b.get("confirm")]
        self.assertEqual(len(requeue), 1)
        self.assertIn("unknown", requeue[0].get("invisible"))
        self.assertIn("receive it twice", requeue[0].get("confirm"))
        # In Indonesian too.
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sicantik_whatsapp"], ["id_ID"], overwrite=True
        )
        arch_id = (
            self.env["sicantik.whatsapp.message"]
            .with_context(lang="id_ID")
            .get_view(view_type="form")["arch"]
        )
        self.assertIn("menerimanya dua kali", arch_id)

    def test_status_bar_puts_failed_before_sent(self):
        states = [
            key for key, _label in self.env["sicantik.whatsapp.message"]._fields["state"].selection
        ]
        for state in ("failed", "unknown", "deferred", "sending", "queued"):
            self.assertLess(states.index(state), states.index("sent"), state)


def _sign(body, secret=SECRETS["app_secret"]):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@tagged("post_install", "-at_install")
class TestTemplateHealth(HttpCase, HealthCommon):
    def setUp(self):
        super().setUp()
        self.template = self.env.ref("sicantik_whatsapp.template_permit_ready")

    def _post(self, changes, waba="200000000000001", signature=None):
        body = json.dumps(
            {"object": "whatsapp_business_account", "entry": [{"id": waba, "changes": changes}]}
        ).encode()
        return self.url_open(
            META_URL,
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": signature or _sign(body),
            },
        )

    def _status(self, event, name="permit_ready", **extra):
        value = {
            "event": event,
            "message_template_id": 111,
            "message_template_name": name,
            "message_template_language": "id",
            "reason": "NONE",
            **extra,
        }
        return {"field": "message_template_status_update", "value": value}

    def _quality(self, score, previous="GREEN"):
        value = {
            "previous_quality_score": previous,
            "new_quality_score": score,
            "message_template_id": 111,
            "message_template_name": "permit_ready",
            "message_template_language": "id",
        }
        return {"field": "message_template_quality_update", "value": value}

    def test_paused_template_skips_meta_until_approved_again(self):
        response = self._post(
            [
                self._status(
                    "PAUSED",
                    other_info={"title": "FIRST_PAUSE", "description": "Paused for 3 hours"},
                )
            ]
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.template.meta_status, "PAUSED")
        self.assertFalse(self.template.meta_usable)
        self.assertEqual(self.template.meta_health_code, "route.skip_meta_not_approved")
        self.assertIn(self.manager, self.health_activities(self.template).user_id)
        self.assertTrue(self.notes(self.template, "route.skip_meta_not_approved"))
        message, fake = self.send(self.partner_opted_in, responses=[fonnte_ok()])
        self.assertEqual(message.provider_id, self.fonnte)
        self.assertIn("route.skip_meta_not_approved", message.decision_text)
        # Paused again (no news): nobody is told twice.
        self._post([self._status("PAUSED")])
        self.assertEqual(len(self.notes(self.template, "route.skip_meta_not_approved")), 1)
        self._post([self._status("APPROVED")])
        self.assertEqual(self.template.meta_status, "APPROVED")
        self.assertTrue(self.template.meta_usable)
        self.assertFalse(self.health_activities(self.template))
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok()])
        self.assertEqual(message.provider_id, self.meta)

    def test_red_quality_skips_meta_and_the_gateway_invites(self):
        self._post([self._quality("RED")])
        self.assertEqual(self.template.meta_quality, "RED")
        self.assertEqual(self.template.meta_health_code, "route.skip_meta_quality")
        message, _fake = self.send(self.partner_opted_in, responses=[fonnte_ok()])
        self.assertIn("route.skip_meta_quality", message.decision_text)
        self.assertEqual(message.provider_id, self.fonnte)
        self._post([self._quality("GREEN", previous="RED")])
        self.assertTrue(self.template.meta_usable)

    def test_webhook_checks_its_signature_and_account(self):
        bad = self._post([self._status("DISABLED")], signature="sha256=" + "0" * 64)
        self.assertEqual(bad.status_code, 403)
        self.assertNotEqual(self.template.meta_status, "DISABLED")
        self.assertTrue(self.template.meta_usable)
        # Another WhatsApp Business Account's template of the same name is not ours.
        self._post([self._status("DISABLED")], waba="999")
        self.assertNotEqual(self.template.meta_status, "DISABLED")
        malformed = self.url_open(
            META_URL,
            data=b'{"entry": {"id": 1}}',
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": _sign(b'{"entry": {"id": 1}}'),
            },
        )
        self.assertEqual(malformed.status_code, 400)

    def test_edited_template_no_longer_matches_meta(self):
        page = {
            "data": [
                {
                    "name": "permit_ready",
                    "language": "id",
                    "status": "APPROVED",
                    "category": "UTILITY",
                    "id": "111",
                    "quality_score": {"score": "GREEN"},
                    "components": [
                        {"type": "BODY", "text": "Yth. {{1}}, izin {{2}} nomor {{3}} di {{4}}."}
                    ],
                }
            ]
        }
        response = {
            "status": 200,
            "headers": {"content-type": "application/json"},
            "body": json.dumps(page),
        }
        with self.mock_transport(responses=[response]):
            self.env["sicantik.whatsapp.template.master"].with_user(
                self.manager
            ).action_sync_from_meta()
        self.assertTrue(self.template.meta_approved_known)
        self.assertEqual(self.template.meta_approved_param_count, 4)
        self.assertTrue(self.template.meta_usable)
        # A placeholder added after Meta approved 4 parameters.
        self.template.write(
            {
                "body": self.template.body + " Berlaku hingga {{valid_until}}.",
                "meta_body_params": "partner_name,permit_type,permit_number,office_name,valid_until",
            }
        )
        self.assertIn("no longer matches", self.template.lint_result)
        self.assertFalse(self.template.meta_usable)
        self.assertEqual(self.template.meta_health_code, "route.skip_meta_changed")
        self.assertTrue(self.health_activities(self.template))
        values = dict(self.permit_values, valid_until="31 Januari 2031")
        message, fake = self.send(self.partner_opted_in, values=values, responses=[fonnte_ok()])
        self.assertIn("route.skip_meta_changed", message.decision_text)
        self.assertEqual(len(fake.requests), 1, "Meta was not tried and refused")


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
        url = "/odoo/action-sicantik_whatsapp.sicantik_whatsapp_provider_action/%s" % self.watzap.id
        self.start_tour(url, "sicantik_whatsapp_provider_health", login="admin", timeout=120)
        self.assertEqual(self.watzap.state, "configured")
        self.assertTrue(self.notes(self.watzap, "Nomor Watzap sedang diganti"))

    def test_unknown_message_requeue_warns(self):
        message, _fake = self.send(self.partner_gateway, responses=[fonnte_ok()])
        message.write({"state": "unknown"})
        url = "/odoo/action-sicantik_whatsapp.sicantik_whatsapp_message_action/%s" % message.id
        self.start_tour(url, "sicantik_whatsapp_unknown_requeue", login="admin", timeout=120)
        self.assertEqual(message.state, "unknown", "cancelled: not queued again")
