# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engine's words in the viewer's language.

Records keep the engine's codes and arguments (a trace step, an error); the text people read is
computed when they read it, from the engine's catalogue (``catalogue`` op: every code's Indonesian
and English sentence with ``{arg}`` placeholders, the defaults). Nothing here holds a sentence of
an engine code or one of its defaults.
"""

import re

from odoo import api, models

from ..engine.host import EngineUnavailable, get_engine
from ..services import engine_access

# A named argument in a catalogue sentence (`{provider}`).
_SENTENCE_ARG = re.compile(r"\{(\w+)\}")

#: Per language, the catalogue's sentences of that language only (``{code: (sentence, args)}``):
#: filled once per process, the catalogue never changes while the engine is loaded.
_PER_LANG = {}


def catalogue_lang(lang):
    """The catalogue language of an Odoo language code: Indonesian, else English."""
    return "id" if (lang or "").startswith("id") else "en"


def fill(sentence, args):
    """``sentence`` with each ``{arg}`` replaced by ``args[arg]``; an argument that is missing
    (or empty) keeps its ``{arg}``, which a test of every host treats as a bug."""

    def one(match):
        value = args.get(match.group(1))
        return match.group(0) if value in (None, "") else str(value)

    return _SENTENCE_ARG.sub(one, sentence)


def missing_args(sentence, args):
    """The arguments ``sentence`` names that ``args`` lacks (or has empty)."""
    return [n for n in _SENTENCE_ARG.findall(sentence) if args.get(n) in (None, "")]


class SicantikWhatsappCatalogue(models.AbstractModel):
    _name = "sicantik.whatsapp.catalogue"
    _description = "WhatsApp Engine Catalogue"

    @api.model
    def _engine(self):
        """The process-wide engine, or a ``UserError`` saying what to install."""
        return engine_access.wasm(self.env)

    @api.model
    def _lang(self):
        """The catalogue language for this user: Indonesian, else English."""
        return catalogue_lang(self.env.lang)

    @api.model
    def _codes(self):
        """Every code's entry ``{"args", "id", "en"}``, as the engine answers it."""
        return self._engine().catalogue()["codes"]

    @api.model
    def _sentences(self, lang=None):
        lang = lang or self._lang()
        table = _PER_LANG.get(lang)
        if table is None:
            table = _PER_LANG[lang] = {code: entry[lang] for code, entry in self._codes().items()}
        return table

    @api.model
    def _sentence(self, code, args=None, default=None):
        """The sentence of ``code`` in the user's language, each ``{arg}`` filled from ``args``;
        ``default`` when the catalogue has no such code (a provider's own error code)."""
        sentence = self._sentences().get(code)
        if sentence is None:
            return default
        args = args or {}
        # A sentence with an argument left unfilled (an older record, an issue without its
        # arguments) says less than the engine's own words: those are shown instead.
        if default is not None and missing_args(sentence, args):
            return default
        return fill(sentence, args)

    @api.model
    def _default(self, name):
        """One of the engine's defaults (``country``, ``optInText``, ``metaApiVersion``,
        ``timeoutMs``, ``secretMask``…); ``False`` when the engine is not installed."""
        try:
            return get_engine().catalogue()["defaults"][name]
        except EngineUnavailable:
            return False

    @api.model
    def _provider_name(self, engine_id):
        """The name of the profile the engine calls ``engine_id`` (the id itself when gone)."""
        provider = self.env["sicantik.whatsapp.provider"].sudo()._from_engine_id(engine_id)
        return provider.name or engine_id

    @api.model
    def _step_args(self, step):
        """A trace step's sentence arguments: its ``args`` and its provider's name."""
        args = dict(step.get("args") or {})
        if step.get("provider"):
            args.setdefault("provider", self._provider_name(step["provider"]))
        return args

    @api.model
    def _trace_text(self, trace):
        """A decision's trace as numbered lines in the user's language, each with its code (the
        code is what support searches for)."""
        return "\n".join(
            "{}. {} [{}]".format(
                i,
                self._sentence(step.get("code"), self._step_args(step), step.get("message")),
                step.get("code"),
            )
            for i, step in enumerate(trace or [], 1)
        )

    @api.model
    def _error_text(self, code, message=None, args=None):
        """An engine error (or an outcome's code) as a sentence in the user's language; the
        stored ``message`` when the code is a provider's own (``meta.131026``)."""
        if not code:
            return message or False
        args = dict(args or {})
        # A bad number's reason has its own code and arguments (``reasonCode``): its sentence,
        # without its full stop, replaces the engine's English words inside the error's.
        reason = args.get("reasonCode") and self._sentence(args["reasonCode"], args)
        if reason:
            args["reason"] = reason.rstrip(".")
        text = self._sentence(code, args, default=message or code)
        # A corrected input, when the engine has one, has its own sentence.
        if args and args.get("suggestion"):
            text = f"{text} {self._sentence('phone.suggestion', args)}"
        return text
