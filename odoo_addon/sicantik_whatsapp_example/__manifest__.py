# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SiCantik WhatsApp Notifications: Permit Example",
    "summary": "A small permit model that notifies citizens over WhatsApp from its records "
    "(record-bound templates, the sicantik.whatsapp.mixin)",
    "version": "18.0.1.0.0",
    "category": "Productivity/Discuss",
    "author": "DPMPTSP sicantik-whatsapp contributors",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": ["sicantik_whatsapp", "base_automation"],
    "data": [
        "security/ir.model.access.csv",
        "security/sicantik_whatsapp_example_security.xml",
        "data/sicantik_whatsapp_example_template_data.xml",
        "views/sicantik_whatsapp_example_permit_views.xml",
        "views/sicantik_whatsapp_example_composer_views.xml",
    ],
    "demo": [
        "demo/sicantik_whatsapp_example_permit_demo.xml",
        "demo/sicantik_whatsapp_example_automation_demo.xml",
    ],
}
