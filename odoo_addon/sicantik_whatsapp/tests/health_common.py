# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared set-up of the health tests (tests/test_health*.py): a WhatsApp manager and a WhatsApp
user of the profiles' company, and what they are told."""

import json

from odoo.tests import new_test_user

from .common import SicantikWhatsappCommon


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
