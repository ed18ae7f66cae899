"""Crash test of the Odoo outbox (issue 13): real Odoo servers, `kill -9`, a hanging provider.

Run by scripts/odoo-crash-test.sh with Odoo's own Python (ODOO_PYTHON), on a database that script
created with the addon installed, against the provider simulator it started. Nothing here builds
or fetches Odoo: ``--odoo-src`` is put on ``sys.path`` and its ``odoo-bin`` is started.

Two scenarios, each counted at the simulator (every send request, by recipient):

``kill``  300 messages queued, one Odoo server (threaded, one cron thread) sends them through
          its cron against a slightly slow simulator; once some requests have arrived it is
          killed with SIGKILL mid-batch. The recovery cron's method runs (timeout 0: the killed
          worker is gone), the server is started again and finishes the outbox.
          PASS: 0 duplicates, 0 lost, ``unknown`` <= the messages in flight at the kill, and at
          most one ``unknown`` without a request at the simulator (the kill may fall between a
          mark's commit and its request).
``hang``  300 messages queued, Odoo prefork ``--workers=2`` with Odoo's cron limits (default,
          or ``--cron-limit`` seconds), the provider hangs on the first requests (each ends at
          the provider's 10 s timeout as ``unknown``: it left). PASS: 0 duplicates, 0 lost, no
          ``unknown`` without a request, no cron worker killed by Odoo's watchdog.

Prints a PASS/FAIL table; exit status 0 only if every row passes.
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench"))
import odoo_outbox  # noqa: E402  (the bench's Odoo set-up: simulator providers, citizens)


def log(*args):
    print("crash-test:", *args, file=sys.stderr, flush=True)


def sim(opts, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(opts.sim + path, data=data, method=method)
    if data:
        req.add_header("content-type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read().decode())


def digits(phone):
    d = re.sub(r"\D", "", str(phone or ""))
    return "62" + d[1:] if d.startswith("0") else d


def sim_sends(opts):
    """Send requests at the simulator by recipient: {phone: [fault or None, ...]}."""
    by_phone = {}
    for provider, field in (("meta", "to"), ("watzap", "phone_no"), ("fonnte", "target")):
        for rec in sim(opts, "GET", "/_sim/requests?provider=" + provider)["requests"]:
            if rec.get("endpoint") != "send":
                continue
            phone = digits((rec.get("body") or {}).get(field))
            by_phone.setdefault(phone, []).append(rec.get("fault"))
    return by_phone


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """An ``odoo-bin`` server of our own (own process group), log in ``log_path``."""

    def __init__(self, opts, args, log_path):
        self.port = free_port()
        cmd = [
            sys.executable,
            os.path.join(opts.odoo_src, "odoo-bin"),
            "-d",
            opts.db,
            "--db-filter",
            "^%s$" % re.escape(opts.db),
            "--addons-path",
            opts.addons_path,
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.port),
            "--gevent-port",
            str(free_port()),
            "--log-level",
            "info",
            "--without-demo",
            "all",
        ] + args
        self.log_path = log_path
        self.log = open(log_path, "a")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_up(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("odoo-bin exited (%s), see %s" % (self.proc.returncode, self.log_path))
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/web/health" % self.port, timeout=2).read()
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit("odoo-bin did not answer in %s s, see %s" % (timeout, self.log_path))

    def kill9(self):
        """SIGKILL to the server and (prefork) its workers: our own process group only."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def trigger(registry, odoo):
    """Trigger the outbox cron now (a NOTIFY wakes the servers' cron workers)."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["sicantik.whatsapp.outbox"]._trigger_outbox()


def counts(registry, ids):
    """States of ``ids``, and the ``sending`` ones split by in-flight mark."""
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT m.state, f.message_id IS NOT NULL, count(*)
              FROM sicantik_whatsapp_message m
              LEFT JOIN sicantik_whatsapp_message_flight f ON f.message_id = m.id
             WHERE m.id = ANY(%s) GROUP BY 1, 2
            """,
            (ids,),
        )
        out = {}
        for state, in_flight, n in cr.fetchall():
            out[state] = out.get(state, 0) + n
            if state == "sending":
                out["sending_in_flight" if in_flight else "sending_claimed"] = n
        return out


def wait_settled(registry, ids, timeout):
    """Until none of ``ids`` is queued, deferred or sending (or ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        c = counts(registry, ids)
        if not (c.get("queued") or c.get("deferred") or c.get("sending")):
            return c
        time.sleep(1)
    return counts(registry, ids)


def serve_until_settled(registry, odoo, opts, args, log_path, ids):
    """Start an Odoo server, wake its cron, wait until ``ids`` are settled, stop it."""
    server = Server(opts, args, log_path)
    try:
        server.wait_up()
        trigger(registry, odoo)
        return wait_settled(registry, ids, opts.timeout)
    finally:
        server.stop()


def final_rows(registry, opts, ids):
    """Per message: state and the number of send requests for its recipient at the simulator."""
    sends = sim_sends(opts)
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT m.id, m.state, p.mobile FROM sicantik_whatsapp_message m
              JOIN res_partner p ON p.id = m.partner_id WHERE m.id = ANY(%s)
            """,
            (ids,),
        )
        return [(mid, state, len(sends.get(digits(mobile), []))) for mid, state, mobile in cr.fetchall()], sends


def verdict(rows):
    """Rows (label, value, ok or None); prints the table, returns whether all passed."""
    ok = all(r[2] is not False for r in rows)
    width = max(len(r[0]) for r in rows)
    for label, value, passed in rows:
        mark = "" if passed is None else ("PASS" if passed else "FAIL")
        print("  %-*s  %8s  %s" % (width, label, value, mark), flush=True)
    return ok


def common_rows(messages, rows, stats):
    duplicates = sum(1 for _mid, _s, n in rows if n > 1)
    lost = sum(1 for _mid, state, n in rows if state not in ("sent", "unknown") or (state == "sent" and n == 0))
    unknown = sum(1 for _mid, state, _n in rows if state == "unknown")
    unknown_no_request = sum(1 for _mid, state, n in rows if state == "unknown" and n == 0)
    sent = sum(1 for _mid, state, _n in rows if state == "sent")
    return (
        [
            ("messages", messages, None),
            ("sent (once each at the simulator)", sent, None),
            ("duplicates at the simulator", max(duplicates, stats["duplicates"]), duplicates == 0 and stats["duplicates"] == 0),
            ("lost (not sent, not unknown)", lost, lost == 0),
        ],
        unknown,
        unknown_no_request,
    )


def wait_backends_gone(registry, timeout=60):
    """Wait until PostgreSQL has rolled back the killed server's transactions.

    A backend learns that its client died only when it next reads the socket; until then it
    keeps the claimed rows locked, and recovery (SKIP LOCKED) would pass them over.
    """
    deadline = time.monotonic() + timeout
    while True:
        with registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            busy = cr.fetchone()[0]
        if not busy:
            return
        if time.monotonic() > deadline:
            raise SystemExit("the killed server's transactions are still open after %ds" % timeout)
        time.sleep(0.2)


def scenario_kill(registry, odoo, opts, partner_ids):
    sim(opts, "POST", "/_sim/reset")
    sim(opts, "DELETE", "/_sim/stats")
    for provider in ("meta", "watzap"):  # a few ms per send: the batch is long enough to be hit
        sim(opts, "POST", "/_sim/faults", {"provider": provider, "fault": "slow", "endpoint": "send", "delayMs": 15})
    ids = odoo_outbox.enqueue(registry, odoo, partner_ids, "kill")
    server_args = ["--workers", "0", "--max-cron-threads", "1"]
    server = Server(opts, server_args, opts.log_dir + "/kill-1.log")
    try:
        server.wait_up()
        trigger(registry, odoo)
        deadline = time.monotonic() + 180
        received = 0
        while time.monotonic() < deadline:
            stats = sim(opts, "GET", "/_sim/stats")
            received = stats["meta"]["received"] + stats["watzap"]["received"]
            if received >= opts.kill_after:
                break
            time.sleep(0.02)
        server.kill9()
    except BaseException:
        server.stop()
        raise
    at_kill = counts(registry, ids)
    log("killed after %d requests: %s" % (received, at_kill))
    in_flight = at_kill.get("sending_in_flight", 0)
    claimed = at_kill.get("sending_claimed", 0)
    wait_backends_gone(registry)
    # Recovery takes claims older than now minus its timeout, and Odoo's now has whole seconds:
    # with timeout 0, a claim made in the current second is not yet stuck.
    time.sleep(1.1)
    with registry.cursor() as cr:  # the recovery cron's job (the killed worker is gone: no wait)
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        settled = env["sicantik.whatsapp.outbox"]._cron_recover_stuck(timeout_minutes=0)
    log("recovery settled %d messages: %s" % (settled, counts(registry, ids)))
    final = serve_until_settled(registry, odoo, opts, server_args, opts.log_dir + "/kill-2.log", ids)
    log("after restart: %s" % final)
    rows, _sends = final_rows(registry, opts, ids)
    table, unknown, unknown_no_request = common_rows(len(ids), rows, sim(opts, "GET", "/_sim/stats"))
    return table + [
        ("requests at the kill", received, received > 0),
        ("claimed, never sent, at the kill (queued again)", claimed, None),
        ("in flight at the kill (marked, no outcome)", in_flight, None),
        ("unknown", unknown, unknown <= in_flight),
        ("unknown without a request (<= 1 killed worker)", unknown_no_request, unknown_no_request <= 1),
    ]


def scenario_hang(registry, odoo, opts, partner_ids):
    sim(opts, "POST", "/_sim/reset")
    sim(opts, "DELETE", "/_sim/stats")
    per_provider = opts.hangs // 2
    for provider in ("meta", "watzap"):  # no answer at all: the transport's timeout ends them
        sim(
            opts,
            "POST",
            "/_sim/faults",
            {"provider": provider, "fault": "slow", "endpoint": "send", "delayMs": 600000, "times": per_provider},
        )
    ids = odoo_outbox.enqueue(registry, odoo, partner_ids, "hang")
    args = ["--workers", "2", "--max-cron-threads", "2"]
    if opts.cron_limit:
        args += ["--limit-time-real-cron", str(opts.cron_limit)]
    log_path = opts.log_dir + "/hang.log"
    final = serve_until_settled(registry, odoo, opts, args, log_path, ids)
    log("hanging provider: %s" % final)
    rows, sends = final_rows(registry, opts, ids)
    table, unknown, unknown_no_request = common_rows(len(ids), rows, sim(opts, "GET", "/_sim/stats"))
    hung = sum(faults.count("slow") for faults in sends.values())
    with open(log_path) as f:
        text = f.read()
    killed = len(re.findall(r"WorkerCron \(\d+\) timeout after", text))
    handovers = text.count("time budget used")
    return table + [
        ("requests that hung (timed out: unknown)", hung, hung > 0),
        ("unknown", unknown, unknown == hung),
        ("unknown without a request", unknown_no_request, unknown_no_request == 0),
        ("cron workers killed by the watchdog", killed, killed == 0),
        ("batches handed over (time budget)", handovers, None),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--sim", required=True)
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--scenarios", default="kill,hang")
    parser.add_argument("--kill-after", type=int, default=70, help="requests before the kill")
    parser.add_argument("--hangs", type=int, default=12, help="requests that hang (hang scenario)")
    parser.add_argument("--cron-limit", type=int, default=0, help="--limit-time-real-cron (0: Odoo's default)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds to wait for the outbox to empty")
    opts = parser.parse_args()
    odoo, registry = odoo_outbox.odoo_env(opts)
    partner_ids = odoo_outbox.setup(registry, odoo, opts)
    with registry.cursor() as cr:  # only the outbox cron matters here; keep the rest quiet
        cr.execute(
            "UPDATE ir_cron SET active = false WHERE id NOT IN (SELECT res_id FROM ir_model_data "
            "WHERE model = 'ir.cron' AND module = 'sicantik_whatsapp')"
        )
    all_ok = True
    for name in [s for s in opts.scenarios.split(",") if s]:
        log("scenario %s" % name)
        rows = {"kill": scenario_kill, "hang": scenario_hang}[name](registry, odoo, opts, partner_ids)
        print("%s:" % {"kill": "kill -9 mid-batch, restart", "hang": "hanging provider, --workers=2"}[name])
        all_ok = verdict(rows) and all_ok
    print("PASSED" if all_ok else "FAILED", flush=True)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
