# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payload preview widget: the engine runs in the browser, the server keeps the secrets.

* the configuration the browser gets has every credential masked, and previews built from it are
  the server's previews;
* (its two model methods over JSON-RPC, by role: ``test_preview_rpc.py``);
* tours in real headless Chromium: the preview the widget shows (computed by the engine's web
  build in the browser) is compared byte for byte with the server's (``engine/host.py`` through
  wasmtime) for the same inputs;
* the widget's hoot unit tests (``static/tests/*.test.js``), run in the same browser.
"""

import json
import logging
import os
import re

from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import file_open, file_path
from odoo.tools.translate import TranslationFileReader, code_translations

from odoo.addons.web.tests.test_js import unit_test_error_checker

from ..engine.host import get_engine
from .common import SECRETS, SicantikWhatsappCommon, fonnte_ok, request_text

MASK = "\u2022\u2022\u2022"
LOG_PREFIX = "SICANTIK_PREVIEW "


@tagged("post_install", "-at_install")
class TestPreviewContext(SicantikWhatsappCommon):
    def test_browser_config_masks_every_credential(self):
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        context = self.env["sicantik.whatsapp.template.master"]._preview_context(
            template, self.partner_gateway
        )
        self.assertNoSecret(context, "preview context")
        credentials = {p["id"]: p["credentials"] for p in context["config"]["providers"]}
        self.assertEqual(
            credentials[self.meta._engine_id()],
            {"accessToken": MASK, "phoneNumberId": "100000000000001", "wabaId": "200000000000001"},
        )
        self.assertEqual(credentials[self.fonnte._engine_id()], {"token": MASK})
        self.assertEqual(credentials[self.watzap._engine_id()], {"apiKey": MASK, "numberKey": MASK})
        # The mask is applied to a copy: the server still sends with the real credentials.
        _signature, cached = self.dispatcher._engine_config_cached(self.env.company.id)
        text = json.dumps(cached)
        for name in ("access_token", "token", "api_key", "number_key"):
            self.assertIn(SECRETS[name], text)

    def test_masked_config_previews_like_the_server(self):
        """The engine masks credentials in previews, so the browser's configuration gives the very
        bytes of the server's preview."""
        browser = get_engine().configured(
            self.env["sicantik.whatsapp.template.master"]._browser_engine_config()
        )
        server = self.dispatcher._engine()
        for partner in (self.partner_opted_in, self.partner_gateway, self.partner_opted_out):
            for force in (None, self.meta, self.fonnte, self.watzap):
                notification = self.dispatcher._notification(
                    partner, "permit_ready", self.permit_values, force
                )
                self.assertEqual(
                    json.dumps(browser.preview(notification), ensure_ascii=False),
                    json.dumps(server.preview(notification), ensure_ascii=False),
                )

    def test_context_carries_the_catalogue_in_the_users_language(self):
        """The widget puts engine codes in words from the catalogue the server sends: every code
        has its sentence in the user's language (Indonesian for an Indonesian user)."""
        self.env["res.lang"]._activate_lang("id_ID")
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        context = (
            self.env["sicantik.whatsapp.template.master"]
            .with_context(lang="id_ID")
            ._preview_context(template, self.partner_gateway)
        )
        catalogue = context["catalogue"]
        self.assertEqual(catalogue["lang"], "id")
        for code in (
            "template.missing_param",
            "route.skip_no_opt_in",
            "meta.param_adjacent",
            "engine.not_configured",
        ):
            self.assertIn(code, catalogue["codes"])
        for code, entry in catalogue["codes"].items():
            self.assertTrue(entry["id"].strip() and entry["en"].strip(), code)
        english = (
            self.env["sicantik.whatsapp.template.master"]
            .with_context(lang="en_US")
            ._preview_context(template, self.partner_gateway)
        )
        self.assertEqual(english["catalogue"]["lang"], "en")

    def test_context_content(self):
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        context = self.env["sicantik.whatsapp.template.master"]._preview_context(
            template, self.partner_gateway
        )
        self.assertEqual(context["template"], template._engine_template())
        self.assertEqual(context["templateCode"], "permit_ready")
        self.assertIn({"id": template.id, "code": "permit_ready"}, context["templates"])
        self.assertTrue(context["canSend"])
        samples = {s["key"]: s for s in context["samples"]}
        self.assertEqual(
            set(samples),
            {
                "sample_opted_in",
                "sample_gateway",
                "sample_opted_out",
                f"partner_{self.partner_gateway.id}",
            },
        )
        self.assertTrue(samples["sample_opted_in"]["notification"]["recipient"]["metaOptIn"])
        self.assertTrue(samples["sample_opted_out"]["notification"]["recipient"]["optedOut"])
        self.assertFalse(samples["sample_gateway"]["partnerId"])
        real = samples[f"partner_{self.partner_gateway.id}"]
        self.assertEqual(real["partnerId"], self.partner_gateway.id)
        # The recipient of a real contact is the dispatcher's own, with the example consent link
        # of previews: the browser never gets a usable one.
        self.assertEqual(
            real["notification"],
            self.dispatcher._notification(
                self.partner_gateway.with_context(sicantik_whatsapp_preview_link=True), "", {}
            ),
        )
        self.assertTrue(real["notification"]["recipient"]["optInUrl"].endswith("/consent/CONTOH"))
        self.assertNotIn("partner_name", context["sampleValues"])
        self.assertEqual(context["sampleValues"]["permit_number"], "503/IMB/2026/0001")


class _Collector(logging.Handler):
    """Keeps the messages of the browser's console (logged by Odoo's ``ChromeBrowser``)."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []
        self.names = set()

    def emit(self, record):
        self.names.add(record.name)
        if record.name.endswith(".browser"):
            self.messages.append(record.getMessage())


@tagged("post_install", "-at_install")
class TestPreviewWidgetBrowser(HttpCase, SicantikWhatsappCommon):
    """Real headless Chromium, real Odoo 18, the engine's web build from static/lib."""

    def _run_tour(self, url, tour):
        """Run ``tour`` and return the preview it logged (``SICANTIK_PREVIEW {json}``)."""
        collector = _Collector()
        root = logging.getLogger()
        root.addHandler(collector)
        try:
            self.start_tour(url, tour, login="admin", timeout=180)
        finally:
            root.removeHandler(collector)
        shown = [
            json.loads(message.split(LOG_PREFIX, 1)[1])
            for message in collector.messages
            if LOG_PREFIX in message
        ]
        self.assertEqual(
            len(shown), 1, f"the tour logs the preview it shows once: {collector.names}"
        )
        return shown[0]

    def assertSamePreview(self, shown, server):
        """The browser's preview (read from the DOM) is the server's, byte for byte."""
        self.assertFalse(shown["errors"], "the widget shows no error")
        self.assertNoSecret(shown, "widget DOM")
        self.assertEqual(set(shown["providers"]), {p["provider"] for p in server["providers"]})
        for item in server["providers"]:
            request = item["request"]
            got = shown["providers"][item["provider"]]
            with self.subTest(provider=item["provider"]):
                self.assertTrue(
                    request, "the server builds a request for {}".format(item["provider"])
                )
                self.assertEqual(
                    got["body"].encode("utf-8"), (request["body"] or "").encode("utf-8")
                )
                self.assertEqual(got["url"], request["url"])
                self.assertEqual(got["method"], request["method"])
                self.assertEqual(got["headers"], request["headers"])
        decision = server["decision"]
        self.assertEqual(shown["provider"], decision["provider"] or "")
        self.assertEqual(shown["chain"], decision["chain"])
        self.assertEqual(shown["trace"], [step["code"] for step in decision["trace"]])
        self.assertEqual(shown["lint"], [issue["code"] for issue in server["lint"]])
        chosen = next(p for p in server["providers"] if p["provider"] == decision["provider"])
        self.assertEqual(shown["bubble"], chosen["text"])

    def test_template_form_preview_is_the_server_preview(self):
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        url = (
            f"/odoo/action-sicantik_whatsapp.sicantik_whatsapp_template_master_action/{template.id}"
        )
        # The tour ends with "Send test": the server sends through its (fake) transport.
        with self.mock_transport(responses=[fonnte_ok("888")]) as fake:
            shown = self._run_tour(url, "sicantik_whatsapp_template_preview")
        self.assertEqual(len(fake.requests), 1)
        sent = fake.requests[0]
        self.assertEqual(
            sent["headers"]["Authorization"],
            SECRETS["token"],
            "the server sends with the real token",
        )
        message = self.env["sicantik.whatsapp.message"].search(
            [("partner_id", "=", self.partner_gateway.id)]
        )
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_message_id, "888")

        # The tour typed a new body (previewed live) and saved it: the server now has it.
        self.env.invalidate_all()
        self.assertIn("sudah terbit. Silakan ambil di {{office_name}}.", template.body)
        self.assertEqual(shown["sample"], f"partner_{self.partner_gateway.id}")
        values = dict(
            template._sample_values(self.partner_gateway), permit_number="503/PBG/2026/0142"
        )
        self.assertEqual(shown["values"], values)
        server = self.dispatcher.preview(self.partner_gateway, template.code, values)
        self.assertEqual(server["decision"]["provider"], self.fonnte._engine_id())
        self.assertIn("503/PBG/2026/0142", shown["providers"][self.fonnte._engine_id()]["body"])
        self.assertSamePreview(shown, server)
        # ...and what it sent is what the browser previewed, but for the real token and the
        # citizen's own consent link (the preview shows an example one).
        masked = server["providers"][
            [p["provider"] for p in server["providers"]].index(self.fonnte._engine_id())
        ]
        self.assertEqual(sent["url"], masked["request"]["url"])
        self.consent_tokens(request_text(sent), self.partner_gateway)
        sent_body = re.sub(r"consent/[A-Za-z0-9_-]+", "consent/CONTOH", sent["body"])
        self.assertEqual(sent_body, masked["request"]["body"])

    def test_wizard_preview_is_the_server_preview(self):
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        url = (
            f"/odoo/action-sicantik_whatsapp.sicantik_whatsapp_template_master_action/{template.id}"
        )
        shown = self._run_tour(url, "sicantik_whatsapp_wizard_preview")
        values = json.loads(template._sample_values_json(self.partner_gateway))
        server = self.dispatcher.preview(self.partner_gateway, template.code, values, self.watzap)
        self.assertEqual(server["decision"]["provider"], self.watzap._engine_id())
        self.assertSamePreview(shown, server)

    def test_positional_template_asks_for_its_values(self):
        """``Yth. {{1}}, izin {{2}}`` typed in the form: the widget asks for ``1`` and ``2`` (the
        engine's ``describeTemplate``) and previews them; discarded, nothing is saved."""
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        body = template.body
        url = (
            f"/odoo/action-sicantik_whatsapp.sicantik_whatsapp_template_master_action/{template.id}"
        )
        self.start_tour(url, "sicantik_whatsapp_positional_preview", login="admin", timeout=180)
        self.env.invalidate_all()
        self.assertEqual(template.body, body)

    def test_hoot_unit_tests(self):
        """The widget's and the service's hoot tests (only this module's: Odoo's own suite has
        unrelated failures with this Chromium)."""
        self.browser_js(
            "/web/tests?headless&loglevel=2&timeout=15000"
            "&filter=%2F%5E%40sicantik_whatsapp%5C%2F%2F",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] test suite succeeded",
            error_checker=unit_test_error_checker,
        )


@tagged("post_install", "-at_install")
class TestPreviewTranslations(TransactionCase):
    """The widget's sentences (engine error codes, trace, labels) are translated to Indonesian
    for the web client (``#. odoo-javascript`` entries of ``i18n/id.po``)."""

    def _web_terms(self):
        messages = code_translations.get_web_translations("sicantik_whatsapp", "id_ID")["messages"]
        return {m["id"]: m["string"] for m in messages}

    def test_no_widget_term_copies_an_engine_sentence(self):
        """The widget words engine codes from the catalogue the server sends (in the user's
        language): no ``_t`` term of the web client repeats one of the catalogue's sentences."""
        codes = self.env["sicantik.whatsapp.catalogue"]._codes()
        sentences = {entry[lang] for entry in codes.values() for lang in ("en", "id")}
        terms = self._web_terms()
        self.assertGreater(len(terms), 20)
        self.assertFalse(sorted(set(terms) & sentences))
        self.assertFalse(sorted(set(terms.values()) & sentences))

    def test_every_widget_term_is_translated(self):
        terms = self._web_terms()
        src = file_path("sicantik_whatsapp/static/src")
        literals = set()
        for root, _dirs, files in os.walk(src):
            for name in files:
                if name.endswith(".js"):
                    with open(os.path.join(root, name), encoding="utf-8") as f:
                        literals.update(re.findall(r'_t\(\s*"((?:[^"\\]|\\.)*)"', f.read()))
        # (The engine's codes are worded by its catalogue, not by _t terms: issue 14.)
        self.assertGreater(len(literals), 20)
        missing = sorted(t for t in literals if not terms.get(t))
        self.assertFalse(
            missing, "JS terms without Indonesian translation (re-export the .pot, fill id.po)"
        )
        with file_open("sicantik_whatsapp/i18n/sicantik_whatsapp.pot", "rb") as f:
            rows = list(TranslationFileReader(f, fileformat="po"))
        web_rows = [r["src"] for r in rows if "odoo-javascript" in r.get("comments", [])]
        self.assertFalse(sorted(t for t in web_rows if not terms.get(t)))
