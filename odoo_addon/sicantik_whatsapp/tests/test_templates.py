# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import tagged

from .common import SicantikWhatsappCommon, fonnte_ok


@tagged("post_install", "-at_install")
class TestTemplates(SicantikWhatsappCommon):
    def test_default_templates(self):
        codes = set(self.env["sicantik.whatsapp.template.master"].search([]).mapped("code"))
        self.assertLessEqual(
            {
                "permit_ready",
                "permit_reminder",
                "status_update",
                "renewal_approved",
                "meta_opt_in_request",
            },
            codes,
        )
        opt_in = self.env.ref("sicantik_whatsapp.template_meta_opt_in_request")
        self.assertFalse(opt_in.append_opt_in_link)
        self.assertIn("{{opt_in_link}}", opt_in.body)

    def test_lint_through_engine(self):
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        self.assertEqual(template.lint_error_count, 0, template.lint_result)
        template.body = "Yth. {{partner_name}, rusak"
        self.assertGreater(template.lint_error_count, 0)
        # In Indonesian, the issue is the catalogue's sentence filled with its arguments, not
        # the engine's English words.
        self.env["res.lang"]._activate_lang("id_ID")
        template = template.with_context(lang="id_ID")
        template.invalidate_recordset(["lint_result"])
        sentence = self.env["sicantik.whatsapp.catalogue"]._codes()["template.malformed"]["id"]
        self.assertIn(sentence.split("{template}")[0], template.lint_result)
        self.assertNotIn("{template}", template.lint_result)

    def test_opt_in_request_carries_the_personal_link(self):
        message, fake = self.send(
            self.partner_gateway, template="meta_opt_in_request", values={}, responses=[fonnte_ok()]
        )
        self.assertEqual(message.state, "sent", message.error_message)
        self.assertFalse(message.opt_in_link_appended, "the link is in the body, not appended")
        self.consent_tokens(message.body_text, self.partner_gateway)

    def test_sync_from_meta(self):
        page = {
            "data": [
                {
                    "name": "permit_ready",
                    "language": "id",
                    "status": "APPROVED",
                    "category": "UTILITY",
                    "id": "111",
                    "components": [
                        {"type": "BODY", "text": "Yth. {{1}}, izin {{2}} nomor {{3}} di {{4}}."}
                    ],
                },
                {
                    "name": "status_update",
                    "language": "id",
                    "status": "PENDING",
                    "category": "UTILITY",
                    "id": "222",
                    "parameter_format": "NAMED",
                    "components": [
                        {
                            "type": "BODY",
                            "text": "Yth. {{partner_name}}, {{permit_number}}: {{status}}.",
                        }
                    ],
                },
            ],
            "paging": {"cursors": {"before": "A", "after": "B"}},
        }
        response = {
            "status": 200,
            "headers": {"content-type": "application/json"},
            "body": json.dumps(page),
        }
        with self.mock_transport(responses=[response]) as fake:
            self.env["sicantik.whatsapp.template.master"].action_sync_from_meta()
        self.assertEqual(len(fake.requests), 1)
        self.assertIn("200000000000001", fake.requests[0]["url"])
        ready = self.env.ref("sicantik_whatsapp.template_permit_ready")
        self.assertEqual(ready.meta_status, "APPROVED")
        self.assertEqual(ready.meta_template_uid, "111")
        status = self.env.ref("sicantik_whatsapp.template_status_update")
        self.assertEqual(status.meta_status, "PENDING")
        # A pending Meta template is not used: the opted-in citizen gets a gateway.
        from .common import fonnte_ok

        message, _fake = self.send(
            self.partner_opted_in,
            template="status_update",
            values={"permit_number": "1", "status": "Diproses"},
            responses=[fonnte_ok()],
        )
        self.assertEqual(message.provider_id, self.fonnte)
        self.assertIn("route.skip_meta_not_approved", message.decision_text)

    def test_sync_from_meta_follows_pages(self):
        def page(name, after=None):
            data = {
                "data": [
                    {
                        "name": name,
                        "language": "id",
                        "status": "APPROVED",
                        "category": "UTILITY",
                        "id": name + "-id",
                        "components": [{"type": "BODY", "text": "Halo {{1}}"}],
                    }
                ],
                "paging": {"cursors": {"after": after or "END"}},
            }
            if after:
                data["paging"]["next"] = "https://graph.meta.test/next?after=" + after
            return {
                "status": 200,
                "headers": {"content-type": "application/json"},
                "body": json.dumps(data),
            }

        with self.mock_transport(
            responses=[page("permit_reminder", after="CURSOR2"), page("renewal_approved")]
        ) as fake:
            self.env["sicantik.whatsapp.template.master"].action_sync_from_meta()
        self.assertEqual(len(fake.requests), 2)
        self.assertIn("after=CURSOR2", fake.requests[1]["url"])
        self.assertEqual(
            self.env.ref("sicantik_whatsapp.template_permit_reminder").meta_status, "APPROVED"
        )
        self.assertEqual(
            self.env.ref("sicantik_whatsapp.template_renewal_approved").meta_status, "APPROVED"
        )
        for request in fake.requests:
            self.assertNotIn(
                self.meta.access_token, request["url"], "the token is never in the URL"
            )
