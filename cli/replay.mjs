#!/usr/bin/env node
// Shadow replay of a routing change over a CSV export of messages: the engine's `replay` op
// starts each row as a send with the current configuration and with the draft, stops before any
// request leaves, and counts what changes (provider, opt-in invitation, eligibility, refusals).
// Nothing is sent. A bad row is reported with its row number and never stops the others. Uses
// the package in pkg/.

import {readFile} from "node:fs/promises";
import {
  UsageError,
  csvCommandArgs,
  errorInfo,
  loadPackage,
  readInput,
  runCommand,
  styler,
  table,
} from "./lib/common.mjs";
import {readRows} from "./lib/rows.mjs";

/** The engine's bound on one replay (src/replay.rs MAX_MESSAGES). */
const MAX_LAST = 10_000;

const HELP = `Usage: node cli/replay.mjs --current FILE.json --draft FILE.json MESSAGES.csv [options]

Replays the last N messages of MESSAGES.csv ("-" reads standard input) with the configuration in
force and with the draft one, and prints what would change. Nothing is sent.

The CSV has a header row with the columns of cli/bulk.mjs (phone, name, metaOptIn, optedOut,
template, forceProvider, idempotencyKey, optInUrl, then one column per template value) and
optionally "ref": the message's reference in your system, shown in the examples (default: the
row number). Rows are in sending order: the last N rows are the last N messages.

Options:
  --current FILE        the engine configuration in force (JSON, required)
  --draft FILE          the configuration you are about to put in force (JSON, required)
  --last N              replay the last N rows (default: 1000, at most ${MAX_LAST})
  --examples N          examples per kind of change (default: 5, at most 50)
  --format table|json   output (default: table); json prints the engine's report
  --delimiter C         field separator (default: "," or ";" as the header uses)
  --no-color            plain text even on a terminal (NO_COLOR works too)
  -h, --help            this help

Exit status: 0 when the replay ran (whatever changes), 2 on usage errors (bad option, unreadable
file or header, a configuration the engine refuses).
`;

const OPTIONS = {
  current: {type: "string"},
  draft: {type: "string"},
  last: {type: "string", default: "1000"},
  examples: {type: "string", default: "5"},
  format: {type: "string", default: "table"},
  delimiter: {type: "string"},
  "no-color": {type: "boolean", default: false},
  help: {type: "boolean", short: "h", default: false},
};

/** Rows in the CSV's order; a CSV `ref` that is a whole number is passed as a number. */
function refOf(r) {
  const ref = r.extra?.ref;
  if (!ref) return r.row;
  return /^-?\d{1,15}$/.test(ref) ? Number(ref) : ref;
}

const CHANGES = [
  ["providerChanged", "sent by another provider"],
  ["invitationLost", "lose the opt-in invitation"],
  ["invitationGained", "gain the opt-in invitation"],
  ["becameIneligible", "become ineligible (nothing may be sent)"],
  ["becameEligible", "become eligible again"],
  ["newlyRefused", "refused by the engine"],
  ["noLongerRefused", "no longer refused"],
];

function printTable(report, invalid, out, s) {
  const {current, draft} = report;
  const providers = [
    ...new Set([...Object.keys(current.byProvider), ...Object.keys(draft.byProvider)]),
  ].sort();
  const delta = (a, b) =>
    a === b ? s.dim("=") : b > a ? s.green(`+${b - a}`) : s.red(String(b - a));
  const line = (label, a, b) => [label, String(a), String(b), delta(a, b)];
  const rows = [["", "current", "draft", "change"].map(s.bold)];
  for (const p of providers)
    rows.push(
      line(`sent by ${p}`, current.byProvider[p] ?? 0, draft.byProvider[p] ?? 0)
    );
  rows.push(line("nothing may be sent", current.ineligible, draft.ineligible));
  rows.push(
    line("with opt-in invitation", current.withInvitation, draft.withInvitation)
  );
  rows.push(line("refused by the engine", current.refused, draft.refused));
  const codes = [
    ...new Set([
      ...Object.keys(current.refusedCodes),
      ...Object.keys(draft.refusedCodes),
    ]),
  ].sort();
  for (const c of codes)
    rows.push(
      line(s.dim(`  ${c}`), current.refusedCodes[c] ?? 0, draft.refusedCodes[c] ?? 0)
    );
  out.line(table(rows));

  out.line(
    `\n${s.bold(`${report.changed} of ${report.replayed} messages change`)}${report.changed ? ":" : "."}`
  );
  const changes = CHANGES.filter(([k]) => report.changes[k]).map(([k, words]) => [
    String(report.changes[k]),
    words,
  ]);
  if (changes.length) out.line(table(changes));

  if (report.examples.length) {
    out.line(`\n${s.bold("examples")}`);
    const side = (r) =>
      r.error
        ? s.red(r.error.code)
        : r.provider
          ? `${r.provider}${r.invitation ? " +invitation" : ""}`
          : s.red("none");
    const ex = [["ref", "changes", "current", "draft", "draft reasons"].map(s.bold)];
    for (const e of report.examples) {
      ex.push([
        String(e.ref),
        e.changes.join(", "),
        side(e.current),
        side(e.draft),
        s.dim(e.draft.codes.join(" ")),
      ]);
    }
    out.line(table(ex));
    if (report.examplesOmitted)
      out.line(s.dim(`(${report.examplesOmitted} more changed messages not shown)`));
  }
  if (invalid.length) {
    out.line(`\n${invalid.length} rows not replayable (rows ${invalid.join(", ")}).`);
  }
  out.line("Nothing was sent.");
}

async function readJson(path, what) {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new UsageError(`cannot read the ${what} configuration ${path}: ${e.message}`);
  }
}

const whole = (text, name, max) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return n;
};

async function main(argv) {
  const io = {stdout: process.stdout, stderr: process.stderr};
  const args = csvCommandArgs(argv, {
    options: OPTIONS,
    help: HELP,
    formats: ["table", "json"],
  });
  if (!args) return 0;
  const {opts, file} = args;
  if (!opts.current || !opts.draft)
    throw new UsageError("--current and --draft are both required");
  const last = whole(opts.last, "last", MAX_LAST);
  const examples = whole(opts.examples, "examples", 50);

  const text = await readInput(file);
  const rows = readRows(text, {
    delimiter: opts.delimiter,
    extraColumns: {ref: "ref"},
  }).slice(-last);
  const [current, draft] = [
    await readJson(opts.current, "current"),
    await readJson(opts.draft, "draft"),
  ];
  const pkg = await loadPackage();

  const s = styler(io.stdout, opts["no-color"] ? {color: false} : {});
  const out = {line: (l) => io.stdout.write(`${l}\n`)};
  const invalid = [];
  const messages = [];
  for (const r of rows) {
    if (r.error) {
      invalid.push(r.row);
      io.stderr.write(
        `${s.red("error")} row ${r.row}: ${r.error.message} ${s.dim(`[${r.error.code}]`)}\n`
      );
    } else {
      messages.push({ref: refOf(r), notification: r.notification});
    }
  }
  let report = null;
  try {
    // The op carries both configurations: the engine instance only runs it.
    report = new pkg.Engine(current).call("replay", {
      current,
      draft,
      messages,
      examples,
    });
  } catch (e) {
    const {code, message} = errorInfo(e);
    throw new UsageError(`the engine refused the replay: ${message} [${code}]`);
  }
  if (opts.format === "json")
    out.line(JSON.stringify({...report, invalidRows: invalid}, null, 2));
  else printTable(report, invalid, out, s);
  return 0;
}

runCommand("replay", main);
