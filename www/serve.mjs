#!/usr/bin/env node
// `make demo`: the test page (www/) and the npm package's web build (pkg/) served from one
// loopback origin, with the provider simulator embedded. Dependency-free, like the simulator.
//
//   node www/serve.mjs [--port 8080] [--sim-port 8787] [--quiet]   (0 = pick a free port)
//
// URL layout:
//   /              www/index.html (and every other file of www/)
//   /pkg/…         pkg/ — the page imports /pkg/index.js (the facade over pkg/web/)
//   /config.js     generated: the simulator's URL and its harmless credentials, for the page
//
// Both servers bind to 127.0.0.1 only. `startDemo()` is the same thing for tests.

import {createServer} from "node:http";
import {createReadStream} from "node:fs";
import {stat} from "node:fs/promises";
import {extname, join, resolve, sep} from "node:path";
import {fileURLToPath} from "node:url";
import {DEFAULT_CREDENTIALS, startSimulator} from "../simulator/index.mjs";
import {runIfMain} from "../simulator/lib/run-main.mjs";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const WWW = join(ROOT, "www");
const PKG = join(ROOT, "pkg");

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

const BASE_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** What the page reads from /config.js: where the simulator is and which credentials it accepts. */
export function pageConfig(simulatorUrl) {
  return {simulatorUrl, credentials: DEFAULT_CREDENTIALS};
}

/** Map a URL path to a file under www/ or pkg/, refusing anything that escapes them. */
function fileFor(pathname) {
  let rel = null;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (rel.includes("\0")) return null;
  const [base, inner] =
    rel === "/pkg" || rel.startsWith("/pkg/") ? [PKG, rel.slice(4)] : [WWW, rel];
  const file = resolve(base, `.${inner.endsWith("/") ? `${inner}index.html` : inner}`);
  return file === base || file.startsWith(base + sep) ? file : null;
}

function send(res, status, body, type = "text/plain; charset=utf-8") {
  res.writeHead(status, {
    ...BASE_HEADERS,
    "content-type": type,
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

async function handle(req, res, config) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    return send(res, 405, "method not allowed\n");
  }
  const {pathname} = new URL(req.url, "http://127.0.0.1");
  if (pathname === "/config.js") {
    return send(
      res,
      200,
      `export default ${JSON.stringify(config, null, 2)};\n`,
      MIME[".js"]
    );
  }
  const file = fileFor(pathname);
  if (!file) return send(res, 404, "not found\n");
  let info = null;
  try {
    info = await stat(file);
    if (info.isDirectory()) return send(res, 404, "not found\n");
  } catch {
    const hint = pathname.startsWith("/pkg/")
      ? " (build the package first: make pkg)"
      : "";
    return send(res, 404, `not found${hint}\n`);
  }
  res.writeHead(200, {
    ...BASE_HEADERS,
    "content-type": MIME[extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": info.size,
  });
  if (req.method === "HEAD") return res.end();
  createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
}

/** Listen on 127.0.0.1:port; with `fallback`, a busy port falls back to a free one. */
async function listen(server, port, fallback) {
  try {
    await new Promise((ok, fail) => {
      server.once("error", fail);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", fail);
        ok();
      });
    });
  } catch (e) {
    if (!(fallback && e.code === "EADDRINUSE" && port !== 0)) throw e;
    return listen(server, 0, false);
  }
  return server.address().port;
}

/**
 * Start the simulator and the static server.
 *
 * @param {object} [options]
 * @param {number} [options.port=0] page server port (0 = a free one)
 * @param {number} [options.simPort=0] simulator port (0 = a free one)
 * @param {boolean} [options.fallback=false] when a given port is busy, take a free one instead
 * @param {(line: string) => void} [options.log] simulator request log (secrets redacted)
 * @returns {Promise<{url: string, simulatorUrl: string, simulator: object, close: () => Promise<void>}>}
 */
export async function startDemo({
  port = 0,
  simPort = 0,
  fallback = false,
  log = () => undefined,
} = {}) {
  let simulator = null;
  try {
    simulator = await startSimulator({port: simPort, log});
  } catch (e) {
    if (!(fallback && e.code === "EADDRINUSE")) throw e;
    simulator = await startSimulator({port: 0, log});
  }
  const config = pageConfig(simulator.url);
  const server = createServer((req, res) => {
    handle(req, res, config).catch(() => {
      if (!res.headersSent) send(res, 500, "internal error\n");
      else res.destroy();
    });
  });
  let actual = null;
  try {
    actual = await listen(server, port, fallback);
  } catch (e) {
    await simulator.close();
    throw e;
  }
  let closing = null;
  const close = () => {
    closing ??= Promise.all([
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
      simulator.close(),
    ]).then(() => undefined);
    return closing;
  };
  return {
    url: `http://127.0.0.1:${actual}/`,
    simulatorUrl: simulator.url,
    simulator,
    close,
  };
}

// --- CLI ------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = {port: 8080, simPort: 8787, quiet: false};
  const num = (flag, value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new Error(`bad ${flag}: ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    if (flag === "--port" || flag === "-p") opts.port = num(flag, inline ?? argv[++i]);
    else if (flag === "--sim-port") opts.simPort = num(flag, inline ?? argv[++i]);
    else if (flag === "--quiet" || flag === "-q") opts.quiet = true;
    else if (flag === "--help" || flag === "-h") opts.help = true;
    else throw new Error(`unknown argument: ${argv[i]}`);
  }
  return opts;
}

const USAGE =
  "usage: node www/serve.mjs [--port 8080] [--sim-port 8787] [--quiet]   (0 = a free port)\n";

async function main() {
  let opts = null;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }
  try {
    await stat(join(PKG, "web", "sicantik_whatsapp_bg.wasm"));
  } catch {
    process.stderr.write(
      "demo: pkg/web/ is missing: build the package first (make pkg, or make demo)\n"
    );
    process.exit(1);
  }
  const log = opts.quiet
    ? () => undefined
    : (line) => process.stderr.write(`simulator: ${line}\n`);
  const demo = await startDemo({
    port: opts.port,
    simPort: opts.simPort,
    fallback: true,
    log,
  });
  process.stdout.write(
    `simulator listening on ${demo.simulatorUrl}\n` +
      `\n  Test page: ${demo.url}\n\n` +
      "Ctrl-C to stop.\n"
  );
  const stop = () => demo.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

runIfMain(import.meta.url, main, "demo");
