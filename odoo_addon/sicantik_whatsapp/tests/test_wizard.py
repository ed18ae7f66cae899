# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import Form, tagged

from .common import SicantikWhatsappCommon, fonnte_ok


@tagged("post_install", "-at_install")
class TestWizard(SicantikWhatsappCommon):
    def _wizard(self, partner, **vals):
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        with Form(self.env["sicantik.whatsapp.test.wizard"]) as form:
            form.partner_id = partner
            form.template_id = template
            for key, value in vals.items():
                setattr(form, key, value)
        return form.record

    def test_values_prefilled_with_mock_data(self):
        wizard = self._wizard(self.partner_gateway)
        values = json.loads(wizard.values_json)
        self.assertEqual(
            set(values), {"partner_name", "permit_type", "permit_number", "office_name"}
        )
        self.assertEqual(values["partner_name"], "Siti Aminah")

    def test_dry_run_sends_nothing(self):
        wizard = self._wizard(self.partner_gateway)
        with self.mock_transport() as fake:
            wizard.action_run()
        self.assertFalse(fake.requests)
        self.assertFalse(wizard.result_error, wizard.result_error)
        self.assertEqual(wizard.result_provider, "Fonnte DPMPTSP")
        self.assertIn("route.skip_no_opt_in", wizard.result_trace)
        self.assertIn("Fonnte DPMPTSP", wizard.result_payloads)
        self.assertIn("Watzap DPMPTSP", wizard.result_payloads)
        self.assertIn("Meta DPMPTSP", wizard.result_payloads)
        self.assertIn("•••", wizard.result_payloads, "credentials are masked")
        self.assertNoSecret(wizard.result_payloads, "wizard payloads")
        self.assertFalse(wizard.message_id)
        self.assertFalse(
            self.env["sicantik.whatsapp.message"].search(
                [("partner_id", "=", self.partner_gateway.id)]
            )
        )

    def test_forced_dry_run(self):
        wizard = self._wizard(self.partner_opted_in, mode="forced", provider_id=self.watzap)
        with self.mock_transport() as fake:
            wizard.action_run()
        self.assertFalse(fake.requests)
        self.assertEqual(wizard.result_provider, "Watzap DPMPTSP")
        self.assertIn("route.forced", wizard.result_trace)

    def test_send_shows_the_outcome(self):
        wizard = self._wizard(self.partner_gateway, run_mode="send")
        with self.mock_transport(responses=[fonnte_ok("4242")]) as fake:
            wizard.action_run()
        self.assertEqual(len(fake.requests), 1)
        self.assertEqual(wizard.message_id.state, "sent")
        self.assertIn("4242", wizard.result_outcome)
        self.assertNoSecret(wizard.result_outcome, "wizard outcome")

    def test_engine_error_is_shown(self):
        wizard = self._wizard(self.partner_gateway)
        wizard.values_json = json.dumps({"permit_type": "PBG"})
        wizard.action_run()
        self.assertIn("template.missing_param", wizard.result_error)

    def test_positional_template_asks_for_its_values(self):
        """Meta's ``{{1}}``, ``{{2}}``: the wizard asks for both, as the engine's renderer reads
        them (a regex over names found none, and the send failed with template.missing_param)."""
        template = self.env["sicantik.whatsapp.template.master"].create(
            {"name": "Bernomor", "code": "numbered", "body": "Yth. {{1}}, izin {{2}}"}
        )
        self.assertEqual(template._param_names(), ["1", "2"])
        with Form(self.env["sicantik.whatsapp.test.wizard"]) as form:
            form.partner_id = self.partner_gateway
            form.template_id = template
        wizard = form.record
        self.assertEqual(json.loads(wizard.values_json), {"1": "contoh 1", "2": "contoh 2"})
        with self.mock_transport() as fake:
            wizard.action_run()
        self.assertFalse(fake.requests)
        self.assertFalse(wizard.result_error, wizard.result_error)
        self.assertIn("Yth. contoh 1, izin contoh 2", wizard.result_payloads)

    def test_positional_template_asks_with_form_fields(self):
        """One line per value, labelled from the engine's description (role, name); typing in
        the lines is what a run sends."""
        template = self.env["sicantik.whatsapp.template.master"].create(
            {"name": "Bernomor", "code": "numbered2", "body": "Yth. {{1}}, izin {{2}}"}
        )
        wizard_model = self.env["sicantik.whatsapp.test.wizard"].with_context(lang="en_US")
        with Form(wizard_model) as form:
            form.partner_id = self.partner_gateway
            form.template_id = template
            self.assertEqual(len(form.value_ids), 2)
            for i, value in enumerate(["Budi", "PBG 12"]):
                with form.value_ids.edit(i) as line:
                    line.value = value
        wizard = form.record
        self.assertEqual(wizard.value_ids.mapped("name"), ["1", "2"])
        self.assertEqual(wizard.value_ids.mapped("role"), ["value", "value"])
        self.assertEqual(
            wizard.value_ids.mapped("label"), ["Value number 1 {{1}}", "Value number 2 {{2}}"]
        )
        with self.mock_transport() as fake:
            wizard.action_run()
        self.assertFalse(fake.requests)
        self.assertFalse(wizard.result_error, wizard.result_error)
        self.assertIn("Yth. Budi, izin PBG 12", wizard.result_payloads)

    def test_reserved_values_are_labelled_by_role(self):
        wizard = self._wizard(self.partner_gateway)
        roles = {line.name: line.role for line in wizard.value_ids}
        self.assertEqual(roles["partner_name"], "partnerName")
        self.assertEqual(roles["office_name"], "officeName")
        self.assertEqual(roles["permit_number"], "value")
        self.assertNotIn("opt_in_link", roles, "the engine fills the consent link")

    def test_recipient_change_keeps_typed_values(self):
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        with Form(self.env["sicantik.whatsapp.test.wizard"]) as form:
            form.partner_id = self.partner_gateway
            form.template_id = template
            for i in range(len(form.value_ids)):
                with form.value_ids.edit(i) as line:
                    if line.name == "permit_number":
                        line.value = "503/X/1"
            form.partner_id = self.partner_opted_in
        values = json.loads(form.record.values_json)
        self.assertEqual(values["permit_number"], "503/X/1")
        self.assertEqual(values["partner_name"], self.partner_opted_in.name)

    def test_trace_and_error_in_indonesian(self):
        """The decision and the error read in the office's language, from the engine's
        catalogue; the codes stay for support."""
        self.env["res.lang"]._activate_lang("id_ID")
        catalogue = self.env["sicantik.whatsapp.catalogue"]
        wizard = self._wizard(self.partner_gateway).with_context(lang="id_ID")
        wizard.action_run()
        codes = catalogue._codes()
        self.assertIn("[route.skip_no_opt_in]", wizard.result_trace)
        # "{provider} dicoba lebih dulu.": the words after the provider's name.
        self.assertIn(
            "Fonnte DPMPTSP" + codes["route.selected"]["id"].split("}")[-1], wizard.result_trace
        )
        self.assertNotIn(codes["route.selected"]["en"].split("}")[-1], wizard.result_trace)
        wizard.values_json = json.dumps({"permit_type": "PBG"})
        wizard.action_run()
        self.assertIn("(template.missing_param)", wizard.result_error)
        self.assertIn("Templat permit_ready memerlukan nilai untuk {{", wizard.result_error)
