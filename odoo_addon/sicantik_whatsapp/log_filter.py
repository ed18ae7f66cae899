# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Secrets out of Odoo's access log.

The Fonnte webhook token (``?token=``, Fonnte cannot send a header) and Meta's verify token
(``?hub.verify_token=``) travel in the URL, and Odoo logs every request line through werkzeug's
``werkzeug`` logger. A filter on that logger masks them (and the consent link's signed token in
its path) before any handler writes the line. Installed when the addon is imported, i.e. in each
process that serves the addon's routes.
"""

import logging
import re

from .engine.host import EngineUnavailable, get_engine

#: The engine's mask, read from its catalogue on the first line to mask (not at import: loading
#: the engine in Odoo's parent process before it forks its workers would share its state).
_mask = []
#: The addon's routes: other lines are left alone.
_PREFIX = "/sicantik_whatsapp/"
_QUERY_SECRET = re.compile(
    r"([?&](?:hub(?:\.|%2[eE])verify_token|token|secret|secret_key|webhook_secret)=)[^&\s\"#]*"
)
_CONSENT_TOKEN = re.compile(r"(/sicantik_whatsapp/consent/)[^/?\s\"#]+")


def secret_mask():
    """What replaces a secret: the engine's mask (its catalogue's ``secretMask``); without an
    engine the secret is simply removed."""
    if not _mask:
        try:
            _mask.append(get_engine().catalogue()["defaults"]["secretMask"])
        except EngineUnavailable:
            return ""
    return _mask[0]


def __getattr__(name):
    # ``MASK``: the engine's mask, as tests and callers name it.
    if name == "MASK":
        return secret_mask()
    raise AttributeError(name)


def mask_secrets(text):
    """``text`` with the addon's URL secrets replaced by the engine's mask."""
    if _PREFIX not in text:
        return text
    mask = secret_mask()
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + mask, text)
    return _CONSENT_TOKEN.sub(lambda m: m.group(1) + mask, text)


class SecretUrlFilter(logging.Filter):
    def filter(self, record):
        try:
            text = record.getMessage()
        except Exception:  # pylint: disable=broad-except
            return True  # a broken record is the logging module's to report
        masked = mask_secrets(text)
        if masked != text:
            record.msg, record.args = masked, ()
        return True


def install(logger_name="werkzeug"):
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, SecretUrlFilter) for f in logger.filters):
        logger.addFilter(SecretUrlFilter())
