# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The exceptions of the engine host (plain Python, no Odoo import)."""


class EngineUnavailable(Exception):
    """The engine cannot be loaded (``wasmtime`` missing, Wasm file missing or broken).

    The message is English and says what to do; UIs translate a short lead-in and show it.
    """


class EngineError(Exception):
    """An error answered by the engine, with its stable ``code`` (``phone.invalid``...) and, when
    the engine has one, a ``suggestion``: the corrected input the person probably meant (e.g.
    ``0812…`` for ``phone.trunk_zero_doubled``). ``fields`` are the arguments of the code's
    catalogue sentence (``{"template": …, "param": …}``): fill the sentence from them, never
    parse ``message`` (``args`` is Python's own tuple of an exception)."""

    def __init__(self, code, message, suggestion=None, fields=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.suggestion = suggestion
        self.fields = fields or {}


class TransportFailure(Exception):
    """No HTTP response was obtained.

    ``kind`` is ``connect`` (nothing was sent), ``timeout`` or ``other``; ``maybe_sent`` says
    whether the provider may have received the request. It decides between falling back to the
    next provider (``False``) and stopping with an ``unknown`` outcome (``True``).
    """

    def __init__(self, kind, maybe_sent, message=""):
        super().__init__(message or kind)
        self.kind = kind
        self.maybe_sent = bool(maybe_sent)
        self.message = message or kind

    def to_engine(self):
        return {"kind": self.kind, "maybeSent": self.maybe_sent, "message": self.message}


class PaceDeferred(Exception):
    """A pacer refused to wait for ``provider``'s next slot (``at_ms``) before a dispatch's first
    request. Nothing was sent: the caller may queue the notification for that time."""

    def __init__(self, provider, at_ms):
        super().__init__(f"{provider}: next slot at {at_ms}")
        self.provider = provider
        self.at_ms = int(at_ms)
