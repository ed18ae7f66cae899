# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The people who can log in, as the access tests (and the README's roles table) know them."""

from odoo.tests import new_test_user

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
    "admin": "base.group_partner_manager,base.group_system,sicantik_whatsapp.group_sicantik_whatsapp_manager",
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
                login="wa_role_%s" % role,
                password="wa_role_%s" % role,
                groups=groups,
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
            )
        cls.portal_partner = cls.users["portal"].partner_id

    def as_role(self, role, record):
        return record.with_user(self.users[role])
