# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The people who can log in, as the access tests (and the README's roles table) know them."""

import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .common import SicantikWhatsappCommon

#: Role key → README column title.
ROLES = {
    "portal": "Portal user",
    "internal": "Internal user",
    "wa_user": "WhatsApp User",
    "consent": "WhatsApp User + record consent",
    "manager": "WhatsApp Manager",
    "manager_b": "WhatsApp Manager, other company",
    "admin": "System administrator",
}

GROUPS = {
    "portal": "base.group_portal",
    # Contact Creation: plain internal users of a real database may edit contacts, so a refusal
    # below is the WhatsApp rule's, not a missing write right on partners.
    "internal": "base.group_user,base.group_partner_manager",
    "wa_user": "base.group_partner_manager,sicantik_whatsapp.group_sicantik_whatsapp_user",
    "consent": "base.group_partner_manager,sicantik_whatsapp.group_sicantik_whatsapp_consent",
    "manager": "base.group_partner_manager,sicantik_whatsapp.group_sicantik_whatsapp_manager",
    "manager_b": "base.group_partner_manager,sicantik_whatsapp.group_sicantik_whatsapp_manager",
    "admin": "base.group_partner_manager,base.group_system,"
    "sicantik_whatsapp.group_sicantik_whatsapp_manager",
}


class SicantikWhatsappRolesCommon(SicantikWhatsappCommon):
    """Company A (the main one) owns the three profiles and the citizens; company B has its own
    manager, citizen and Meta profile. One user per role (login = password = the role key)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_second_company()
        (cls.partner_opted_in | cls.partner_gateway | cls.partner_opted_out).write(
            {"company_id": cls.company_a.id}
        )
        cls.partner_b = cls.env["res.partner"].create(
            {"name": "Rina Ginting", "mobile": "0813-5555-6666", "company_id": cls.company_b.id}
        )
        cls.users = {}
        for role, groups in GROUPS.items():
            company = cls.company_b if role == "manager_b" else cls.company_a
            cls.users[role] = new_test_user(
                cls.env,
                login=f"wa_role_{role}",
                password=f"wa_role_{role}",
                groups=groups,
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
            )
        cls.portal_partner = cls.users["portal"].partner_id

    def as_role(self, role, record):
        return record.with_user(self.users[role])


Y, N = True, False
#: The README's roles table (``TestAccessRights.test_readme_roles_table`` keeps the two equal):
#: row → (test method, allowed per role, in the order of ``ROLES``); each of its cells is a
#: ``subTest`` of the test named in the row (tests/test_access_*.py).
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


class SicantikWhatsappAccessCommon(SicantikWhatsappRolesCommon):
    """Runs a row of ``MATRIX`` for every role (``check_row``)."""

    def check_row(self, row, action):
        """Run ``action(role)`` for every role, each in a savepoint rolled back afterwards;
        allowed roles must succeed, the others get AccessError/UserError."""
        method, allowed = MATRIX[row]
        self.assertEqual(method, self._testMethodName, f"MATRIX row {row!r} belongs to {method}")
        for role, ok in zip(ROLES, allowed, strict=True):
            with self.subTest(row=row, role=role):
                try:
                    with self.env.cr.savepoint(flush=False) as sp:
                        try:
                            with mute_logger("odoo.models", "odoo.addons.base.models.ir_rule"):
                                action(role)
                            self.env.flush_all()
                        except DENIED as e:
                            self.assertFalse(ok, f"{role} was refused: {e}")
                        else:
                            self.assertTrue(ok, f"{role} was allowed")
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
