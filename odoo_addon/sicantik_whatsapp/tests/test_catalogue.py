# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engine's catalogue in Odoo: every code has its sentences, the shared fixtures' steps and
errors give their arguments (catalogue_walk.py, the rules of every host), and the message form,
the widget and the chatter read in the viewer's language from it."""

import glob
import json
import logging
import os

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..engine.host import EngineError, get_engine
from . import catalogue_walk as walk
from .common import SicantikWhatsappCommon, fonnte_ok
from .test_fault_matrix import ROOT

_logger = logging.getLogger(__name__)


def _transcripts():
    """``(file name, suite)`` of every shared transcript (tests/fixtures/README.md)."""
    if not ROOT:
        return []
    suites = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "*.json"))):
        with open(path, encoding="utf-8") as f:
            suite = json.load(f)
        if "cases" in suite:
            suites.append((os.path.basename(path), suite))
    return suites


def _answers(engine, suite, case):
    """Every answer and error of a case's steps (its ``setup``, else the file's, then its
    ``steps``) in a fresh host, as tests/python/test_fixtures.py's ``call`` runs them; the
    addon cannot import that file (no repository, no pytest in Odoo's environment)."""
    handle, out = None, []
    for step in case.get("setup", suite.get("setup", [])) + case["steps"]:
        op, args = step["op"], step.get("args")
        try:
            if op == "configure":
                handle = None  # a refused configuration leaves none
                handle = engine.configured(args, key=json.dumps(args, sort_keys=True))
                handle.configure()
                out.append({})
            else:
                out.append((handle or engine).call(op, args))
        except EngineError as e:
            out.append({"error": {"code": e.code, "message": e.message, "args": e.fields}})
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
        suites = _transcripts()
        if not suites:
            self.skipTest("not run from the repository: no shared fixtures")
        expected = set()
        problems, checked = [], set()
        engine = get_engine()
        for name, suite in suites:
            walk.engine_codes_in(suite["cases"], self.catalogue, expected)
            for case in suite["cases"]:
                for item in walk.steps_and_errors(_answers(engine, suite, case)):
                    problem = walk.code_problem(item, self.catalogue)
                    if problem:
                        problems.append(f"{name} › {case['name']}: {problem}")
                    checked.add(item["code"])
        self.assertEqual(sorted(c for c in expected if c not in self.catalogue["codes"]), [])
        self.assertEqual(problems, [])
        # Every op of the transcripts, as the node and Python hosts run them.
        self.assertGreater(len(checked), 40, sorted(checked))
        _logger.info(
            "catalogue: %d expected codes, %d codes of trace steps and errors checked",
            len(expected),
            len(checked),
        )

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
        context = self.env["sicantik.whatsapp.template.master"]._preview_context(
            template, self.partner_gateway
        )
        self.assertEqual(context["catalogue"]["codes"], self.catalogue["codes"])

    def test_a_profile_takes_the_engines_default_timeout(self):
        """A new profile's timeout is the catalogue's; an unset one is left to the engine."""
        provider = self.env["sicantik.whatsapp.provider"].create(
            {"name": "Fonnte timeout", "kind": "fonnte"}
        )
        self.assertEqual(provider.timeout * 1000, self.catalogue["defaults"]["timeoutMs"])
        provider.timeout = 0
        self.assertIsNone(provider._engine_config()["timeoutMs"])

    def test_an_empty_graph_api_version_shows_the_engines(self):
        provider = self.env["sicantik.whatsapp.provider"].create(
            {"name": "Meta version", "kind": "meta"}
        )
        self.assertFalse(provider.api_version)
        self.assertEqual(provider.engine_api_version, self.catalogue["defaults"]["metaApiVersion"])
        self.assertIsNone(provider._engine_config()["apiVersion"])

    def test_a_profile_gives_the_engine_its_kinds_credentials_by_the_catalogues_names(self):
        """The engine's names come from the catalogue (``accessToken`` is ``access_token``);
        a field of another kind, left from before, does not reach the engine."""
        provider = self.env["sicantik.whatsapp.provider"].create(
            {
                "name": "Meta names",
                "kind": "meta",
                "access_token": "EAAG-names",
                "phone_number_id": "100200300",
                "token": "left-from-fonnte",
            }
        )
        [meta] = [k for k in self.catalogue["credentials"] if k["kind"] == "meta"]
        credentials = provider._engine_config()["credentials"]
        self.assertEqual(
            credentials,
            {
                "accessToken": "EAAG-names",
                "phoneNumberId": "100200300",
                # (given a fresh one on creation; the engine reads what it sends with)
                "webhookVerifyToken": provider.webhook_verify_token,
            },
        )
        self.assertLessEqual(set(credentials), {f["name"] for f in meta["fields"]})

    def test_a_profile_needs_the_credentials_the_catalogue_requires(self):
        """*Tandai terkonfigurasi* asks for exactly the credentials the engine cannot send
        without (the catalogue's ``required``), by their labels."""
        provider = self.env["sicantik.whatsapp.provider"].create(
            {"name": "Watzap required", "kind": "watzap", "api_key": "wz-key"}
        )
        [watzap] = [k for k in self.catalogue["credentials"] if k["kind"] == "watzap"]
        self.assertEqual(
            provider._required_credential_fields(),
            ["api_key", "number_key"],
            [f for f in watzap["fields"] if f["required"]],
        )
        label = provider._fields["number_key"].get_description(self.env)["string"]
        with self.assertRaisesRegex(UserError, label):
            provider.action_mark_configured()
        provider.number_key = "wz-number"
        provider.action_mark_configured()
        self.assertEqual(provider.state, "configured")

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
        # An attempt says what its classification means in the catalogue's words, with its code.
        attempt = indonesian.attempt_ids[:1]
        self.assertEqual(attempt.classification, "accepted")
        self.assertEqual(attempt.outcome_text, codes["classification.accepted"]["id"])
        self.assertEqual(
            english.attempt_ids[:1].outcome_text, codes["classification.accepted"]["en"]
        )
        # An Odoo-side code keeps its stored words.
        message._fail("outbox.cancelled", "Cancelled by Admin.")
        self.assertEqual(indonesian.error_text, "Cancelled by Admin.")
