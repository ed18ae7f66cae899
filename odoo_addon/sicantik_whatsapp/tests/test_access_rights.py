# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may do what: every public entry point tried with ``with_user`` by every role.

``roles.MATRIX`` is the README's roles table (the test ``test_readme_roles_table`` keeps the two
equal); each of its cells is a ``subTest`` of the test named in the row: messages and the test
wizard here, consent in test_access_consent.py, provider profiles, Meta sync and replay in
test_access_providers.py.
"""

import json
import os
import re

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import fonnte_ok, meta_ok
from .roles import DENIED, MATRIX, ROLES, SicantikWhatsappAccessCommon


@tagged("post_install", "-at_install")
class TestAccessRights(SicantikWhatsappAccessCommon):
    """Messages and Test Multi-Provider, and the README's roles table."""

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
                            message.state, state, f"a refused {method} changes nothing"
                        )
                        self.assertFalse(fake.requests, f"a refused {method} sends nothing")
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
