// Shared by the command-line tools (cli/dry-run.mjs, cli/bulk.mjs, cli/replay.mjs): running a
// command and reading its arguments and input, the built-in demo configuration (three providers on
// the simulator, the demo office's templates of www/demo-office.js), loading the engine from
// pkg/, terminal styling and small formatting helpers.

import {readFile} from "node:fs/promises";
import {parseArgs} from "node:util";
import {DEFAULT_CREDENTIALS} from "../../simulator/index.mjs";
import {DEMO_TEMPLATES} from "../../www/demo-office.js";

/** Where `node simulator/index.mjs` listens by default. */
export const DEFAULT_BASE_URL = "http://127.0.0.1:8787";

/** A copy of `config` whose providers all talk to `<baseUrl>/<kind>` (the simulator's layout). */
export function withBaseUrl(config, baseUrl) {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    ...config,
    providers: (config.providers ?? []).map((p) => ({
      ...p,
      baseUrl: `${base}/${p.kind}`,
    })),
  };
}

/**
 * The demo office: Meta first for opted-in citizens, then Watzap, then Fonnte, all on the provider
 * simulator at `baseUrl` with its default credentials.
 */
export function demoConfig(baseUrl = DEFAULT_BASE_URL, {timeoutMs = 10_000} = {}) {
  const c = DEFAULT_CREDENTIALS;
  const provider = (id, name, credentials, extra = {}) => ({
    id,
    kind: id,
    state: "configured",
    name,
    timeoutMs,
    credentials: {...credentials},
    ...extra,
  });
  return withBaseUrl(
    {
      fallbackOrder: ["watzap", "fonnte"],
      optIn: {url: "https://dpmptsp.karokab.go.id/wa/setuju"},
      providers: [
        // No apiVersion: the engine's default Graph API version.
        provider("meta", "Meta Cloud API", c.meta),
        provider("watzap", "Watzap.id", c.watzap),
        provider("fonnte", "Fonnte", c.fonnte),
      ],
      templates: structuredClone(DEMO_TEMPLATES),
    },
    baseUrl
  );
}

/** A mistake in how the script was called: printed without a stack, exit code 2. */
export class UsageError extends Error {
  name = "UsageError";
}

/** The config from `--config` (a JSON file), else the demo one; `--base-url` re-points providers. */
export async function loadConfig({configPath, baseUrl}) {
  if (!configPath) return demoConfig(baseUrl ?? DEFAULT_BASE_URL);
  let config = null;
  try {
    config = JSON.parse(await readFile(configPath, "utf8"));
  } catch (e) {
    throw new UsageError(`cannot read the config ${configPath}: ${e.message}`);
  }
  return baseUrl ? withBaseUrl(config, baseUrl) : config;
}

/** The package as built in pkg/ (`make pkg`), initialized. */
export async function loadPackage() {
  let pkg = null;
  try {
    pkg = await import("../../pkg/index.js");
  } catch (e) {
    throw new UsageError(
      `cannot load the package from pkg/ (run \`make pkg\` first): ${e.message}`
    );
  }
  await pkg.init();
  return pkg;
}

/**
 * Run a command: `main(argv)` resolves to the exit code; a UsageError is printed as
 * `<name>: message` (exit 2), anything else with its stack (exit 1).
 * @param {string} name
 * @param {(argv: string[]) => Promise<number>} main
 */
export function runCommand(name, main) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      if (e instanceof UsageError) {
        process.stderr.write(`${name}: ${e.message}\nRun with --help for usage.\n`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`${name}: ${e?.stack ?? e}\n`);
        process.exitCode = 1;
      }
    }
  );
}

/**
 * `argv` read with node's parseArgs against `options`; a mistake is a UsageError. With --help,
 * prints `help` and returns null.
 */
export function commandArgs(argv, {options, help, allowPositionals = false}) {
  let parsed = null;
  try {
    parsed = parseArgs({args: argv, options, allowPositionals});
  } catch (e) {
    throw new UsageError(e.message);
  }
  if (parsed.values.help) {
    process.stdout.write(help);
    return null;
  }
  return parsed;
}

/**
 * The arguments of a command that reads one CSV (bulk, replay): exactly one file or "-", a
 * --format among `formats`, a one-character --delimiter. `{opts, file}`, or null after --help.
 */
export function csvCommandArgs(argv, {options, help, formats}) {
  const parsed = commandArgs(argv, {options, help, allowPositionals: true});
  if (!parsed) return null;
  const opts = parsed.values;
  if (parsed.positionals.length !== 1)
    throw new UsageError("give exactly one CSV file (or - for standard input)");
  if (!formats.includes(opts.format))
    throw new UsageError(
      `--format must be ${formats.join(" or ")}, not ${opts.format}`
    );
  if (opts.delimiter !== undefined && opts.delimiter.length !== 1)
    throw new UsageError("--delimiter must be one character");
  return {opts, file: parsed.positionals[0]};
}

/** The text of `file`, or of standard input for "-"; unreadable is a UsageError. */
export async function readInput(file) {
  try {
    if (file !== "-") return await readFile(file, "utf8");
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    return Buffer.concat(chunks).toString("utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e.message}`);
  }
}

/** `text` for the terminal: `--no-color`, NO_COLOR and non-TTY streams get plain text. */
export function styler(stream, {color} = {}) {
  const on =
    color ??
    (Boolean(stream.isTTY) &&
      !("NO_COLOR" in process.env) &&
      process.env.TERM !== "dumb");
  const wrap = (open, close) => (s) =>
    on ? `\x1b[${open}m${s}\x1b[${close}m` : String(s);
  return {
    enabled: on,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Colour for an outcome status. */
export function statusColor(s, status) {
  return (
    {sent: s.green, failed: s.red, unknown: s.yellow, deferred: s.cyan}[status] ??
    ((x) => x)
  );
}

/** Visible width of a string, ignoring ANSI colour codes. */
export const visibleWidth = (s) => String(s).replace(/\x1b\[[0-9;]*m/g, "").length;

/** Left-aligned columns, padded to the widest cell of each (ANSI-aware). */
export function table(rows, {gap = "  "} = {}) {
  const widths = [];
  for (const row of rows)
    row.forEach(
      (cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell)))
    );
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1
            ? String(cell)
            : String(cell) + " ".repeat(widths[i] - visibleWidth(cell))
        )
        .join(gap)
        .trimEnd()
    )
    .join("\n");
}

/** `{code, message}` of an engine error, or of anything else thrown. */
export function errorInfo(e) {
  if (e && typeof e === "object" && typeof e.code === "string")
    return {code: e.code, message: e.message};
  return {code: "error", message: String(e?.message ?? e)};
}

/** `key=value` (the first `=` splits; the value may contain more). */
export function parseKeyValue(text) {
  const i = text.indexOf("=");
  if (i <= 0)
    throw new UsageError(`--value needs key=value, got ${JSON.stringify(text)}`);
  return [text.slice(0, i).trim(), text.slice(i + 1)];
}

/** yes/no as people write it in a spreadsheet (English and Indonesian); empty is `fallback`. */
export function parseBool(text, fallback = false) {
  const t = String(text ?? "")
    .trim()
    .toLowerCase();
  if (t === "") return fallback;
  if (["1", "true", "yes", "y", "ya", "x"].includes(t)) return true;
  if (["0", "false", "no", "n", "tidak"].includes(t)) return false;
  return undefined;
}
