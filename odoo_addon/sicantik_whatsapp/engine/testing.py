# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Test helpers for the engine host: a scripted transport and provider answers.

No Odoo import: usable from plain pytest and from Odoo tests (``tests/common.py`` wraps it).
"""

import json
from collections import deque

from .host import Transport, TransportFailure

__all__ = [
    "FakeTransport",
    "TransportFailure",
    "fonnte_ok",
    "fonnte_refused",
    "http_error",
    "meta_error",
    "meta_ok",
    "watzap_ok",
]


def _json_response(status, payload, headers=None):
    hdrs = {"content-type": "application/json"}
    hdrs.update(headers or {})
    return {"status": status, "headers": hdrs, "body": json.dumps(payload)}


def meta_ok(wamid="wamid.TEST1", to="6281234567890"):
    """Meta Cloud API: message accepted."""
    return _json_response(
        200,
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid, "message_status": "accepted"}],
        },
    )


def meta_error(code, message="error", status=400, details=""):
    """Meta Cloud API error answer (``code`` as in Meta's table: 131026, 190, 130429...)."""
    return _json_response(
        status,
        {
            "error": {
                "message": f"(#{code}) {message}",
                "type": "OAuthException",
                "code": code,
                "error_data": {"messaging_product": "whatsapp", "details": details or message},
                "fbtrace_id": "AbCdEf",
            }
        },
    )


def fonnte_ok(message_id="80367170", target="6281234567890"):
    """Fonnte: message queued (HTTP 200, ``status: true``)."""
    return _json_response(
        200,
        {
            "detail": "success! message in queue",
            "id": [message_id],
            "process": "pending",
            "requestid": 369052479,
            "status": True,
            "target": [target],
        },
    )


def fonnte_refused(reason="invalid token"):
    """Fonnte failure: HTTP 200 with ``status: false``."""
    return _json_response(200, {"reason": reason, "status": False, "requestid": 1})


def watzap_ok():
    """Watzap: ``status`` is the string ``"200"``; no message id."""
    return _json_response(200, {"status": "200", "message": "Successfully", "ack": "successfully"})


def http_error(status=503, body="Service Unavailable"):
    """A bare HTTP error (e.g. a provider down)."""
    return {"status": status, "headers": {"content-type": "text/plain"}, "body": body}


class FakeTransport(Transport):
    """A scripted :class:`~.host.Transport`.

    ``responses`` is a sequence consumed in order; each item is a response dict, a
    :class:`TransportFailure` (raised) or a callable ``item(request) -> response`` (which may
    raise).
    ``handler(request)`` answers every request once the sequence is used up; without it an
    exhausted script raises ``AssertionError``. ``requests`` records every request received (they
    hold credentials: tests only).
    """

    def __init__(self, responses=(), handler=None):
        self.script = deque(responses)
        self.handler = handler
        self.requests = []

    def push(self, *responses):
        self.script.extend(responses)
        return self

    def send(self, request):
        self.requests.append(request)
        if self.script:
            item = self.script.popleft()
        elif self.handler is not None:
            item = self.handler
        else:
            raise AssertionError(
                f"FakeTransport: unexpected request {request.get('method')} {request.get('url')}"
            )
        if isinstance(item, TransportFailure):
            raise item
        if callable(item):
            item = item(request)
        return item

    # -- inspection helpers ---------------------------------------------------------------------

    @property
    def urls(self):
        return [r.get("url") for r in self.requests]

    def bodies(self):
        return [r.get("body") or "" for r in self.requests]

    @staticmethod
    def timeout_after_send(message="read timeout"):
        return TransportFailure("timeout", True, message)

    @staticmethod
    def connection_refused(message="connection refused"):
        return TransportFailure("connect", False, message)
