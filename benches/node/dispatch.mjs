#!/usr/bin/env node
// Dispatch throughput of the node fetch transport (`engine.send`, the global fetch) against the
// provider simulator on loopback, at concurrency 1 / 8 / 32.
//
//   node benches/node/dispatch.mjs [--max 2000] [--seconds 20]
//
// The simulator runs in its own process (`node simulator/index.mjs --port 0 --quiet`) so client
// and server do not share one event loop. Each level sends at most --max messages or runs at most
// --seconds, whichever comes first, then checks the simulator's /_sim/stats: every message
// accepted exactly once (zero duplicate recipient+text pairs). Prints JSON lines on stdout.
// Then pacing accuracy: a gateway at 600/min (100 ms apart) and another at 3000/min (20 ms),
// engine.send at concurrency 8, spacing measured from the simulator's recorded arrival times
// (/_sim/arrivals). Also the Odoo outbox rows (skipped; see below).

import {spawn} from "node:child_process";
import {fileURLToPath} from "node:url";
import {readFileSync} from "node:fs";
import {emit, makeBaseline, note, notification} from "./common.mjs";
import {demoConfig} from "../../cli/lib/common.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const quick = process.env.BENCH_QUICK === "1";
const MAX = arg("--max", quick ? 300 : 2000);
const SECONDS = arg("--seconds", quick ? 5 : 20);
const LEVELS = [1, 8, 32];

/** Start the simulator in a child process; resolves with its URL and a stop function. */
function startSimulatorProcess() {
  const child = spawn(
    process.execPath,
    ["simulator/index.mjs", "--port", "0", "--quiet"],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    }
  );
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.once("exit", stop);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`simulator did not start in 10 s: ${err}`));
    }, 10_000);
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({url: m[0], child, stop});
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited (${code}): ${err}`));
    });
  });
}

async function sim(url, method, path) {
  const r = await fetch(`${url}${path}`, {method, signal: AbortSignal.timeout(10_000)});
  if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status}`);
  return r.json();
}

/** CPU seconds (user + system) a process used so far, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

/**
 * The ceiling without the engine: the same requests (built by the plain-JS baseline, real
 * credentials) POSTed with a bare `fetch`, same concurrency and caps. Checked for HTTP 200 only.
 */
async function rawLevel(build, url, concurrency, {max, seconds, offset}) {
  await sim(url, "POST", "/_sim/reset");
  const deadline = performance.now() + seconds * 1000;
  let next = 0;
  let ok = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (next < max && performance.now() < deadline) {
      const {request: r} = build(notification(offset + next++));
      try {
        const res = await fetch(r.url, {
          method: r.method,
          headers: r.headers,
          body: r.body,
          signal: AbortSignal.timeout(r.timeoutMs),
        });
        await res.text();
        if (res.ok) ok += 1;
      } catch {
        // counted as not ok
      }
    }
  };
  await Promise.all(Array.from({length: concurrency}, worker));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    messages: next,
    ok,
    msgPerSec: Math.round((ok / elapsed) * 10) / 10,
    clientCpuUsPerMsg: next ? Math.round((cpu.user + cpu.system) / next) : null,
  };
}

/** Send up to `max` messages with `concurrency` workers, for at most `seconds`. */
async function level(engine, url, concurrency, {max, seconds, offset, simPid}) {
  await sim(url, "POST", "/_sim/reset");
  const cpu0 = process.cpuUsage();
  const simCpu0 = cpuSeconds(simPid);
  const deadline = performance.now() + seconds * 1000;
  let next = 0;
  const statuses = {};
  let errors = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < max && performance.now() < deadline) {
      const n = notification(offset + next++);
      try {
        const outcome = await engine.send(n);
        statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
      } catch (e) {
        errors += 1;
        if (errors <= 3)
          note(`dispatch: send failed: ${e?.code ?? ""} ${e?.message ?? e}`);
      }
    }
  };
  await Promise.all(Array.from({length: concurrency}, worker));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const simCpu1 = cpuSeconds(simPid);
  const stats = await sim(url, "GET", "/_sim/stats");
  const accepted = ["meta", "watzap", "fonnte"].reduce(
    (s, p) => s + (stats[p]?.accepted ?? 0),
    0
  );
  const sent = statuses.sent ?? 0;
  return {
    bench: `dispatch.node.c${concurrency}`,
    concurrency,
    messages: next,
    sent,
    statuses,
    errors,
    seconds: Math.round(elapsed * 1000) / 1000,
    msgPerSec: Math.round((sent / elapsed) * 10) / 10,
    accepted,
    duplicates: stats.duplicates,
    ok: errors === 0 && sent === next && accepted === next && stats.duplicates === 0,
    capped: next >= max ? "count" : "time",
    // CPU per message of each process: which side saturates first.
    clientCpuUsPerMsg: next ? Math.round((cpu.user + cpu.system) / next) : null,
    simulatorCpuUsPerMsg:
      next && simCpu0 !== null && simCpu1 !== null
        ? Math.round(((simCpu1 - simCpu0) * 1e6) / next)
        : null,
  };
}

/**
 * Pacing accuracy: `count` messages to `provider` configured at `rate` per minute, through
 * engine.send at concurrency 8 (one Engine, so the sends share the rate). The simulator's arrival
 * times give the achieved spacing: the target is achieved rate ≤ configured and every gap ≥
 * interval − 5 ms.
 */
async function pacingLevel(pkg, url, provider, rate, count) {
  const config = demoConfig(url, {timeoutMs: 10_000});
  config.providers.find((p) => p.id === provider).ratePerMinute = rate;
  const engine = new pkg.Engine(config);
  await sim(url, "POST", "/_sim/reset");
  let next = 0;
  const statuses = {};
  const worker = async () => {
    while (next < count) {
      const n = {
        ...notification(700_000 + rate * 10 + next++),
        forceProvider: provider,
      };
      const outcome = await engine
        .send(n)
        .catch((e) => ({status: `error ${e?.code ?? e}`}));
      statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
    }
  };
  // The engine's fetch transport calls the global fetch: wrapped for this run, it tells when each
  // request left (what the pacer controls), apart from when it arrived (plus loopback and
  // scheduling jitter on a shared machine).
  const departures = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    if (String(input).startsWith(`${url}/${provider}/`))
      departures.push(performance.timeOrigin + performance.now());
    return realFetch(input, init);
  };
  try {
    await Promise.all(Array.from({length: 8}, worker));
  } finally {
    globalThis.fetch = realFetch;
  }
  const departureGaps = departures.slice(1).map((t, i) => t - departures[i]);
  const {[provider]: a} = await sim(url, "GET", `/_sim/arrivals?provider=${provider}`);
  const stats = await sim(url, "GET", "/_sim/stats");
  const intervalMs = Math.ceil(60_000 / rate);
  const gaps = a.gaps;
  const span = a.times.at(-1) - a.times[0];
  const dev = gaps.map((g) => Math.abs(g - intervalMs));
  const r2 = (x) => Math.round(x * 100) / 100;
  const achieved = span > 0 ? ((a.count - 1) * 60_000) / span : null;
  const minGapMs = gaps.length ? Math.min(...gaps) : null;
  return {
    provider,
    configuredPerMin: rate,
    achievedPerMin: achieved === null ? null : r2(achieved),
    intervalMs,
    messages: count,
    arrivals: a.count,
    sent: statuses.sent ?? 0,
    meanGapMs: gaps.length ? r2(gaps.reduce((x, y) => x + y, 0) / gaps.length) : null,
    meanDeviationMs: dev.length
      ? r2(dev.reduce((x, y) => x + y, 0) / dev.length)
      : null,
    maxDeviationMs: dev.length ? r2(Math.max(...dev)) : null,
    minGapMs: minGapMs === null ? null : r2(minGapMs),
    minDepartureGapMs: departureGaps.length ? r2(Math.min(...departureGaps)) : null,
    maxDepartureDeviationMs: departureGaps.length
      ? r2(Math.max(...departureGaps.map((g) => Math.abs(g - intervalMs))))
      : null,
    duplicates: stats.duplicates,
    // "achieved ≤ configured" allows the same 5 ms of arrival jitter as the gaps: the first
    // arrival's own latency can shorten the measured span by a millisecond or two.
    ok:
      a.count === count &&
      (statuses.sent ?? 0) === count &&
      stats.duplicates === 0 &&
      span + 5 >= (count - 1) * intervalMs &&
      minGapMs >= intervalMs - 5,
  };
}

const pkg = await import("../../pkg/index.js");
await pkg.init();
let simulator = null;
try {
  simulator = await startSimulatorProcess();
  note(`dispatch: simulator at ${simulator.url} (own process)`);
  const config = demoConfig(simulator.url, {timeoutMs: 10_000});
  const engine = new pkg.Engine(config);
  const build = makeBaseline(config);
  const simPid = simulator.child.pid;
  // Warm-up (JIT, keep-alive connections), not counted.
  await level(engine, simulator.url, 8, {
    max: quick ? 50 : 200,
    seconds: 5,
    offset: 900_000,
    simPid,
  });
  await rawLevel(build, simulator.url, 8, {
    max: quick ? 50 : 200,
    seconds: 5,
    offset: 950_000,
  });
  let offset = 0;
  for (const c of LEVELS) {
    note(
      `dispatch: concurrency ${c} (at most ${MAX} messages / ${SECONDS} s), engine.send then bare fetch`
    );
    const r = await level(engine, simulator.url, c, {
      max: MAX,
      seconds: SECONDS,
      offset,
      simPid,
    });
    const raw = await rawLevel(build, simulator.url, c, {
      max: MAX,
      seconds: SECONDS,
      offset: offset + 500_000,
    });
    offset += MAX;
    emit({
      ...r,
      baselineMsgPerSec: raw.msgPerSec,
      baselineOk: raw.ok === raw.messages,
      baselineClientCpuUsPerMsg: raw.clientCpuUsPerMsg,
      // engine rate / bare-fetch rate: the share of the loopback ceiling the engine reaches.
      ratio: raw.msgPerSec
        ? Math.round((r.msgPerSec / raw.msgPerSec) * 1000) / 1000
        : null,
      maxMessages: MAX,
      maxSeconds: SECONDS,
    });
  }
} catch (e) {
  emit({bench: "dispatch.node", error: String(e?.message ?? e)});
  process.exitCode = 1;
}

// Pacing accuracy (≈ 10 s; 3 s with BENCH_QUICK): bounded by the message counts.
if (simulator) {
  try {
    const runs = [];
    for (const [provider, rate, count] of [
      ["watzap", 600, quick ? 15 : 60],
      ["fonnte", 3000, quick ? 60 : 200],
    ]) {
      note(
        `dispatch: pacing, ${provider} at ${rate}/min, ${count} messages at concurrency 8`
      );
      runs.push(await pacingLevel(pkg, simulator.url, provider, rate, count));
    }
    emit({
      bench: "dispatch.pacing",
      concurrency: 8,
      rates: runs,
      ok: runs.every((r) => r.ok),
    });
  } catch (e) {
    emit({bench: "dispatch.pacing", error: String(e?.message ?? e)});
    process.exitCode = 1;
  }
}
simulator?.stop();
// The Odoo outbox cron (1 and 2 workers) needs a real Odoo (ODOO_SRC) and the addon's outbox,
// which is still being written: reported as skipped either way, with the reason.
const odooReason = process.env.ODOO_SRC
  ? "skipped: ODOO_SRC is set, but the addon's outbox cron bench is not written yet (addon in progress)"
  : "skipped: ODOO_SRC not set";
for (const workers of [1, 2])
  emit({bench: `dispatch.odoo.w${workers}`, workers, skipped: odooReason});
