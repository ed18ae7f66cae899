#!/usr/bin/env node
// A CSV of recipients through the engine: a dry run (decision and masked request per row, in one
// planBatch call) or, with --send, live sends to the provider simulator with a concurrency limit.
// A bad row (malformed CSV, invalid phone, missing value) is reported with its row number and
// never stops the others. Uses the package in pkg/.

import {basename} from "node:path";
import {
  DEFAULT_BASE_URL,
  UsageError,
  csvCommandArgs,
  errorInfo,
  loadConfig,
  loadPackage,
  readInput,
  runCommand,
  statusColor,
  styler,
  table,
} from "./lib/common.mjs";
import {readRows} from "./lib/rows.mjs";

const HELP = `Usage: node cli/bulk.mjs FILE.csv [options]      (FILE "-" reads standard input)

The CSV has a header row. Columns (names are case-insensitive; _ - and spaces are ignored):
  phone            recipient's phone as typed (required)
  name             recipient's name
  metaOptIn        yes/no (also true/false, 1/0, ya/tidak): agreed to official (Meta) messages
  optedOut         yes/no: asked to receive nothing
  template         master template code (or --template for rows that leave it empty)
  forceProvider, idempotencyKey, optInUrl   optional
  any other column a template value, e.g. partner_name, permit_number (empty cells are omitted)
A sample for the demo office: examples/recipients.csv

Options:
  --template CODE       template for rows without one
  --config FILE         engine configuration (JSON); default: the built-in demo office
  --base-url URL        point every provider at URL/<kind> (default for the demo: ${DEFAULT_BASE_URL})
  --format table|jsonl  output (default: table); jsonl prints one JSON object per row and a summary
  --send                send for real (to the simulator): without it nothing is sent
  --concurrency N       sends in flight at once (default: 4)
  --strict              exit 1 if any row is invalid or not sent
  --delimiter C         field separator (default: "," or ";" as the header uses)
  --no-color            plain text even on a terminal (NO_COLOR works too)
  -h, --help            this help

--send with --config also needs --base-url: this tool sends to the simulator, never by accident
to the real providers of a production configuration.

Exit status: 0 when every row was processed (even if some failed), 1 with --strict when a row
was invalid or not sent, 2 on usage errors (bad option, unreadable file or header).
`;

const OPTIONS = {
  template: {type: "string"},
  config: {type: "string"},
  "base-url": {type: "string"},
  format: {type: "string", default: "table"},
  send: {type: "boolean", default: false},
  concurrency: {type: "string", default: "4"},
  strict: {type: "boolean", default: false},
  delimiter: {type: "string"},
  "no-color": {type: "boolean", default: false},
  help: {type: "boolean", short: "h", default: false},
};

// --- output -------------------------------------------------------------------------------------

/** Where a row is, as a person finds it: the spreadsheet row, and the line if it differs. */
const where = (r) =>
  r.line !== r.row ? `row ${r.row} (line ${r.line})` : `row ${r.row}`;

function reportError(out, r, s) {
  if (out.jsonl)
    out.line(JSON.stringify({type: "error", row: r.row, line: r.line, ...r.error}));
  out.err(
    `${s.red("error")} ${where(r)}: ${r.error.message} ${s.dim(`[${r.error.code}]`)}`
  );
}

/** Counts per provider and status, plus invalid rows. */
class Summary {
  constructor() {
    this.byProvider = new Map();
    this.invalid = [];
  }
  add(provider, status) {
    const key = provider ?? "(none)";
    const c = this.byProvider.get(key) ?? {
      sent: 0,
      failed: 0,
      unknown: 0,
      deferred: 0,
      planned: 0,
    };
    c[status] += 1;
    this.byProvider.set(key, c);
  }
  get total() {
    const t = {sent: 0, failed: 0, unknown: 0, deferred: 0, planned: 0};
    for (const c of this.byProvider.values())
      for (const k of Object.keys(t)) t[k] += c[k];
    return t;
  }
  toJSON() {
    return {
      providers: Object.fromEntries(this.byProvider),
      total: this.total,
      invalidRows: this.invalid,
    };
  }
}

// --- dry run ------------------------------------------------------------------------------------

function dryRun(engine, rows, out, s) {
  const valid = rows.filter((r) => r.notification);
  // One engine call for the whole file: planBatch answers per notification, errors included.
  const plans = valid.length ? engine.planBatch(valid.map((r) => r.notification)) : [];
  valid.forEach((r, i) => {
    if (plans[i].error) r.error = plans[i].error;
    else r.plan = plans[i].ok;
  });
  const summary = new Summary();
  const tableRows = [
    ["row", "phone", "template", "provider", "chain", "opt-in link"].map(s.bold),
  ];
  for (const r of rows) {
    if (r.error) {
      summary.invalid.push(r.row);
      reportError(out, r, s);
      continue;
    }
    const d = r.plan.decision;
    summary.add(d.provider, "planned");
    if (out.jsonl) {
      out.line(
        JSON.stringify({
          type: "plan",
          row: r.row,
          phone: d.phone,
          template: d.template,
          provider: d.provider,
          chain: d.chain,
          appendOptInLink: d.appendOptInLink,
          trace: d.trace,
          text: r.plan.text,
          request: r.plan.request,
        })
      );
    } else {
      tableRows.push([
        String(r.row),
        d.phone,
        d.template,
        d.provider ? s.green(d.provider) : s.red("none"),
        d.chain.join(" → ") || s.dim(d.trace.at(-1)?.code ?? ""),
        d.appendOptInLink ? "yes" : "no",
      ]);
    }
  }
  if (out.jsonl) {
    out.line(JSON.stringify({type: "summary", mode: "dry-run", ...summary.toJSON()}));
  } else {
    if (tableRows.length > 1) out.line(table(tableRows));
    const per = [...summary.byProvider].map(([p, c]) => `${p} ${c.planned}`).join(", ");
    out.line(
      `\n${rows.length} rows: ${summary.total.planned} planned${per ? ` (${per})` : ""}, ` +
        `${summary.invalid.length} invalid${summary.invalid.length ? ` (rows ${summary.invalid.join(", ")})` : ""}. Nothing was sent.`
    );
  }
  return summary;
}

/** A one-line progress bar on stderr, redrawn in place (terminals only). */
class ProgressBar {
  constructor(out, total, s) {
    Object.assign(this, {out, total, s, count: 0, line: ""});
    this.draw({total: {sent: 0, failed: 0, unknown: 0, deferred: 0}, invalid: []});
  }
  tick(summary) {
    this.count += 1;
    this.draw(summary);
  }
  draw(summary) {
    const width = 28;
    const filled = this.total ? Math.round((this.count / this.total) * width) : width;
    const t = summary.total;
    const s = this.s;
    this.line =
      `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${this.count}/${this.total}  ` +
      `${s.green(`sent ${t.sent}`)} · ${s.red(`failed ${t.failed}`)} · ${s.yellow(`unknown ${t.unknown}`)} · ` +
      `${s.cyan(`deferred ${t.deferred}`)} · invalid ${summary.invalid.length}`;
    this.out.stderr.write(`\r\x1b[2K${this.line}`);
  }
  clear() {
    this.out.stderr.write("\r\x1b[2K");
  }
  redraw() {
    this.out.stderr.write(this.line);
  }
  finish() {
    this.out.stderr.write("\n");
  }
}

// --- live send ----------------------------------------------------------------------------------

async function sendAll(engine, rows, {concurrency, out, s}) {
  const summary = new Summary();
  const progress = out.progress ? new ProgressBar(out, rows.length, s) : null;
  const done = () => progress?.tick(summary);
  const handle = async (r) => {
    if (r.error) {
      summary.invalid.push(r.row);
      out.above(progress, () => reportError(out, r, s));
      return done();
    }
    let outcome = null;
    try {
      outcome = await engine.send(r.notification);
    } catch (e) {
      r.error = errorInfo(e);
      summary.invalid.push(r.row);
      out.above(progress, () => reportError(out, r, s));
      return done();
    }
    summary.add(outcome.provider, outcome.status);
    const attempts = outcome.attempts.map((a) => ({
      provider: a.provider,
      classification: a.classification,
      code: a.code,
    }));
    if (out.jsonl) {
      out.line(
        JSON.stringify({
          type: "outcome",
          row: r.row,
          phone: r.notification.recipient.phone,
          template: r.notification.template,
          status: outcome.status,
          provider: outcome.provider,
          messageIds: outcome.messageIds,
          code: outcome.code,
          message: outcome.message,
          retryAtMs: outcome.retryAtMs,
          attempts,
        })
      );
    } else if (!progress || outcome.status !== "sent") {
      // On a terminal the bar shows progress; only what needs a look is printed above it.
      // Fixed widths: rows finish in any order, one line at a time.
      const path = attempts.map((a) => `${a.provider}:${a.classification}`).join(" → ");
      const status = statusColor(s, outcome.status)(outcome.status.padEnd(8));
      const detail = outcome.messageIds[0] ?? outcome.code ?? "—";
      const line = `${where(r).padEnd(8)} ${status} ${(outcome.provider ?? "(none)").padEnd(7)} ${detail}`;
      out.above(progress, () => out.line(path ? `${line}  ${s.dim(path)}` : line));
    }
    return done();
  };

  // A fixed pool of workers pulling the next row: at most `concurrency` sends in flight.
  let next = 0;
  const worker = async () => {
    while (next < rows.length) await handle(rows[next++]);
  };
  await Promise.all(Array.from({length: Math.min(concurrency, rows.length)}, worker));
  progress?.finish();

  if (out.jsonl) {
    out.line(JSON.stringify({type: "summary", mode: "send", ...summary.toJSON()}));
  } else {
    const head = ["provider", "sent", "failed", "unknown", "deferred"];
    const counts = (c) => [c.sent, c.failed, c.unknown, c.deferred].map(String);
    const lines = [
      head.map(s.bold),
      ...[...summary.byProvider]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([p, c]) => [p, ...counts(c)]),
    ];
    lines.push([s.bold("total"), ...counts(summary.total)]);
    out.line(`\n${table(lines)}`);
    out.line(
      `invalid rows: ${summary.invalid.length}${summary.invalid.length ? ` (rows ${summary.invalid.sort((a, b) => a - b).join(", ")})` : ""}`
    );
  }
  return summary;
}

// --- main ---------------------------------------------------------------------------------------

async function main(argv) {
  const args = csvCommandArgs(argv, {
    options: OPTIONS,
    help: HELP,
    formats: ["table", "jsonl"],
  });
  if (!args) return 0;
  const {opts, file} = args;
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError("--concurrency must be a whole number ≥ 1");
  if (opts.send && opts.config && !opts["base-url"]) {
    throw new UsageError("--send with --config needs --base-url (the simulator's URL)");
  }

  const text = await readInput(file);
  const rows = readRows(text, {
    delimiter: opts.delimiter,
    defaultTemplate: opts.template,
  });
  const config = await loadConfig({configPath: opts.config, baseUrl: opts["base-url"]});
  const pkg = await loadPackage();
  let engine = null;
  try {
    engine = new pkg.Engine(config);
  } catch (e) {
    const {code, message} = errorInfo(e);
    throw new UsageError(`the configuration is not usable: ${message} [${code}]`);
  }

  const color = opts["no-color"] ? {color: false} : {};
  const s = styler(process.stdout, color);
  const out = {
    jsonl: opts.format === "jsonl",
    progress: opts.send && opts.format === "table" && Boolean(process.stderr.isTTY),
    stderr: process.stderr,
    line: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    /** Print above the progress bar (clear it, print, redraw it). */
    above: (bar, print) => {
      bar?.clear();
      print();
      bar?.redraw();
    },
  };
  if (opts.send && !out.jsonl) {
    const base = opts["base-url"] ?? (opts.config ? "" : DEFAULT_BASE_URL);
    out.err(
      s.dim(
        `sending ${rows.filter((r) => r.notification).length} rows from ${basename(file)} to ${base}, ${concurrency} at a time`
      )
    );
  }
  const summary = opts.send
    ? await sendAll(engine, rows, {concurrency, out, s})
    : dryRun(engine, rows, out, s);
  const t = summary.total;
  const clean = summary.invalid.length === 0 && t.failed + t.unknown + t.deferred === 0;
  return opts.strict && !clean ? 1 : 0;
}

runCommand("bulk", main);
