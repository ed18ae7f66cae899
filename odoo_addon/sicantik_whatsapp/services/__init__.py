# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python services of the sending models (not models): access to the engine and its
configuration, the transport choice and the database-wide pacing. They take an ``env``; the
models keep thin methods delegating to them (hooks tests replace)."""
