#!/usr/bin/env node
// Provider simulator: one loopback HTTP server standing in for Meta Cloud API (/meta), Watzap.id
// (/watzap) and Fonnte (/fonnte), with a control API (/_sim) to record traffic and inject faults.
// Dependency-free on purpose: `make demo` and every integration test start it with plain node.
//
//   node simulator/index.mjs [--port 8787] [--quiet]      (port 0 = pick a free one)
//
// Point an engine provider's baseUrl at http://127.0.0.1:PORT/meta (or /watzap, /fonnte).

import {createServer} from "node:http";
import {createHash} from "node:crypto";
import {
  BODY_LIMIT,
  parseBody,
  presentedSecrets,
  readBody,
  redact,
  redactHeaders,
  redactPath,
  reply,
  replyPreflight,
} from "./lib/http.mjs";
import {PROVIDERS, SimState} from "./lib/state.mjs";
import {AMBIGUOUS, REPLACING, faultReply} from "./lib/faults.mjs";
import * as meta from "./lib/meta.mjs";
import * as watzap from "./lib/watzap.mjs";
import * as fonnte from "./lib/fonnte.mjs";
import {runIfMain} from "./lib/run-main.mjs";

const ROUTERS = {meta, watzap, fonnte};

/**
 * Simulator-only credentials: harmless made-up values that no real provider accepts. The engine
 * test configs use them as they are; pass `credentials` to `startSimulator` to change any.
 */
export const DEFAULT_CREDENTIALS = Object.freeze({
  meta: Object.freeze({
    accessToken: "sim-meta-token",
    phoneNumberId: "100000000000001",
    wabaId: "200000000000001",
  }),
  watzap: Object.freeze({apiKey: "sim-watzap-key", numberKey: "sim-watzap-number"}),
  fonnte: Object.freeze({token: "sim-fonnte-token"}),
});

export {SEED_TEMPLATES} from "./lib/meta.mjs";

/** The `/_sim` control API. Not recorded: it is the test's voice, not provider traffic. */
function control(sim, req, res, url, raw) {
  const {state} = sim;
  const route = `${req.method} ${url.pathname.replace(/\/$/, "")}`;
  const provider = url.searchParams.get("provider") || undefined;
  if (provider && !PROVIDERS.includes(provider)) {
    return reply(res, 400, {error: `provider must be one of ${PROVIDERS.join(", ")}`});
  }
  switch (route) {
    case "GET /_sim/health":
      return reply(res, 200, {
        status: "ok",
        providers: PROVIDERS,
        uptimeMs: Date.now() - sim.started,
        requests: state.requests.length,
        faults: state.faults.length,
      });
    case "GET /_sim/requests": {
      const requests = state.listRequests(provider);
      return reply(res, 200, {count: requests.length, requests});
    }
    case "DELETE /_sim/requests": {
      const cleared = state.requests.length;
      state.clearRequests();
      return reply(res, 200, {cleared});
    }
    case "GET /_sim/faults":
      return reply(res, 200, {faults: state.faults});
    case "POST /_sim/faults": {
      const {body, error} = parseBody(raw, "application/json");
      if (error || body === null)
        return reply(res, 400, {error: error ?? "body must be a JSON fault object"});
      try {
        return reply(res, 201, {fault: state.addFault(body)});
      } catch (e) {
        return reply(res, 400, {error: e.message});
      }
    }
    case "DELETE /_sim/faults": {
      const before = state.faults.length;
      state.clearFaults(provider);
      return reply(res, 200, {cleared: before - state.faults.length});
    }
    case "GET /_sim/stats":
      return reply(res, 200, state.stats());
    case "GET /_sim/arrivals":
      // Send arrival times per provider (ms since the epoch) and the gaps between them.
      return reply(res, 200, state.arrivalTimes(provider));
    case "DELETE /_sim/stats":
      state.clearStats();
      return reply(res, 200, {cleared: true});
    case "POST /_sim/reset":
      state.clearRequests();
      state.clearFaults();
      return reply(res, 200, {reset: true});
    default:
      return reply(res, 404, {error: "not found", path: url.pathname});
  }
}

// --- CLI ------------------------------------------------------------------------------------------

async function handle(sim, req, res) {
  if (req.method === "OPTIONS") return replyPreflight(res);
  const started = Date.now();
  const arrivedMs = performance.timeOrigin + performance.now(); // sub-ms, for pacing measurements
  const url = new URL(req.url, "http://127.0.0.1");
  const {raw, tooLarge} = await readBody(req);
  if (url.pathname === "/_sim" || url.pathname.startsWith("/_sim/")) {
    if (tooLarge)
      return reply(res, 413, {error: `body larger than ${BODY_LIMIT} bytes`});
    return control(sim, req, res, url, raw);
  }

  const m = /^\/(meta|watzap|fonnte)(\/.*)?$/.exec(url.pathname);
  const provider = m?.[1] ?? null;
  const path = m?.[2] ?? "/";
  const {body, error: bodyError} = tooLarge
    ? {body: null, error: "body too large"}
    : parseBody(raw, req.headers["content-type"]);
  const target = provider ? ROUTERS[provider].route(req.method, path) : null;
  const kind = target?.kind ?? null;

  // Record first, so a request whose answer never arrives (slow, drop) is visible at once.
  const secrets = [
    ...sim.secrets,
    ...presentedSecrets(req.headers, body, url.searchParams),
  ];
  const rec = sim.state.record({
    time: new Date(started).toISOString(),
    provider,
    endpoint: kind,
    method: req.method,
    path: redactPath(url.pathname, url.searchParams, secrets),
    headers: redactHeaders(req.headers, secrets),
    body: redact(body, secrets),
    // What arrived, byte for byte, without the bytes (they may hold a credential): tests compare
    // it with the request the engine built, to prove a transport changed nothing.
    bodyBytes: raw.length,
    bodySha256: createHash("sha256").update(raw).digest("hex"),
    ...(bodyError ? {bodyError} : {}),
    fault: null,
    status: null,
  });
  const finish = (status, extra = {}) => {
    Object.assign(rec, {status, durationMs: Date.now() - started}, extra);
    sim.log(
      `${req.method} ${rec.path} -> ${status ?? "no answer"}${rec.fault ? ` [${rec.fault}]` : ""}`
    );
  };
  const send = (r) => {
    const sent = reply(res, r.status, r.body, r.headers);
    finish(sent ? r.status : null, sent ? {} : {clientGone: true});
  };

  if (tooLarge)
    return send({status: 413, body: {error: `body larger than ${BODY_LIMIT} bytes`}});
  if (!target) return send({status: 404, body: {error: "not found", path: rec.path}});
  if (target.allow) {
    return send({
      status: 405,
      body: {error: "method not allowed"},
      headers: {allow: target.allow.join(", ")},
    });
  }

  if (kind === "send") sim.state.countReceived(provider, arrivedMs);
  const fault = sim.state.takeFault(provider, kind);
  rec.fault = fault?.fault ?? null;
  if (fault && REPLACING.has(fault.fault)) return send(faultReply(provider, fault));

  const ctx = {
    headers: req.headers,
    query: url.searchParams,
    path,
    body,
    bodyError,
    creds: sim.creds,
    state: sim.state,
    templates: sim.templates,
    unregistered: sim.unregistered,
    baseUrl: sim.baseUrl,
  };
  const result = target.handle(ctx);
  // The provider has taken the message now, whatever happens to the answer below.
  if (result.accepted)
    sim.state.countAccepted(
      provider,
      result.accepted,
      Boolean(fault && AMBIGUOUS.has(fault.fault))
    );

  switch (fault?.fault) {
    case "drop":
      finish(null, {dropped: true});
      return req.socket.destroy();
    case "malformed":
      return send(faultReply(provider, fault));
    case "slow": {
      const timer = setTimeout(() => {
        sim.timers.delete(timer);
        send(result);
      }, fault.delayMs);
      sim.timers.add(timer);
      return undefined;
    }
    default:
      return send(result);
  }
}

/**
 * Start a simulator on 127.0.0.1.
 *
 * @param {object} [options]
 * @param {number} [options.port=0] TCP port; 0 picks a free one.
 * @param {{meta?: object, watzap?: object, fonnte?: object}} [options.credentials] overrides of
 *   {@link DEFAULT_CREDENTIALS}, merged per provider.
 * @param {(line: string) => void} [options.log] receives one line per request (secrets redacted).
 * @param {object[]} [options.templates] Meta message templates to serve instead of the seeded ones.
 * @param {string[]} [options.unregistered] numbers (62…) that the validate endpoints report as not
 *   on WhatsApp.
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>, state: SimState}>}
 *   `url` has no trailing slash; `state` is the live recorder/fault/stats store.
 */
export async function startSimulator({
  port = 0,
  credentials = {},
  log = () => undefined,
  templates,
  unregistered = [],
} = {}) {
  const creds = Object.fromEntries(
    PROVIDERS.map((p) => [p, {...DEFAULT_CREDENTIALS[p], ...credentials[p]}])
  );
  const state = new SimState();
  const sim = {
    creds,
    state,
    log,
    started: Date.now(),
    timers: new Set(),
    baseUrl: "",
    templates: templates ?? meta.SEED_TEMPLATES,
    unregistered: new Set(unregistered),
    secrets: [
      creds.meta.accessToken,
      creds.watzap.apiKey,
      creds.watzap.numberKey,
      creds.fonnte.token,
    ],
  };
  const server = createServer((req, res) => {
    handle(sim, req, res).catch((err) => {
      // Never let one request take the server down: answer 500 if we still can.
      log(`simulator error: ${err?.stack ?? err}`);
      if (!res.headersSent) reply(res, 500, {error: "simulator internal error"});
      else res.destroy();
    });
  });
  // A malformed request: answered 400 (the parser's error itself says nothing more useful).
  server.on("clientError", (_err, socket) => {
    if (socket.writable)
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const actual = server.address().port;
  sim.baseUrl = `http://127.0.0.1:${actual}`;
  let closing = null;
  const close = () => {
    closing ??= new Promise((resolve) => {
      for (const t of sim.timers) clearTimeout(t);
      sim.timers.clear();
      server.close(() => resolve());
      server.closeAllConnections(); // also ends keep-alive and held (slow) connections
    });
    return closing;
  };
  return {url: sim.baseUrl, port: actual, close, state};
}

function parseArgs(argv) {
  const opts = {port: 8787, quiet: false};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    if (flag === "--port" || flag === "-p") {
      const value = inline ?? argv[++i];
      opts.port = Number(value);
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)
        throw new Error(`bad port: ${value}`);
    } else if (flag === "--quiet" || flag === "-q") {
      opts.quiet = true;
    } else if (flag === "--help" || flag === "-h") {
      opts.help = true;
    } else {
      throw new Error(`unknown argument: ${argv[i]}`);
    }
  }
  return opts;
}

async function main() {
  let opts = null;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(
      `${e.message}\nusage: node simulator/index.mjs [--port 8787] [--quiet]\n`
    );
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(
      "usage: node simulator/index.mjs [--port 8787] [--quiet]   (port 0 = random)\n"
    );
    return;
  }
  // Request lines go to stderr: stdout carries only the "listening" line that scripts parse.
  const log = opts.quiet
    ? () => undefined
    : (line) => process.stderr.write(`${line}\n`);
  const sim = await startSimulator({port: opts.port, log});
  process.stdout.write(`simulator listening on ${sim.url}\n`);
  const stop = () => sim.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

runIfMain(import.meta.url, main, "simulator");
