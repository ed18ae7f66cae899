# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may edit, test and point provider profiles, sync Meta templates and replay routing
(rows of ``roles.MATRIX``)."""

import json

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import fonnte_ok
from .roles import DENIED, SicantikWhatsappAccessCommon


@tagged("post_install", "-at_install")
class TestAccessProviders(SicantikWhatsappAccessCommon):
    """Provider profiles, Meta sync and replay, tried by every role."""

    # -- providers ---------------------------------------------------------------------------

    def test_edit_provider(self):
        def action(role):
            self.as_role(role, self.fonnte).write(
                {"name": "Fonnte Karo", "timeout": 20, "rate_per_minute": 30}
            )

        self.check_row(
            "Edit a provider profile of their company (name, order, timeout, rate)", action
        )

    def test_provider_actions(self):
        def action(role):
            provider = self.as_role(role, self.fonnte)
            token = self.fonnte.sudo().webhook_verify_token
            with self.mock_transport(responses=[fonnte_ok()]) as fake:
                try:
                    provider.action_test_connection()
                except DENIED:
                    self.assertFalse(fake.requests, "a refused test connection sends nothing")
                    raise
            provider.action_reset_draft()
            provider.action_mark_configured()
            provider.action_regenerate_webhook_token()
            self.assertNotEqual(self.fonnte.sudo().webhook_verify_token, token)

        self.check_row("Test connection, mark configured, reset, new webhook token", action)
        # Every action alone, for the roles refused above.
        for role in ("portal", "internal", "wa_user", "consent", "manager_b"):
            for method in (
                "action_test_connection",
                "action_reset_draft",
                "action_mark_configured",
                "action_regenerate_webhook_token",
            ):
                with self.subTest(role=role, method=method), self.mock_transport() as fake:
                    with self.assertRaises(AccessError):
                        getattr(self.as_role(role, self.meta), method)()
                    self.assertFalse(fake.requests)

    def test_provider_destination(self):
        def action(role):
            refused = 0
            for vals in (
                {"base_url": "http://127.0.0.1:9/x"},
                {"api_version": "v99.0"},
                {"kind": "watzap"},
                {"company_id": False},
            ):
                try:
                    with self.env.cr.savepoint():
                        self.as_role(role, self.fonnte).write(vals)
                except DENIED:
                    refused += 1
            self.assertIn(refused, (0, 4), f"all or nothing: {refused} of 4 refused")
            if refused:
                # A signal for assertRaises in this test; no person reads it.
                raise AccessError("refused")  # pylint: disable=translation-required
            # Creating: a Base URL only from an administrator.
            self.env["sicantik.whatsapp.provider"].with_user(self.users[role]).create(
                {"name": "New", "kind": "fonnte", "base_url": "http://127.0.0.1:9/x"}
            )

        self.check_row("Change Base URL, API version, kind or company of a profile", action)

    def test_manager_creates_profiles_of_their_company(self):
        Provider = self.env["sicantik.whatsapp.provider"].with_user(self.users["manager"])
        provider = Provider.create({"name": "Fonnte 2", "kind": "fonnte"})
        self.assertEqual(
            provider.company_id, self.company_a, "a manager's profile is their company's"
        )
        self.assertFalse(provider.can_edit_destination)
        with self.assertRaises(AccessError):
            provider.copy({"base_url": "http://127.0.0.1:9/x"})
        with self.assertRaises(AccessError):
            Provider.create({"name": "Shared", "kind": "fonnte", "company_id": False})
        # Saving the form without touching the destination works (values unchanged are fine).
        with Form(self.fonnte.with_user(self.users["manager"])) as form:
            form.name = "Fonnte Karo"
        self.assertEqual(self.fonnte.name, "Fonnte Karo")

    def test_shared_provider(self):
        self.watzap.sudo().company_id = False

        def action(role):
            self.as_role(role, self.watzap).write({"name": "Watzap shared"})
            self.as_role(role, self.watzap).action_reset_draft()

        self.check_row("Edit a shared profile (no company)", action)

    def test_read_credentials(self):
        def action(role):
            self.as_role(role, self.meta).read(["access_token"])

        self.check_row("Read credentials", action)

    def test_meta_sync(self):
        page = {
            "status": 200,
            "headers": {"content-type": "application/json"},
            "body": json.dumps({"data": []}),
        }

        def action(role):
            Template = self.env["sicantik.whatsapp.template.master"].with_user(self.users[role])
            with self.mock_transport(responses=[page]) as fake:
                try:
                    Template.action_sync_from_meta()
                except DENIED:
                    # manager_b sees no Meta profile of company A: a UserError, nothing sent.
                    self.assertFalse(fake.requests, "a refused sync sends nothing")
                    if role == "manager_b":
                        return
                    raise

        self.check_row("Sync templates from Meta", action)

    # -- shadow replay --------------------------------------------------------------------------

    def test_replay(self):
        def action(role):
            Wizard = self.env["sicantik.whatsapp.replay.wizard"].with_user(self.users[role])
            ctx = {"sicantik_whatsapp_replay_source": "provider", "active_id": self.fonnte.id}
            with self.mock_transport() as fake:
                wizard = Wizard.with_context(**ctx).create({})
                wizard.action_replay()
            self.assertFalse(fake.requests, "a replay sends nothing")
            self.assertEqual(wizard.state, "done")

        self.check_row("Replay a routing change of a profile of their company", action)

    def test_replay_own_company_only(self):
        message_a = self._message(self.company_a)
        message_b = self._message(self.company_b)
        for role, mine, other in (
            ("manager", message_a, message_b),
            ("manager_b", message_b, message_a),
        ):
            wizard = (
                self.env["sicantik.whatsapp.replay.wizard"].with_user(self.users[role]).create({})
            )
            messages = wizard._messages()
            self.assertIn(mine, messages)
            self.assertNotIn(other, messages)
