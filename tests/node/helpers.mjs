// Shared by the node tests: where the assembled package is, a simulator per test file, the demo
// configuration pointed at it, and running node children (fresh module state, scripts).

import {execFile, spawnSync} from "node:child_process";
import {existsSync} from "node:fs";
import {createServer} from "node:net";
import {fileURLToPath} from "node:url";
import {startSimulator, DEFAULT_CREDENTIALS} from "../../simulator/index.mjs";
import {demoConfig} from "../../cli/lib/common.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const PKG_DIR = fileURLToPath(new URL("../../pkg/", import.meta.url));
export const PKG_INDEX = new URL("../../pkg/index.js", import.meta.url).href;

if (
  !existsSync(`${PKG_DIR}index.js`) ||
  !existsSync(`${PKG_DIR}web/sicantik_whatsapp_bg.wasm`)
) {
  throw new Error("pkg/ is not built: run `make pkg` (scripts/build/pkg.sh) first");
}

export {DEFAULT_CREDENTIALS, demoConfig};

/** Every secret the simulator's credentials hold (what must never appear in outcomes/previews). */
export const SECRETS = [
  DEFAULT_CREDENTIALS.meta.accessToken,
  DEFAULT_CREDENTIALS.watzap.apiKey,
  DEFAULT_CREDENTIALS.watzap.numberKey,
  DEFAULT_CREDENTIALS.fonnte.token,
];

/** The package, initialized. */
export async function loadPkg() {
  const pkg = await import(PKG_INDEX);
  await pkg.init();
  return pkg;
}

/** A simulator for this test file, with a small client for its control API. */
export async function startSim() {
  const sim = await startSimulator({port: 0});
  const control = async (method, path, body) => {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: body === undefined ? {} : {"content-type": "application/json"},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok)
      throw new Error(
        `simulator ${method} ${path}: ${res.status} ${JSON.stringify(json)}`
      );
    return json;
  };
  return {
    ...sim,
    control,
    reset: () => control("POST", "/_sim/reset"),
    fault: (spec) => control("POST", "/_sim/faults", spec),
    requests: async (provider) =>
      (await control("GET", `/_sim/requests${provider ? `?provider=${provider}` : ""}`))
        .requests,
  };
}

/** A loopback port where nothing listens: bind one, note it, close it. */
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const {port} = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The demo office (three providers, five templates) on `sim`, with a per-request timeout. */
export function simConfig(sim, {timeoutMs = 5000, metaBaseUrl} = {}) {
  const config = demoConfig(sim.url, {timeoutMs});
  if (metaBaseUrl) config.providers.find((p) => p.id === "meta").baseUrl = metaBaseUrl;
  return config;
}

/** A realistic notification of the demo's `permit_ready`. */
export function permitReady({optIn = true, phone = "0812-3456-7890", ...extra} = {}) {
  return {
    template: "permit_ready",
    recipient: {phone, name: "Budi Santoso", metaOptIn: optIn},
    values: {
      partner_name: "Budi Santoso",
      permit_type: "PBG",
      permit_number: "503/PBG/2026/0142",
      office_name: "DPMPTSP Kabupaten Karo",
    },
    ...extra,
  };
}

/** Run a child process; resolves with {code, stdout, stderr} (never rejects on exit codes). */
export function run(file, args, {cwd = ROOT, env = {}, input, timeout = 60_000} = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        cwd,
        env: {...process.env, NO_COLOR: "1", ...env},
        timeout,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({code: error ? error.code : 0, stdout, stderr});
      }
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Run a script of this repo with node. */
export const runNode = (args, options) => run(process.execPath, args, options);

/**
 * Run node with `args` on a pseudo-terminal (util-linux `script`), colours allowed: what a person
 * at a terminal sees, stdout and stderr together. `onTerminal.available` is false without `script`.
 */
export async function onTerminal(args, {cwd = ROOT} = {}) {
  const quote = (a) => `'${String(a).replaceAll("'", "'\\''")}'`;
  const command = ["env", "-u", "NO_COLOR", "TERM=xterm", process.execPath, ...args]
    .map(quote)
    .join(" ");
  const r = await run("script", ["-qfec", command, "/dev/null"], {cwd});
  return {code: r.code, output: r.stdout.replaceAll("\r\n", "\n")};
}
onTerminal.available = spawnSync("script", ["--version"]).status === 0;

/** Fail with `what` if `text` contains any of the simulator's secrets. */
export function assertNoSecrets(text, what) {
  for (const secret of SECRETS) {
    if (text.includes(secret))
      throw new Error(`${what} contains the secret ${JSON.stringify(secret)}`);
  }
}
