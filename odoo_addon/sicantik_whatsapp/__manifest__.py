# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SiCantik WhatsApp Notifications",
    "summary": "Notify citizens over WhatsApp (Meta Cloud API, Watzap.id, Fonnte) "
    "through one routing engine, with outbox, consent and webhooks",
    "version": "18.0.1.1.0",
    "category": "Productivity/Discuss",
    "author": "DPMPTSP sicantik-whatsapp contributors",
    # No "website": the project has no public URL yet (none in its README or package metadata).
    # GitHub logins of the maintainers, as OCA lists them: none published yet.
    "maintainers": [],
    # Feature-complete and tested, not yet run in production: the data model may still change.
    "development_status": "Beta",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["base_setup", "mail"],
    "external_dependencies": {"python": ["wasmtime"]},
    "data": [
        "security/sicantik_whatsapp_security.xml",
        "security/ir.model.access.csv",
        "data/sicantik_whatsapp_template_master_data.xml",
        "data/ir_cron_data.xml",
        "data/ir_config_parameter_data.xml",
        "data/sicantik_whatsapp_evidence_data.xml",
        # Before the views whose buttons open it.
        "wizards/sicantik_whatsapp_replay_wizard_views.xml",
        "wizards/sicantik_whatsapp_provider_error_wizard_views.xml",
        "views/sicantik_whatsapp_provider_views.xml",
        "views/sicantik_whatsapp_template_master_views.xml",
        "views/sicantik_whatsapp_message_views.xml",
        "views/sicantik_whatsapp_consent_views.xml",
        "wizards/sicantik_whatsapp_free_text_wizard_views.xml",
        "views/res_partner_views.xml",
        "views/sicantik_whatsapp_holiday_views.xml",
        "views/res_config_settings_views.xml",
        "views/sicantik_whatsapp_consent_templates.xml",
        "wizards/sicantik_whatsapp_test_wizard_views.xml",
        "wizards/sicantik_whatsapp_composer_views.xml",
        "views/sicantik_whatsapp_menus.xml",
        "views/sicantik_whatsapp_evidence_views.xml",
        "report/sicantik_whatsapp_proof_report.xml",
    ],
    "assets": {
        # The engine's web build (static/lib/sicantik_whatsapp/, made by `make addon`) is not in
        # any bundle: the engine service imports it lazily, once, when a preview is shown.
        "web.assets_backend": [
            "sicantik_whatsapp/static/src/js/**/*",
        ],
        "web.assets_unit_tests": [
            "sicantik_whatsapp/static/tests/**/*",
            ("remove", "sicantik_whatsapp/static/tests/tours/**/*"),
        ],
        "web.assets_tests": [
            "sicantik_whatsapp/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
}
