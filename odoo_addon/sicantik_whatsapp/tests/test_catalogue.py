# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engine's catalogue in Odoo: every code has its sentences, the shared fixtures' steps and
errors give their arguments (catalogue_walk.py, the rules of every host), and the message form,
the widget and the chatter read in the viewer's language from it."""

import glob
import json
import os

from odoo.tests import tagged

from ..engine.host import EngineError, get_engine
from . import catalogue_walk as walk
from .common import SicantikWhatsappCommon, fonnte_ok
from .test_fault_matrix import ROOT


def _suites():
    if not ROOT:
        return []
    suites = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "*.json"))):
        with open(path, encoding="utf-8") as f:
            suites.append((os.path.basename(path), json.load(f)))
    return suites


def _merge_patch(target, patch):
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = _merge_patch(out.get(key), value)
    return out


@tagged("post_install", "-at_install")
class TestCatalogue(SicantikWhatsappCommon):
    def setUp(self):
        super().setUp()
        self.catalogue = get_engine().catalogue()

    def test_every_code_has_both_sentences(self):
        self.assertGreater(len(self.catalogue["codes"]), 60)
        self.assertEqual(walk.missing_sentences(self.catalogue), [])

    def test_every_fixture_code_and_argument_is_in_the_catalogue(self):
        suites = _suites()
        if not suites:
            self.skipTest("not run from the repository: no shared fixtures")
        expected = set()
        problems, checked = [], set()
        engine = get_engine()
        for name, suite in suites:
            walk.engine_codes_in(suite["cases"], self.catalogue, expected)
            for case in suite["cases"]:
                if not case.get("notification"):
                    continue
                config = _merge_patch(case.get("config", suite["config"]), case.get("configPatch"))
                try:
                    handle = engine.configured(config, key=json.dumps(config, sort_keys=True))
                    answer = {"decision": handle.decide(case["notification"])}
                except EngineError as e:
                    answer = {"error": {"code": e.code, "message": e.message, "args": e.fields}}
                for item in walk.steps_and_errors(answer):
                    problem = walk.code_problem(item, self.catalogue)
                    if problem:
                        problems.append(f"{name} › {case['name']}: {problem}")
                    checked.add(item["code"])
        self.assertEqual(sorted(c for c in expected if c not in self.catalogue["codes"]), [])
        self.assertEqual(problems, [])
        # Decisions only (the node and Python hosts run every op of the fixtures).
        self.assertGreater(len(checked), 10, sorted(checked))

    def test_the_checks_can_fail(self):
        broken = json.loads(json.dumps(self.catalogue))
        broken["codes"]["route.selected"]["en"] = " "
        self.assertEqual(walk.missing_sentences(broken), ["route.selected: no en sentence"])
        step = {"code": "route.fallback", "provider": "meta", "args": {}}
        self.assertIn("lacks {number}", walk.code_problem(step, self.catalogue))

    def test_every_sentence_fills_in_both_languages(self):
        """Odoo's reading of the catalogue (sicantik.whatsapp.catalogue): each code's sentence
        with all its arguments given has none left, in Indonesian and in English."""
        self.env["res.lang"]._activate_lang("id_ID")
        for lang, key in (("id_ID", "id"), ("en_US", "en")):
            catalogue = self.env["sicantik.whatsapp.catalogue"].with_context(lang=lang)
            for code, entry in self.catalogue["codes"].items():
                args = {name: f"<{name}>" for name in entry["args"]}
                text = catalogue._sentence(code, args, default="")
                self.assertTrue(text, code)
                self.assertEqual(text, walk._ARG.sub(lambda m: f"<{m.group(1)}>", entry[key]))
        # A code the catalogue lacks (a provider's own) keeps the stored words.
        self.assertEqual(catalogue._error_text("meta.131026", "Not on WhatsApp"), "Not on WhatsApp")

    def test_the_widget_gets_the_whole_catalogue(self):
        """The OWL widget's words come from the catalogue the server sends with its context:
        every code, both languages."""
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        context = self.dispatcher._preview_context(template, self.partner_gateway)
        self.assertEqual(context["catalogue"]["codes"], self.catalogue["codes"])

    def test_message_reads_in_the_viewers_language(self):
        """The message stores codes and arguments; its decision and error are written when read,
        in the reader's language."""
        self.env["res.lang"]._activate_lang("id_ID")
        message, _fake = self.send(self.partner_gateway, responses=[fonnte_ok("1")])
        codes = self.catalogue["codes"]
        indonesian = message.with_context(lang="id_ID")
        english = message.with_context(lang="en_US")
        after_name = codes["route.skip_no_opt_in"]["id"].split("}", 1)[1]
        self.assertIn("Meta DPMPTSP" + after_name, indonesian.decision_text)
        self.assertIn("[route.skip_no_opt_in]", indonesian.decision_text)
        self.assertIn(
            "Meta DPMPTSP" + codes["route.skip_no_opt_in"]["en"].split("}", 1)[1],
            english.decision_text,
        )
        # An error with its arguments (a quiet-hours wait, a missing value) in both languages.
        message._fail("template.missing_param", "raw", {"template": "t1", "param": "nomor"})
        args = {"template": "t1", "param": "nomor"}
        self.assertEqual(
            indonesian.error_text,
            walk._ARG.sub(lambda m: args[m.group(1)], codes["template.missing_param"]["id"]),
        )
        self.assertIn("nomor", english.error_text)
        self.assertNotEqual(indonesian.error_text, english.error_text)
        # A corrected input has its own sentence, appended when the error has one.
        message._fail("phone.trunk_zero_doubled", "raw", {"input": "00812", "suggestion": "0812"})
        self.assertIn("00812", indonesian.error_text)
        self.assertTrue(indonesian.error_text.endswith("Maksud Anda 0812?"), indonesian.error_text)
        self.assertTrue(english.error_text.endswith("Did you mean 0812?"), english.error_text)
        # An Odoo-side code keeps its stored words.
        message._fail("outbox.cancelled", "Cancelled by Admin.")
        self.assertEqual(indonesian.error_text, "Cancelled by Admin.")
