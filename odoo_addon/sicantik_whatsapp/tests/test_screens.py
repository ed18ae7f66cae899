# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Screens an office reads: results laid out for people, Indonesian labels, the settings block,
the consent page for a broken link, the delivery report, the connection test's notification."""

import json

from lxml import etree

from odoo.tests import Form, HttpCase, tagged

from ..models.readable import readable_http
from .common import SicantikWhatsappCommon, fonnte_ok, http_error

GATEWAY_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.24.0</center>"
    "<script>alert(1)</script></body></html>"
)


@tagged("post_install", "-at_install")
class TestReadableResults(SicantikWhatsappCommon):
    def test_json_body_is_indented(self):
        text = readable_http(
            {
                "method": "POST",
                "url": "https://api.example/send",
                "headers": {"Content-Type": "application/json", "Authorization": "Bearer •••"},
                "body": json.dumps({"to": "6281", "text": {"body": "Halo"}}),
            }
        )
        self.assertTrue(text.startswith("POST https://api.example/send\n"))
        self.assertIn("Authorization: Bearer •••", text)
        self.assertIn('\n  "text": {\n    "body": "Halo"\n  }', text)
        self.assertNotIn('\\"', text, "no JSON escaped inside JSON")

    def test_html_error_page_is_reduced_to_text(self):
        text = readable_http(
            {"status": 502, "headers": {"Content-Type": "text/html"}, "body": GATEWAY_ERROR_PAGE}
        )
        self.assertTrue(text.startswith("HTTP 502\n"))
        self.assertIn("502 Bad Gateway", text)
        self.assertIn("nginx/1.24.0", text)
        for markup in ("<html", "<h1", "<script", "alert(1)", "color:red"):
            self.assertNotIn(markup, text)

    def test_form_body_one_field_a_line(self):
        text = readable_http(
            {
                "method": "POST",
                "url": "https://api.fonnte.example/send",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                "body": "target=6281&message=Halo%20Siti%0Abaris%20dua",
            }
        )
        self.assertIn("target: 6281\nmessage: Halo Siti\nbaris dua", text)

    def test_attempt_shows_the_gateway_page_as_text(self):
        message, _fake = self.send(
            self.partner_gateway, responses=[http_error(502, GATEWAY_ERROR_PAGE)] * 3
        )
        attempt = message.attempt_ids[:1]
        self.assertTrue(attempt.response_masked, "the stored answer is kept as is")
        self.assertIn("502 Bad Gateway", attempt.response_readable)
        self.assertNotIn("<h1>", attempt.response_readable)
        self.assertNotIn("<script", attempt.response_readable)
        self.assertNoSecret(attempt.request_readable, "readable request")

    def test_wrapped_fields_in_views(self):
        """Every result text of the message and wizard forms wraps (class styled in the scss)."""
        for xmlid, fields in [
            (
                "sicantik_whatsapp.sicantik_whatsapp_test_wizard_view_form",
                ["result_error", "result_trace", "result_payloads", "result_outcome"],
            ),
            (
                "sicantik_whatsapp.sicantik_whatsapp_message_view_form",
                ["request_readable", "response_readable", "notification_json", "outcome_json"],
            ),
        ]:
            arch = etree.fromstring(self.env.ref(xmlid).arch)
            for name in fields:
                with self.subTest(view=xmlid, field=name):
                    node = arch.xpath("//field[@name=$n]", n=name)[0]
                    wrapped = "o_sicantik_whatsapp_wrap" in (node.get("class") or "") or any(
                        "o_sicantik_whatsapp_wrap" in (p.get("class") or "")
                        for p in node.iterancestors()
                    )
                    self.assertTrue(wrapped)


@tagged("post_install", "-at_install")
class TestScreenLabels(SicantikWhatsappCommon):
    def test_meta_status_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sicantik_whatsapp"], ["id_ID"], overwrite=True
        )
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        template.meta_status = "APPROVED"
        self.assertEqual(template.meta_status_label, "APPROVED")
        labels = dict(
            template.with_context(lang="id_ID")
            ._fields["meta_status_label"]
            ._description_selection(template.with_context(lang="id_ID").env)
        )
        self.assertEqual(labels["APPROVED"], "Disetujui")
        self.assertEqual(labels["PAUSED"], "Dijeda")
        template.meta_quality = "RED"
        self.assertEqual(template.meta_quality_label, "RED")
        # A status Meta adds later is kept as Meta's word and shown as such (no label).
        template.meta_status = "SOMETHING_NEW"
        self.assertFalse(template.meta_status_label)
        self.assertEqual(template.meta_status, "SOMETHING_NEW")

    def test_short_column_labels(self):
        """The list columns of numbers carry short labels (no "Jumlah P…" cut by the width)."""
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sicantik_whatsapp"], ["id_ID"], overwrite=True
        )
        for xmlid, field, longest in [
            ("sicantik_whatsapp.sicantik_whatsapp_template_master_view_list", "usage_count", 8),
            (
                "sicantik_whatsapp.sicantik_whatsapp_template_master_view_list",
                "meta_status_label",
                12,
            ),
            ("sicantik_whatsapp.sicantik_whatsapp_message_view_list", "attempt_count", 10),
        ]:
            view = self.env.ref(xmlid).with_context(lang="id_ID")
            arch = etree.fromstring(view.arch)
            label = arch.xpath("//field[@name=$n]", n=field)[0].get("string")
            with self.subTest(field=field, label=label):
                self.assertTrue(label)
                self.assertLessEqual(len(label), longest)

    def test_settings_block_sits_with_the_integrations(self):
        view = self.env.ref("base_setup.res_config_settings_view_form")
        arch = etree.fromstring(self.env["res.config.settings"].get_view(view.id)["arch"])
        blocks = [b.get("name") for b in arch.iter("block")]
        ours = blocks.index("sicantik_whatsapp_setting_container")
        self.assertEqual(blocks[ours - 1], "integration")
        self.assertLess(ours, blocks.index("about_setting_container"))
        field = arch.xpath("//field[@name='sicantik_wa_opt_in_text']")[0]
        self.assertEqual(field.get("widget"), "text", "the invitation is read on several lines")

    def test_delivery_report_states_per_provider_and_template(self):
        action = self.env.ref("sicantik_whatsapp.sicantik_whatsapp_message_action_report")
        self.assertNotIn("group_by", action.context or "")
        self.assertNotIn("search_default_group", action.context or "")
        pivot = etree.fromstring(
            self.env.ref("sicantik_whatsapp.sicantik_whatsapp_message_view_pivot").arch
        )
        self.assertEqual(
            [(f.get("name"), f.get("type")) for f in pivot.iter("field")],
            [("provider_id", "row"), ("template_code", "row"), ("state", "col")],
        )
        by_template = self.env.ref(
            "sicantik_whatsapp.sicantik_whatsapp_message_action_report_template"
        )
        graph = etree.fromstring(by_template.view_id.arch)
        self.assertEqual([f.get("name") for f in graph.iter("field")], ["template_code", "state"])
        # The data behind it: states per provider and per template.
        self.send(self.partner_gateway, responses=[fonnte_ok()])
        groups = self.env["sicantik.whatsapp.message"].read_group(
            [], ["__count"], ["provider_id", "template_code", "state"], lazy=False
        )
        self.assertTrue(any(g["state"] and g["template_code"] and g["provider_id"] for g in groups))

    def test_connection_result_replaces_the_previous_one(self):
        """The client action (static/src/js/connection_result.js) closes the notification of the
        same key; the key is the profile's."""
        with self.mock_transport(responses=[fonnte_ok()]):
            action = self.fonnte.action_test_connection()
        self.assertEqual(action["tag"], "sicantik_whatsapp_connection_result")
        self.assertEqual(action["params"]["key"], f"provider-{self.fonnte.id}")


@tagged("post_install", "-at_install")
class TestWizardScreen(SicantikWhatsappCommon):
    def _wizard(self, partner):
        with Form(self.env["sicantik.whatsapp.test.wizard"]) as form:
            form.partner_id = partner
            form.template_id = self.env.ref("sicantik_whatsapp.template_permit_ready")
        return form.record

    def test_invalid_phone_one_error_and_no_template_empty(self):
        self.partner_gateway.mobile = "12"
        wizard = self._wizard(self.partner_gateway)
        wizard.action_run()
        self.assertEqual(wizard.state, "done")
        self.assertIn("phone.invalid", wizard.result_error)
        self.assertNotIn("template.empty", wizard.result_error)
        self.assertEqual(wizard.result_error.count("phone.invalid"), 1)

    def test_invalid_phone_error_is_worded_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sicantik_whatsapp"], ["id_ID"], overwrite=True
        )
        self.partner_gateway.mobile = "12ab"
        wizard = self._wizard(self.partner_gateway).with_context(lang="id_ID")
        wizard.action_run()
        # The engine catalogue's sentence, its input filled in (src/catalogue/sentences.json).
        self.assertTrue(
            wizard.result_error.startswith("Nomor telepon 12ab tidak valid: "),
            wizard.result_error,
        )
        self.assertTrue(wizard.result_error.endswith("(phone.invalid)"), wizard.result_error)

    def test_result_comes_before_the_live_preview(self):
        arch = etree.fromstring(
            self.env.ref("sicantik_whatsapp.sicantik_whatsapp_test_wizard_view_form").arch
        )
        order = [
            n.get("widget") or n.get("name")
            for n in arch.iter("field")
            if n.get("name") in ("result_error", "result_payloads") or n.get("widget")
        ]
        self.assertLess(
            order.index("result_error"), order.index("sicantik_whatsapp_payload_preview")
        )
        self.assertLess(
            order.index("result_payloads"), order.index("sicantik_whatsapp_payload_preview")
        )

    def test_changing_an_input_clears_the_result(self):
        wizard = self._wizard(self.partner_gateway)
        wizard.action_run()
        self.assertEqual(wizard.state, "done")
        with Form(wizard) as form:
            with form.value_ids.edit(0) as line:
                line.value = "SIP"
        self.assertEqual(wizard.state, "draft")


@tagged("post_install", "-at_install")
class TestConsentPages(HttpCase, SicantikWhatsappCommon):
    def test_broken_links_get_an_indonesian_page(self):
        token = self.partner_gateway._wa_consent_token()
        for path in (
            "/sicantik_whatsapp/consent/not-a-token",
            f"/sicantik_whatsapp/consent/{token[:-5]}",
            "/sicantik_whatsapp/consent",
            f"/sicantik_whatsapp/consent/{token}/extra",
        ):
            with self.subTest(path=path):
                page = self.url_open(path)
                self.assertEqual(page.status_code, 404)
                self.assertIn('<html lang="id"', page.text)
                self.assertIn("sicantik_whatsapp_consent_invalid", page.text)
                self.assertIn("Tautan persetujuan ini tidak dapat dibuka", page.text)
                self.assertIn(self.env.company.name, page.text, "in the office's name")
                self.assertNotIn("Not Found", page.text)
        self.assertFalse(
            self.env["sicantik.whatsapp.consent.visit"].search_count([]),
            "a broken link is nobody's visit",
        )

    def test_consent_page_is_indonesian(self):
        url = self.partner_gateway._wa_consent_url()
        page = self.url_open(url[url.index("/sicantik_whatsapp/") :])
        self.assertEqual(page.status_code, 200)
        self.assertIn('<html lang="id"', page.text)


@tagged("post_install", "-at_install")
class TestScreensTours(HttpCase, SicantikWhatsappCommon):
    """The screens in the real web client (``static/tests/tours/screens_tour.js``)."""

    def test_wizard_invalid_phone(self):
        self.env["res.partner"].create({"name": "Nomor Salah", "mobile": "12"})
        with self.mock_transport() as fake:
            self.start_tour(
                "/odoo/action-sicantik_whatsapp.sicantik_whatsapp_test_wizard_action",
                "sicantik_whatsapp_wizard_invalid_phone",
                login="admin",
                timeout=180,
            )
        self.assertFalse(fake.requests)

    def test_free_text_from_the_contact(self):
        url = (
            f"/odoo/contacts/{self.partner_gateway.id}"
            if "contacts" in self.env["ir.module.module"]._installed()
            else f"/odoo/action-base.action_partner_form/{self.partner_gateway.id}"
        )
        with self.mock_transport(handler=lambda request: fonnte_ok("990")) as fake:
            self.start_tour(url, "sicantik_whatsapp_free_text", login="admin", timeout=180)
        self.assertEqual(len(fake.requests), 1)
        message = self.env["sicantik.whatsapp.message"].search(
            [("template_code", "=", "free_text")]
        )
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_id, self.fonnte)
