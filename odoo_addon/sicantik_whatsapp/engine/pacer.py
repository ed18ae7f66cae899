# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Gateway pacing for one process, and the wall clock the host gives the engine."""

import threading
import time

from .errors import PaceDeferred


def now_ms():
    return int(time.time() * 1000)


class Pacer:
    """Gateway pacing for one process: each rate-limited provider's next free time in memory.

    Before each request, :meth:`ConfiguredEngine.dispatch` calls ``pacer.before_send(engine,
    provider, first)``; the engine's ``pace`` op computes the slot (strict spacing of
    ``ceil(60000 / ratePerMinute)`` ms) and this object sleeps until it. Reserving moves the next
    free time on at once, so threads sending to the same provider queue behind each other.
    ``max_wait_ms`` bounds the wait before a dispatch's *first* request: beyond it
    :class:`PaceDeferred` is raised instead (nothing was sent yet). Several processes need a
    shared store instead (the Odoo addon keeps the next free time in the database).
    """

    def __init__(self, max_wait_ms=None, sleep=time.sleep, clock=None):
        self.max_wait_ms = max_wait_ms
        self._sleep = sleep
        self._clock = clock or now_ms
        self._next_free = {}
        self._lock = threading.Lock()

    #: A send waking up later than this after its slot (or 5 % of the interval, if more) takes a
    #: new one (at most ``late_retries`` times): a late thread never leaves right next to the
    #: following slot's owner.
    late_ms = 3
    late_retries = 3

    def before_send(self, engine, provider, first):
        """Wait for ``provider``'s next slot; returns the milliseconds waited."""
        if not engine.rate_per_minute(provider):
            return 0
        waited = 0
        for retry in range(self.late_retries + 1):
            with self._lock:
                slot = engine.pace(provider, self._clock(), self._next_free.get(provider))
                if first and self.max_wait_ms is not None and slot["waitMs"] > self.max_wait_ms:
                    raise PaceDeferred(provider, slot["atMs"])
                self._next_free[provider] = slot["nextFreeMs"]
            wait = slot["atMs"] - self._clock()
            if wait > 0:
                self._sleep(wait / 1000.0)
                waited += wait
            late_ok = max(self.late_ms, slot["intervalMs"] // 20)
            if self._clock() - slot["atMs"] <= late_ok or retry == self.late_retries:
                break
        return waited
