#!/usr/bin/env node
// One notification through the engine, nothing sent: the routing decision, the trace in words,
// and the request every provider would get (credentials masked). Uses the package in pkg/.

import {
  DEFAULT_BASE_URL,
  UsageError,
  commandArgs,
  errorInfo,
  loadConfig,
  loadPackage,
  parseKeyValue,
  runCommand,
  styler,
  table,
} from "./lib/common.mjs";

const HELP = `Usage: node cli/dry-run.mjs --template CODE --phone NUMBER [options]

Show what the engine would do with one notification: the decision, why (the trace), and the
request each provider would get, with credentials masked. Nothing is sent.

Options:
  --template CODE       master template code (demo: permit_ready, permit_reminder, status_update,
                        renewal_approved, meta_opt_in_request)
  --phone NUMBER        recipient's phone as typed (0812-…, +62 812…)
  --name NAME           recipient's name
  --value KEY=VALUE     a template value; repeat for each (e.g. --value partner_name="Budi Santoso")
  --opt-in              the recipient agreed to official (Meta) messages
  --opted-out           the recipient asked to receive nothing
  --force PROVIDER      use this provider id and nothing else
  --config FILE         engine configuration (JSON, the EngineConfig shape); default: a built-in
                        demo office on the provider simulator
  --base-url URL        point every provider at URL/<kind> (default for the demo: ${DEFAULT_BASE_URL})
  --json                print the preview as JSON (decision, providers, lint)
  --no-color            plain text even on a terminal (NO_COLOR works too)
  -h, --help            this help

Example:
  node cli/dry-run.mjs --template permit_ready --phone 0812-3456-7890 --opt-in \\
    --value partner_name="Budi Santoso" --value permit_type=PBG \\
    --value permit_number=503/PBG/2026/0142 --value office_name="DPMPTSP Kabupaten Karo"

Exit status: 0 on success, 1 when the engine refuses the input (e.g. phone.invalid), 2 on usage errors.
`;

const OPTIONS = {
  template: {type: "string"},
  phone: {type: "string"},
  name: {type: "string"},
  value: {type: "string", multiple: true, default: []},
  "opt-in": {type: "boolean", default: false},
  "opted-out": {type: "boolean", default: false},
  force: {type: "string"},
  config: {type: "string"},
  "base-url": {type: "string"},
  json: {type: "boolean", default: false},
  "no-color": {type: "boolean", default: false},
  help: {type: "boolean", short: "h", default: false},
};

function notificationFrom(opts) {
  if (!opts.template) throw new UsageError("--template is required");
  if (!opts.phone) throw new UsageError("--phone is required");
  return {
    template: opts.template,
    recipient: {
      phone: opts.phone,
      name: opts.name ?? null,
      metaOptIn: opts["opt-in"],
      optedOut: opts["opted-out"],
    },
    values: Object.fromEntries(opts.value.map(parseKeyValue)),
    forceProvider: opts.force ?? null,
  };
}

/** Pretty JSON that keeps small objects and arrays on one line (Meta's parameter lists). */
function compactJson(value, depth = 0) {
  // Strings never contain a raw line break in JSON, so this only joins the formatting.
  const flat = JSON.stringify(value, null, 1).replace(/\n */g, " ");
  if (value === null || typeof value !== "object" || flat.length + depth * 2 <= 88)
    return flat;
  const pad = "  ".repeat(depth + 1);
  const items = Array.isArray(value)
    ? value.map((v) => pad + compactJson(v, depth + 1))
    : Object.entries(value).map(
        ([k, v]) => `${pad}${JSON.stringify(k)}: ${compactJson(v, depth + 1)}`
      );
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return `${open}\n${items.join(",\n")}\n${"  ".repeat(depth)}${close}`;
}

const indent = (text, n) => text.replace(/^/gm, " ".repeat(n));

/** JSON bodies pretty-printed; form bodies one field a line; anything else as is. */
function prettyBody(body) {
  try {
    return compactJson(JSON.parse(body));
  } catch {
    if (/^[^\s=&]+=[^&]*(&[^\s=&]+=[^&]*)*$/.test(body)) {
      // Line breaks inside a value are shown escaped, so every field stays on its own line.
      const show = (v) =>
        /[\u0000-\u001f]/.test(v) ? JSON.stringify(v).slice(1, -1) : v;
      return [...new URLSearchParams(body)]
        .map(([k, v]) => `${k}=${show(v)}`)
        .join("\n");
    }
    return body;
  }
}

/** The human report of a preview. */
function render(preview, s) {
  const d = preview.decision;
  const out = [];
  const title = (t) => out.push("", s.bold(t));
  out.push(`${s.bold(d.template)} → ${d.phone}`);

  title("Decision");
  const names = Object.fromEntries(preview.providers.map((p) => [p.provider, p.name]));
  out.push(
    table([
      [
        "provider",
        d.provider
          ? `${s.green(d.provider)} (${names[d.provider] ?? d.kind})`
          : s.red("none: nothing will be sent"),
      ],
      ["chain", d.chain.length ? d.chain.join(" → ") : "—"],
      ["opt-in link", d.appendOptInLink ? "appended" : "no"],
    ]).replace(/^/gm, "  ")
  );

  title("Trace");
  out.push(
    table(
      d.trace.map((t, i) => [
        s.dim(`${i + 1}.`),
        t.message,
        s.dim(t.code),
        s.dim(t.provider ?? ""),
      ])
    ).replace(/^/gm, "  ")
  );

  title("Requests (credentials masked)");
  // Chain order first, then the providers that are not in the chain.
  const order = (p) => p.position ?? Number.MAX_SAFE_INTEGER;
  for (const p of [...preview.providers].sort((a, b) => order(a) - order(b))) {
    const where =
      p.position === null
        ? s.dim("not in the chain")
        : `#${p.position + 1} in the chain`;
    out.push(
      "",
      `  ${s.bold(p.provider)} ${s.dim(`(${p.name}, ${p.kind}, ${p.state})`)}  ${where}`
    );
    if (p.error) {
      out.push(
        `    ${s.red(`cannot build a request: ${p.error.message}`)} ${s.dim(`[${p.error.code}]`)}`
      );
      continue;
    }
    const r = p.request;
    out.push(
      `    ${r.method} ${r.url}${r.timeoutMs ? s.dim(`  (timeout ${r.timeoutMs} ms)`) : ""}`
    );
    for (const [k, v] of Object.entries(r.headers))
      out.push(`    ${s.dim(`${k}:`)} ${v}`);
    if (r.body !== null) out.push(indent(prettyBody(r.body), 4));
    if (p.text !== null && p.kind !== "meta") {
      out.push(
        `    ${s.dim("text:")} ${p.text.split("\n").join("\n          ").replace(/ +$/gm, "")}`
      );
    }
  }

  if (preview.lint.length || preview.unusedValues.length) {
    title("Notes");
    for (const l of preview.lint) {
      const sev = l.severity === "error" ? s.red(l.severity) : s.yellow(l.severity);
      out.push(
        `  ${sev} ${l.message} ${s.dim(`[${l.code}${l.field ? ` ${l.field}` : ""}]`)}`
      );
    }
    if (preview.unusedValues.length) {
      out.push(
        `  ${s.yellow("warning")} values not used by the template: ${preview.unusedValues.join(", ")}`
      );
    }
  }
  return out.join("\n");
}

async function main(argv) {
  const args = commandArgs(argv, {options: OPTIONS, help: HELP});
  if (!args) return 0;
  const opts = args.values;
  const notification = notificationFrom(opts);
  const config = await loadConfig({configPath: opts.config, baseUrl: opts["base-url"]});
  const pkg = await loadPackage();
  const color = opts["no-color"] ? {color: false} : {};
  const s = styler(process.stdout, color);
  let preview = null;
  try {
    preview = new pkg.Engine(config).preview(notification);
  } catch (e) {
    const {code, message} = errorInfo(e);
    if (opts.json)
      process.stdout.write(`${JSON.stringify({error: {code, message}}, null, 2)}\n`);
    else
      process.stderr.write(
        `${styler(process.stderr, color).red("error")} [${code}] ${message}\n`
      );
    return 1;
  }
  process.stdout.write(
    opts.json ? `${JSON.stringify(preview, null, 2)}\n` : `${render(preview, s)}\n`
  );
  return 0;
}

runCommand("dry-run", main);
