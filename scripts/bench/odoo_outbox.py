"""Odoo outbox throughput (issue 7): the addon's cron against the provider simulator.

Run by scripts/bench/odoo-outbox.sh with Odoo's own Python (ODOO_PYTHON), on a database that
script created with the addon installed. Nothing here builds or fetches Odoo: ``--odoo-src`` is put
on ``sys.path`` and Odoo is imported from there.

    odoo_outbox.py --odoo-src DIR --addons-path PATHS --db DB --sim URL [--messages N] [--workers 1,2]

One round per worker count: N messages are enqueued (half to citizens who opted in, so Meta; half
to citizens without opt-in, so the Watzap gateway with the invitation link), then that many worker
processes are started. Each loads its own registry, warms the engine, waits for the go signal and
then calls ``_cron_process_outbox`` in its own cursor until nothing is ready, as Odoo's cron workers
do. The rate is messages / wall time from the go signal until the last worker saw an empty outbox.
Afterwards every message must be ``sent`` and the simulator must have accepted each recipient+text
exactly once. One JSON line per round on stdout (``dispatch.odoo.w1`` / ``dispatch.odoo.w2``).

``--pacing RATE`` adds a round with the gateway limited to RATE messages per minute
(``dispatch.odoo.pacing``): the spacing is read from the simulator's recorded arrival times.

``--composer N`` adds the list composer round (``dispatch.odoo.composer``): N permits of the example
addon (``sicantik_whatsapp_example``, installed by odoo-outbox.sh), the counts the composer shows
before sending, then *Send* (records prepared, planned by one ``planBatch``, queued), each timed
per record; then 2 workers drain the outbox as in the rounds above.

``worker`` is the internal mode of the worker processes.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request

SIM_CREDENTIALS = {
    "meta": {
        "access_token": "sim-meta-token",
        "phone_number_id": "100000000000001",
        "waba_id": "200000000000001",
    },
    "watzap": {"api_key": "sim-watzap-key", "number_key": "sim-watzap-number"},
}


#: The example addon's permits and the template bound to them (the list composer round).
PERMIT_MODEL = "sicantik.whatsapp.example.permit"
PERMIT_TEMPLATE = "sicantik_whatsapp.template_permit_ready"


def permit_vals(partner_id, number):
    return {"name": number, "partner_id": partner_id, "permit_type": "pbg", "state": "done"}


def log(*args):
    print("odoo-bench:", *args, file=sys.stderr, flush=True)


def odoo_env(opts):
    """Import Odoo from ``--odoo-src`` and return its registry for ``--db``."""
    sys.path.insert(0, opts.odoo_src)
    import odoo  # pylint: disable=import-outside-toplevel
    from odoo.modules.registry import Registry  # pylint: disable=import-outside-toplevel
    from odoo.tools import config  # pylint: disable=import-outside-toplevel

    config.parse_config(
        [
            "--addons-path",
            opts.addons_path,
            "-d",
            opts.db,
            "--log-level",
            "warn",
            "--db_maxconn",
            "8",
            "--without-demo",
            "all",
        ]
    )
    odoo.netsvc.init_logger()
    return odoo, Registry(opts.db)


def sim(opts, method, path):
    req = urllib.request.Request(opts.sim + path, method=method)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read().decode())


# --- setup -----------------------------------------------------------------------------------------


def setup(registry, odoo, opts, rate=0):
    """Simulator profiles (Meta first, Watzap as the gateway), ``N`` citizens; returns partner ids."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        Provider = env["sicantik.whatsapp.provider"].sudo()
        Provider.search([]).write({"active": False})
        vals = {"base_url": opts.sim + "/meta", "api_version": "v25.0", "timeout": 10, "state": "configured"}
        Provider.create(
            dict(vals, name="Meta (simulator)", kind="meta", sequence=1, **SIM_CREDENTIALS["meta"])
        )
        Provider.create(
            dict(
                vals,
                name="Watzap (simulator)",
                kind="watzap",
                sequence=2,
                base_url=opts.sim + "/watzap",
                **SIM_CREDENTIALS["watzap"],
            )
        )
        icp = env["ir.config_parameter"].sudo()
        icp.set_param("sicantik_whatsapp.default_provider_id", False)
        icp.set_param("web.base.url", "http://odoo.bench")
        # Quiet hours (on in a new database) would defer every message at night in WIB.
        icp.set_param("sicantik_whatsapp.quiet_hours", False)
        env.ref("sicantik_whatsapp.template_permit_ready").sudo().meta_status = "APPROVED"
        partners = (
            env["res.partner"]
            .with_context(mail_create_nolog=True)
            .create(
                [
                    {
                        "name": "Warga %05d" % i,
                        "mobile": "0812%08d" % (10_000_000 + i),
                        "wa_meta_opt_in": i % 2 == 0,
                    }
                    for i in range(opts.messages)
                ]
            )
        )
        return partners.ids


def set_gateway_rate(registry, odoo, rate):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        gateway = env["sicantik.whatsapp.provider"].sudo().search([("kind", "=", "watzap")])
        gateway.write({"rate_per_minute": rate})


def enqueue(registry, odoo, partner_ids, tag):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        partners = env["res.partner"].browse(partner_ids)
        messages = env["sicantik.whatsapp.dispatcher"].enqueue(
            partners, "permit_ready", {"permit_type": "PBG", "permit_number": "503/PBG/2026/%s" % tag}
        )
        return messages.ids


def states(registry, ids):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT state, count(*) FROM sicantik_whatsapp_message WHERE id = ANY(%s) GROUP BY state", (ids,)
        )
        return dict(cr.fetchall())


# --- one round --------------------------------------------------------------------------------------


def cpu_seconds(pids):
    """User + system CPU seconds of processes (from /proc; 0 where unreadable)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError, IndexError):
            pass
    return total


def postgres_pids():
    pids = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open("/proc/%s/comm" % pid) as f:
                    if f.read().strip() in ("postgres", "postmaster"):
                        pids.append(pid)
            except OSError:
                pass
    return pids


def run_round(opts, workers, count):
    """Start ``workers`` processes, release them together, wait; returns (seconds, reports)."""
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "worker",
        "--odoo-src",
        opts.odoo_src,
        "--addons-path",
        opts.addons_path,
        "--db",
        opts.db,
        "--sim",
        opts.sim,
        "--batch-size",
        str(opts.batch_size),
    ]
    procs = []
    for i in range(workers):
        extra = ["--profile", "%s.w%d-%d" % (opts.profile, workers, i)] if opts.profile else []
        procs.append(subprocess.Popen(cmd + extra, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    for p in procs:
        line = p.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit("worker did not start: %r" % line)
    pg, sim_pids = postgres_pids(), [opts.sim_pid] if opts.sim_pid else []
    cpu0 = (cpu_seconds(pg), cpu_seconds(sim_pids))
    start = time.monotonic()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    reports = []
    for p in procs:
        out = p.stdout.readline()
        reports.append(json.loads(out) if out.strip() else {"error": "no report"})
    seconds = time.monotonic() - start
    cpu = {
        "workers": sum(r.get("cpuSeconds", 0) for r in reports),
        "postgres": cpu_seconds(pg) - cpu0[0],
        "simulator": cpu_seconds(sim_pids) - cpu0[1],
    }
    for p in procs:
        p.wait(timeout=60)
    # CPU milliseconds per message, by process kind: what the 2 cores are spent on.
    reports.append({"cpuMsPerMsg": {k: round(v * 1000 / max(count, 1), 2) for k, v in cpu.items()}})
    return seconds, reports


def drain(registry, opts, ids, workers):
    """``workers`` workers send the queued messages ``ids``: the figures of the round (every
    message sent, once: ``ok``)."""
    sim(opts, "DELETE", "/_sim/stats")
    seconds, reports = run_round(opts, workers, len(ids))
    st = states(registry, ids)
    stats = sim(opts, "GET", "/_sim/stats")
    accepted = stats["meta"]["accepted"] + stats["watzap"]["accepted"] + stats["fonnte"]["accepted"]
    sent = st.get("sent", 0)
    return {
        "workers": workers,
        "messages": len(ids),
        "sent": sent,
        "states": st,
        "accepted": accepted,
        "duplicates": stats["duplicates"],
        "seconds": round(seconds, 3),
        "msgPerSec": round(len(ids) / seconds, 1),
        "batchSize": opts.batch_size,
        "cpuMsPerMsg": reports[-1]["cpuMsPerMsg"],
        "ok": sent == len(ids) and stats["duplicates"] == 0 and accepted == len(ids),
    }


def throughput(registry, odoo, opts, partner_ids, workers):
    ids = enqueue(registry, odoo, partner_ids, "w%d" % workers)
    return dict({"bench": "dispatch.odoo.w%d" % workers}, **drain(registry, opts, ids, workers))


def pacing(registry, odoo, opts, partner_ids, rate, workers=2):
    """Gateway at ``rate``/min, ``workers`` workers: the achieved spacing at the simulator."""
    set_gateway_rate(registry, odoo, rate)
    gateway_partners = partner_ids[1::2][: opts.pacing_messages]  # no opt-in: the gateway
    sim(opts, "DELETE", "/_sim/stats")
    ids = enqueue(registry, odoo, gateway_partners, "pacing")
    seconds, _reports = run_round(opts, workers, len(ids))
    set_gateway_rate(registry, odoo, 0)
    st = states(registry, ids)
    stats = sim(opts, "GET", "/_sim/stats")
    arrivals = sim(opts, "GET", "/_sim/arrivals?provider=watzap")["watzap"]
    times, gaps = arrivals["times"], arrivals["gaps"]
    interval = -(-60000 // rate)
    achieved = (len(times) - 1) * 60000.0 / (times[-1] - times[0]) if len(times) > 1 else None
    devs = [g - interval for g in gaps]
    min_gap = min(gaps) if gaps else None
    return {
        "bench": "dispatch.odoo.pacing",
        "workers": workers,
        "provider": "watzap",
        "configuredPerMin": rate,
        "intervalMs": interval,
        "messages": len(ids),
        "sent": st.get("sent", 0),
        "states": st,
        "arrivals": len(times),
        "duplicates": stats["duplicates"],
        "seconds": round(seconds, 3),
        "achievedPerMin": round(achieved, 1) if achieved else None,
        "minGapMs": round(min_gap, 1) if min_gap is not None else None,
        "meanDeviationMs": round(sum(abs(d) for d in devs) / len(devs), 1) if devs else None,
        "maxDeviationMs": round(max(abs(d) for d in devs), 1) if devs else None,
        "ok": bool(
            gaps
            and st.get("sent", 0) == len(ids)
            and stats["duplicates"] == 0
            # As dispatch.mjs: 5 ms of arrival jitter allowed on the span and on each gap.
            and times[-1] - times[0] + 5 >= (len(times) - 1) * interval
            and min_gap >= interval - 5
        ),
    }


# --- list composer (issue 16) --------------------------------------------------------------------------


def composer(registry, odoo, opts, partner_ids, workers=2):
    """The list composer on ``opts.composer`` permits of the example addon: the plan it shows
    before sending (one ``planBatch``), the enqueue (records prepared, planned and queued), then
    ``workers`` workers drain the outbox. Times per record; the drain rate as the outbox rounds."""
    count = opts.composer
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        Permit = env[PERMIT_MODEL].with_context(mail_create_nolog=True, tracking_disable=True)
        permits = Permit.create(
            [
                permit_vals(partner_ids[i % len(partner_ids)], "503/PBG/2026/C%05d" % i)
                for i in range(count)
            ]
        )
        template = env.ref(PERMIT_TEMPLATE)
        wizard = (
            env["sicantik.whatsapp.composer"]
            .with_context(active_model=PERMIT_MODEL, active_ids=permits.ids)
            .create({"template_id": template.id})
        )
        cr.commit()
        t0 = time.monotonic()
        planned = wizard.recipient_count + wizard.invalid_count  # the counts shown before sending
        t1 = time.monotonic()
        wizard.invalidate_recordset()
        action = wizard.action_send()
        cr.commit()
        t2 = time.monotonic()
        batch = env["sicantik.whatsapp.batch"].browse(action["res_id"])
        ids = batch.message_ids.ids
    log("composer: %d records planned in %.1f s, enqueued in %.1f s" % (count, t1 - t0, t2 - t1))
    row = drain(registry, opts, ids, workers)
    row["ok"] = row["ok"] and len(ids) == count
    return dict(
        {
            "bench": "dispatch.odoo.composer",
            "records": count,
            "planned": planned,
            "planMsPerRecord": round((t1 - t0) * 1000 / count, 3),
            "enqueueSeconds": round(t2 - t1, 3),
            "enqueueMsPerRecord": round((t2 - t1) * 1000 / count, 3),
        },
        **row,
    )


# --- worker process ---------------------------------------------------------------------------------


def worker(opts):
    odoo, registry = odoo_env(opts)
    with registry.cursor() as cr:  # warm up: engine loaded and configured, as in a running server
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["sicantik.whatsapp.dispatcher"]._engine()
    print("ready", flush=True)
    sys.stdin.readline()
    cpu0 = time.process_time()
    profiler = None
    if opts.profile:
        import cProfile  # pylint: disable=import-outside-toplevel

        profiler = cProfile.Profile()
        profiler.enable()
    rounds = 0
    while True:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            # What the cron record runs (ir_cron_data.xml), in a cursor of its own like a cron job.
            env["sicantik.whatsapp.outbox"]._cron_process_outbox(batch_size=opts.batch_size)
            rounds += 1
            cr.execute(
                "SELECT count(*) FILTER (WHERE state IN ('queued', 'deferred') AND "
                "(scheduled_date IS NULL OR scheduled_date <= now() at time zone 'UTC')), "
                "count(*) FILTER (WHERE state IN ('queued', 'deferred')) FROM sicantik_whatsapp_message"
            )
            ready, waiting = cr.fetchone()
        if not ready:
            if not waiting:
                break
            time.sleep(0.05)  # paced messages left for later: the cron trigger's job
    if profiler:
        profiler.disable()
        profiler.dump_stats(opts.profile)
    print(json.dumps({"rounds": rounds, "cpuSeconds": time.process_time() - cpu0}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "worker"])
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--sim", required=True)
    parser.add_argument("--sim-pid", help="the simulator's process id (its CPU time is reported)")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--pacing", type=int, default=0, help="gateway rate per minute for the pacing round")
    parser.add_argument("--pacing-messages", type=int, default=60)
    parser.add_argument("--composer", type=int, default=0, help="records for the list composer round (0: none)")
    parser.add_argument("--profile", help="cProfile each worker into PROFILE.w<workers>-<i>")
    opts = parser.parse_args()
    if opts.mode == "worker":
        return worker(opts)
    odoo, registry = odoo_env(opts)
    t0 = time.monotonic()
    partner_ids = setup(registry, odoo, opts)
    log("set up %d citizens in %.1f s" % (len(partner_ids), time.monotonic() - t0))
    for workers in [int(w) for w in opts.workers.split(",") if w]:
        row = throughput(registry, odoo, opts, partner_ids, workers)
        log("%d worker(s): %s msg/s" % (workers, row["msgPerSec"]))
        print(json.dumps(row), flush=True)
    if opts.pacing:
        row = pacing(registry, odoo, opts, partner_ids, opts.pacing)
        log(
            "pacing at %d/min: %s/min achieved, min gap %s ms"
            % (opts.pacing, row["achievedPerMin"], row["minGapMs"])
        )
        print(json.dumps(row), flush=True)
    if opts.composer:
        row = composer(registry, odoo, opts, partner_ids)
        log(
            "composer: %s ms/record to enqueue, drained at %s msg/s"
            % (row["enqueueMsPerRecord"], row["msgPerSec"])
        )
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
