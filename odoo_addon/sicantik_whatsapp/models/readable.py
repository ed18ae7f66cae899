# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An HTTP request or response as a person reads it: the engine's masked ``{method, url,
headers, body}`` (or ``{status, headers, body}``) with a JSON body indented, a form body one field
a line, and an HTML page (a gateway's error page) reduced to its text: never rendered, never one
escaped line wider than the dialog. Presentation only: nothing here decides anything."""

import json
import logging
import re
from urllib.parse import parse_qsl

from odoo.tools import html2plaintext

_logger = logging.getLogger(__name__)

#: What a page holds that is not its text.
_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)

#: Longer bodies are cut: a screen is not an archive (the raw text stays in the technical tab).
MAX_BODY_CHARS = 20000


def _looks_like_html(text):
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body")) or (
        head.startswith("<") and ("</" in text[:5000].lower() or "<br" in head)
    )


def readable_body(body, content_type=""):
    """``body`` (text) laid out for reading; ``""`` for an empty body."""
    if not body:
        return ""
    if not isinstance(body, str):
        return json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True)
    text = body[:MAX_BODY_CHARS]
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            return json.dumps(json.loads(stripped), indent=2, ensure_ascii=False, sort_keys=True)
        except ValueError:
            _logger.debug("A body that looks like JSON is not: shown as text")
    if _looks_like_html(stripped):
        return html2plaintext(_SCRIPT_STYLE.sub("", stripped)).strip()
    if "x-www-form-urlencoded" in (content_type or "").lower():
        fields = parse_qsl(stripped, keep_blank_values=True)
        if fields:
            return "\n".join(f"{k}: {v}" for k, v in fields)
    return text


def readable_http(exchange):
    """A masked request or response (dict, or its JSON text) as lines; ``False`` when empty."""
    if exchange in (None, False, ""):
        return False
    if isinstance(exchange, str):
        try:
            exchange = json.loads(exchange)
        except ValueError:
            return readable_body(exchange)
    if not isinstance(exchange, dict):
        return readable_body(exchange)
    headers = exchange.get("headers") or {}
    lines = []
    if exchange.get("method") or exchange.get("url"):
        lines.append(" ".join(filter(None, [exchange.get("method"), exchange.get("url")])))
    elif exchange.get("status") is not None:
        lines.append(f"HTTP {exchange['status']}")
    lines += [f"{k}: {v}" for k, v in sorted(headers.items())]
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    body = readable_body(exchange.get("body"), content_type)
    if body:
        lines += ["", body]
    return "\n".join(lines)
