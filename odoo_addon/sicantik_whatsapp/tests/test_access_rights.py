# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may do what: every public entry point tried with ``with_user`` by every role.

``MATRIX`` is the README's roles table (the test ``test_readme_roles_table`` keeps the two
equal); each of its cells is a ``subTest`` of the test named in the row.
"""

import json
import os
import re

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import fonnte_ok, meta_ok
from .roles import ROLES, SicantikWhatsappRolesCommon

Y, N = True, False
#: row → (test method, allowed per role, in the order of ``ROLES``)
MATRIX = {
    "See messages, reports and the consent log": ("test_read_messages", (N, N, Y, Y, Y, Y, Y)),
    "Test Multi-Provider (dry run or send) to a contact of their company": (
        "test_wizard",
        (N, N, Y, Y, Y, N, Y),
    ),
    "Test Multi-Provider to a contact of another company": (
        "test_wizard_other_company",
        (N, N, N, N, N, N, N),
    ),
    "See another user's Test Multi-Provider results": (
        "test_wizard_results_private",
        (N, N, N, N, N, N, N),
    ),
    "Send now / queue again / cancel a message": ("test_message_actions", (N, N, N, N, Y, N, Y)),
    "Record a citizen's opt-in or opt-out": ("test_record_consent", (N, N, N, Y, N, N, N)),
    "Undo a citizen's opt-out": ("test_undo_opt_out", (N, N, N, N, N, N, N)),
    "Write consent fields directly": ("test_write_consent_fields", (N, N, N, Y, N, N, N)),
    "Edit a provider profile of their company (name, order, timeout, rate)": (
        "test_edit_provider",
        (N, N, N, N, Y, N, Y),
    ),
    "Test connection, mark configured, reset, new webhook token": (
        "test_provider_actions",
        (N, N, N, N, Y, N, Y),
    ),
    "Change Base URL, API version, kind or company of a profile": (
        "test_provider_destination",
        (N, N, N, N, N, N, Y),
    ),
    "Edit a shared profile (no company)": ("test_shared_provider", (N, N, N, N, N, N, Y)),
    "Read credentials": ("test_read_credentials", (N, N, N, N, N, N, Y)),
    "Sync templates from Meta": ("test_meta_sync", (N, N, N, N, Y, Y, Y)),
    "Read contacts without a field list": ("test_partner_read", (Y, Y, Y, Y, Y, Y, Y)),
    "Replay a routing change of a profile of their company": ("test_replay", (N, N, N, N, Y, N, Y)),
}

DENIED = (AccessError, UserError)


def portal_readable_fields(partner):
    """Every field a portal user's read() without a field list reads, but ``bank_ids``: Odoo's
    own ``res.partner.bank`` refuses portal users already, with or without this module."""
    return [name for name in partner.fields_get(attributes=["type"]) if name != "bank_ids"]


@tagged("post_install", "-at_install")
class TestAccessRights(SicantikWhatsappRolesCommon):
    def check_row(self, row, action):
        """Run ``action(role)`` for every role, each in a savepoint rolled back afterwards;
        allowed roles must succeed, the others get AccessError/UserError."""
        method, allowed = MATRIX[row]
        self.assertEqual(
            method, self._testMethodName, "MATRIX row %r belongs to %s" % (row, method)
        )
        for role, ok in zip(ROLES, allowed, strict=True):
            with self.subTest(row=row, role=role):
                try:
                    with self.env.cr.savepoint(flush=False) as sp:
                        try:
                            with mute_logger("odoo.models", "odoo.addons.base.models.ir_rule"):
                                action(role)
                            self.env.flush_all()
                        except DENIED as e:
                            self.assertFalse(ok, "%s was refused: %s" % (role, e))
                        else:
                            self.assertTrue(ok, "%s was allowed" % role)
                        finally:
                            sp.rollback()
                finally:
                    self.env.invalidate_all()

    def _message(self, company=None, state="failed"):
        return (
            self.env["sicantik.whatsapp.message"]
            .sudo()
            .create(
                {
                    "partner_id": self.partner_gateway.id,
                    "template_code": "permit_ready",
                    "values_json": json.dumps(self.permit_values),
                    "company_id": (company or self.company_a).id,
                    "state": state,
                }
            )
        )

    # -- messages ----------------------------------------------------------------------------

    def test_read_messages(self):
        def action(role):
            company = self.company_b if role == "manager_b" else self.company_a
            consent = (
                self.env["sicantik.whatsapp.consent"]
                .sudo()
                .create(
                    {
                        "partner_id": self.partner_gateway.id,
                        "action": "opt_in",
                        "source": "manual",
                        "company_id": company.id,
                    }
                )
            )
            message = self._message(company)
            self.as_role(role, message).read(["state"])
            self.as_role(role, consent).read(["action"])
            self.as_role(role, message.attempt_ids).read([])

        self.check_row("See messages, reports and the consent log", action)

    def test_message_actions(self):
        def action(role):
            with self.mock_transport(responses=[fonnte_ok()]) as fake:
                for method, state in (
                    ("action_send_now", "failed"),
                    ("action_requeue", "unknown"),
                    ("action_cancel", "queued"),
                ):
                    message = self._message(state=state)
                    try:
                        getattr(self.as_role(role, message), method)()
                    except DENIED:
                        message.invalidate_recordset()
                        self.assertEqual(
                            message.state, state, "a refused %s changes nothing" % method
                        )
                        self.assertFalse(fake.requests, "a refused %s sends nothing" % method)
                        raise

        self.check_row("Send now / queue again / cancel a message", action)

    def test_message_actions_other_company(self):
        message = self._message(self.company_b, state="unknown")
        with self.assertRaises(AccessError):
            self.as_role("manager", message).action_requeue()
        self.as_role("manager_b", message).action_requeue()
        self.assertEqual(message.state, "queued")

    # -- test wizard -------------------------------------------------------------------------

    def _run_wizard(self, role, partner, run_mode="send"):
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        Wizard = self.env["sicantik.whatsapp.test.wizard"].with_user(self.users[role])
        wizard = Wizard.create(
            {
                "partner_id": partner.id,
                "template_id": template.id,
                "values_json": json.dumps(self.permit_values),
                "run_mode": run_mode,
            }
        )
        with self.mock_transport(responses=[fonnte_ok("5150"), meta_ok()]) as fake:
            try:
                wizard.action_run()
            except DENIED:
                self.assertFalse(fake.requests, "a refused test sends nothing")
                raise
        return wizard, fake

    def test_wizard(self):
        def action(role):
            wizard, fake = self._run_wizard(role, self.partner_gateway)
            self.assertFalse(wizard.result_error, wizard.result_error)
            self.assertEqual(len(fake.requests), 1)
            self.assertEqual(wizard.message_id.company_id, self.company_a)

        self.check_row(
            "Test Multi-Provider (dry run or send) to a contact of their company", action
        )

    def test_wizard_other_company(self):
        def action(role):
            if role == "manager_b":
                # manager_b works in company B only: company A's citizen is the other company's.
                self._run_wizard(role, self.partner_gateway, "dry_run")
            else:
                self._run_wizard(role, self.partner_b, "dry_run")

        self.check_row("Test Multi-Provider to a contact of another company", action)

    def test_wizard_results_private(self):
        other = new_test_user(
            self.env,
            login="wa_role_other",
            groups="base.group_system,sicantik_whatsapp.group_sicantik_whatsapp_manager",
        )
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        wizard = (
            self.env["sicantik.whatsapp.test.wizard"]
            .with_user(other)
            .create({"partner_id": self.partner_gateway.id, "template_id": template.id})
        )
        wizard.write({"result_payloads": "private result"})

        def action(role):
            self.as_role(role, wizard).read(["result_payloads"])

        self.check_row("See another user's Test Multi-Provider results", action)
        self.assertFalse(
            self.env["sicantik.whatsapp.test.wizard"]
            .with_user(self.users["admin"])
            .search([("id", "=", wizard.id)])
        )

    # -- consent -----------------------------------------------------------------------------

    def test_record_consent(self):
        def action(role):
            partner = self.as_role(role, self.partner_gateway)
            partner.action_wa_record_opt_in()
            consent = self.env["sicantik.whatsapp.consent"].search(
                [("partner_id", "=", self.partner_gateway.id)], order="id desc", limit=1
            )
            self.assertEqual(consent.user_id, self.users[role], "the acting user is the evidence")
            self.assertEqual(consent.source, "manual")
            self.assertIn(self.users[role].login, consent.evidence)
            note = self.partner_gateway.message_ids[:1]
            self.assertEqual(note.author_id, self.users[role].partner_id)
            self.as_role(role, self.partner_opted_in).action_wa_record_opt_out()
            self.assertTrue(self.partner_opted_in.wa_opted_out)

        self.check_row("Record a citizen's opt-in or opt-out", action)

    def test_record_consent_needs_write_access_to_the_contact(self):
        with self.assertRaises(AccessError):
            self.as_role("consent", self.partner_b).action_wa_record_opt_out()
        self.assertFalse(self.partner_b.wa_opted_out)

    def test_undo_opt_out(self):
        def action(role):
            partner = self.as_role(role, self.partner_opted_out)
            try:
                partner.action_wa_record_opt_in()
            finally:
                self.assertTrue(self.partner_opted_out.wa_opted_out)

        self.check_row("Undo a citizen's opt-out", action)
        for role in ROLES:
            with self.subTest(role=role), self.assertRaises(UserError):  # AccessError included
                self.as_role(role, self.partner_opted_out).write({"wa_opted_out": False})

    def test_write_consent_fields(self):
        def action(role):
            self.as_role(role, self.partner_gateway).write({"wa_meta_opt_in": True})

        self.check_row("Write consent fields directly", action)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.users["wa_user"]).create(
                {"name": "X", "wa_meta_opt_in": True}
            )

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
            self.assertIn(refused, (0, 4), "all or nothing: %s of 4 refused" % refused)
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

    # -- partners ----------------------------------------------------------------------------

    def test_partner_read(self):
        def action(role):
            partner = self.as_role(
                role,
                {"portal": self.portal_partner, "manager_b": self.partner_b}.get(
                    role, self.partner_gateway
                ),
            )
            values = partner.read(portal_readable_fields(partner) if role == "portal" else None)[0]
            has_group = self.users[role].has_group("sicantik_whatsapp.group_sicantik_whatsapp_user")
            self.assertEqual("wa_consent_ids" in values, has_group)
            self.assertEqual("wa_message_count" in values, has_group)
            self.as_role(role, partner).web_read({"display_name": {}, "wa_opted_out": {}})

        self.check_row("Read contacts without a field list", action)

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

    def test_readme_roles_table(self):
        """The README's roles table is this MATRIX (in a source checkout)."""
        readme = os.path.join(os.path.dirname(__file__), "..", "..", "..", "README.md")
        if not os.path.exists(readme):
            self.skipTest("not a source checkout: no README.md")
        with open(readme, encoding="utf-8") as f:
            text = f.read()
        table = {}
        for line in text.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == len(ROLES) + 2 and cells[0] in MATRIX:
                method = re.sub(r"[`]", "", cells[-1])
                table[cells[0]] = (method, tuple(c == "✓" for c in cells[1:-1]))
        self.assertEqual(table, MATRIX)
