# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Transports: what performs an engine ``HttpRequest`` (plain Python, no Odoo import)."""

import threading
import time

from .errors import TransportFailure


class Transport:
    """Performs one engine ``HttpRequest`` and returns an ``HttpResponse``.

    ``request`` is ``{"method", "url", "headers", "body", "timeoutMs"}``; the result must be
    ``{"status": int, "headers": {str: str}, "body": str}``. Raise :class:`TransportFailure` when
    no response was obtained. Requests carry real credentials: never log them.
    """

    def send(self, request):
        raise NotImplementedError


class RequestsTransport(Transport):
    """Transport over the ``requests`` library (imported lazily).

    Without an explicit ``session``, requests go through one ``requests.Session`` per thread, so
    consecutive sends reuse their TCP (and TLS) connection instead of opening one per message.
    """

    #: A pooled connection idle for longer than this is not reused. Servers close idle keep-alive
    #: connections (node's default: after 5 s), and a POST written into a connection the server is
    #: closing fails like a dropped request, i.e. "maybe sent": an unknown outcome for nothing.
    KEEP_ALIVE_IDLE_S = 2.0
    _local = threading.local()

    def __init__(self, session=None):
        self._session = session

    @classmethod
    def _thread_session(cls, requests):
        local = cls._local
        session = getattr(local, "session", None)
        if session is not None and time.monotonic() - local.last_used > cls.KEEP_ALIVE_IDLE_S:
            session.close()
            session = None
        if session is None:
            # pylint: disable-next=import-outside-toplevel
            from http.cookiejar import DefaultCookiePolicy

            session = local.session = requests.Session()
            # Providers' cookies are never sent back: each request stands alone, as without a
            # session.
            session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        return session

    @classmethod
    def _release(cls, failed):
        local = cls._local
        if failed and getattr(local, "session", None) is not None:
            # A broken exchange: start the next one on fresh connections.
            local.session.close()
            local.session = None
        local.last_used = time.monotonic()

    def send(self, request):
        import requests  # pylint: disable=import-outside-toplevel

        shared = self._session is None
        session = self._session or self._thread_session(requests)
        try:
            response = self._send(requests, session, request)
        except BaseException:
            if shared:
                self._release(failed=True)
            raise
        if shared:
            self._release(failed=False)
        return response

    def _send(self, requests, session, request):
        timeout_ms = request.get("timeoutMs")
        if not isinstance(timeout_ms, int) or isinstance(timeout_ms, bool) or timeout_ms <= 0:
            # The engine writes the timeout into every request it builds; without one the wait
            # would have no end. Nothing has left yet.
            raise TransportFailure("connect", False, "the request carries no timeoutMs")
        timeout = timeout_ms / 1000.0
        body = request.get("body")
        try:
            resp = session.request(
                request.get("method") or "POST",
                request["url"],
                headers=request.get("headers") or {},
                data=body.encode("utf-8") if isinstance(body, str) else body,
                timeout=timeout,
                allow_redirects=False,
            )
        except requests.exceptions.ConnectTimeout as e:
            # The TCP connection was never established: nothing reached the provider.
            raise TransportFailure(
                "connect", False, f"connection timed out: {_safe_reason(e)}"
            ) from None
        except requests.exceptions.ReadTimeout as e:
            # The request left; the provider may have taken it.
            raise TransportFailure(
                "timeout", True, f"no answer in time: {_safe_reason(e)}"
            ) from None
        except requests.exceptions.SSLError as e:
            raise TransportFailure("other", False, f"TLS error: {_safe_reason(e)}") from None
        except requests.exceptions.ConnectionError as e:
            # Refused / DNS failures happen before sending; a reset in the middle of the exchange
            # (ProtocolError, "Connection aborted") may happen after the provider got the request.
            maybe_sent = _looks_mid_exchange(e)
            kind = "other" if maybe_sent else "connect"
            raise TransportFailure(
                kind, maybe_sent, f"connection failed: {_safe_reason(e)}"
            ) from None
        except requests.exceptions.RequestException as e:
            raise TransportFailure("other", True, f"request failed: {_safe_reason(e)}") from None
        except UnicodeError:
            # A header (a credential pasted with an invisible character) cannot be encoded: that
            # fails while the request is written, before any byte leaves. The exception's
            # arguments hold the header's text, so it goes no further.
            raise TransportFailure(
                "connect",
                False,
                "the request cannot be encoded (a credential with a non-ASCII character?)",
            ) from None
        return {
            "status": resp.status_code,
            "headers": dict(resp.headers.items()),
            "body": resp.text,
        }


def _safe_reason(exc):
    """The exception's class name only: urllib3 messages embed the URL, which may carry a token
    (Fonnte's GET variant, webhook secrets). Never the headers."""
    inner = exc.args[0] if exc.args else None
    reason = getattr(inner, "reason", None)
    return type(reason or inner or exc).__name__


def _looks_mid_exchange(exc):
    text = repr(exc.args[0] if exc.args else exc)
    return "Connection aborted" in text or "RemoteDisconnected" in text or "ProtocolError" in text
