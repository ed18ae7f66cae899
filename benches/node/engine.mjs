#!/usr/bin/env node
// Node benchmark of the Wasm engine (pkg/, the npm package) against a plain-JS baseline that
// builds the same request bytes with mustache + JSON.stringify + a multipart template.
//
//   node benches/node/engine.mjs            JSON lines on stdout, progress on stderr
//
// Measured side by side in this process, per message:
//   node.single.plan    engine.call("plan", n)        vs baseline(n)
//   node.single.render  engine.render(n, provider)    vs baseline(n)
//   node.batch.1k/10k   engine.planBatch(1,000/10,000) vs a loop of baseline(n) over the same list
// and node.instantiate: cold `import` + `init()` + `new Engine(config)` in fresh processes.
// The baseline's bytes are checked against the engine's masked requests before any timing.

import {spawnSync} from "node:child_process";
import {fileURLToPath} from "node:url";
import {performance} from "node:perf_hooks";

const SELF = fileURLToPath(import.meta.url);
const PKG = new URL("../../pkg/index.js", import.meta.url).href;

if (process.argv[2] === "--cold-init") {
  // Child of the instantiate measurement: a fresh process, nothing loaded yet.
  const t0 = performance.now();
  const pkg = await import(PKG);
  await pkg.init();
  const t1 = performance.now();
  const {demoConfig} = await import("../../cli/lib/common.mjs");
  const t2 = performance.now();
  new pkg.Engine(demoConfig());
  const t3 = performance.now();
  process.stdout.write(
    `${JSON.stringify({initMs: t1 - t0, engineMs: t3 - t2, sinceProcessStartMs: t3})}\n`
  );
  process.exit(0);
}

const {
  emit,
  note,
  notification,
  verificationSet,
  makeBaseline,
  maskedConfig,
  compareRequests,
  sideBySide,
  consume,
  median,
  sinkValue,
} = await import("./common.mjs");
const {demoConfig} = await import("../../cli/lib/common.mjs");

const quick = process.env.BENCH_QUICK === "1";
const pkg = await import(PKG);
await pkg.init();
const config = demoConfig();
const engine = new pkg.Engine(config);
const baseline = makeBaseline(config);

// --- 1. byte equality, once, before timing ------------------------------------------------------
{
  const masked = makeBaseline(maskedConfig(config));
  const diffs = [];
  const checked = [
    ...verificationSet(),
    ...Array.from({length: 300}, (_, i) => notification(i)),
  ];
  for (const [k, n] of checked.entries()) {
    const plan = engine.call("plan", n);
    diffs.push(
      ...compareRequests(
        `plan #${k} (${n.forceProvider})`,
        plan.request,
        plan.text,
        masked(n)
      )
    );
    const r = engine.render(n, n.forceProvider);
    // render's text is the preview text for every provider (Meta's too): compared for gateways.
    const text = n.forceProvider === "meta" ? undefined : r.text;
    diffs.push(
      ...compareRequests(
        `render #${k} (${n.forceProvider})`,
        r.request,
        text,
        masked(n)
      )
    );
  }
  const batch = engine.planBatch(checked);
  for (const [k, item] of batch.entries()) {
    if (!item.ok) diffs.push(`planBatch #${k}: ${JSON.stringify(item.error)}`);
    else
      diffs.push(
        ...compareRequests(
          `planBatch #${k}`,
          item.ok.request,
          item.ok.text,
          masked(checked[k])
        )
      );
  }
  for (const [k, item] of engine.planBatchCompact(checked).entries()) {
    if (!item.ok) diffs.push(`planBatchCompact #${k}: ${JSON.stringify(item.error)}`);
    else
      diffs.push(
        ...compareRequests(
          `planBatchCompact #${k}`,
          item.ok.request,
          undefined,
          masked(checked[k])
        )
      );
  }
  emit({
    bench: "node.verify",
    ok: diffs.length === 0,
    checked: checked.length * 4,
    differences: diffs.length,
  });
  if (diffs.length) {
    for (const d of diffs.slice(0, 5)) process.stderr.write(`${d}\n`);
    note(
      `node: the baseline does not build the engine's bytes (${diffs.length} differences); no timing`
    );
    process.exit(1);
  }
  note(
    `node: baseline bytes equal the engine's masked requests (${checked.length} notifications × plan/render/planBatch/planBatchCompact)`
  );
}

// --- 2. single calls and batches, side by side -----------------------------------------------------
const opts = quick ? {rounds: 3, roundMs: 50, warmupMs: 100} : {};
const pool = Array.from({length: 3 * 1024}, (_, i) => notification(i));
let j = 0;
const next = () => pool[(j = j + 1 === pool.length ? 0 : j + 1)];

{
  note("node: single plan");
  const r = sideBySide(
    () => consume(engine.call("plan", next()).request.body),
    () => consume(baseline(next()).request.body),
    opts
  );
  emit({bench: "node.single.plan", unit: "ns/msg", ...r});
}
{
  note("node: single render");
  const r = sideBySide(
    () => {
      const n = next();
      consume(engine.render(n, n.forceProvider).request.body);
    },
    () => consume(baseline(next()).request.body),
    opts
  );
  emit({bench: "node.single.render", unit: "ns/msg", ...r});
}
// Full plans (decision with the trace's words, text) and compact ones (what a bulk sender needs).
for (const [form, size] of [
  ["full", 1_000],
  ["full", 10_000],
  ["compact", 1_000],
  ["compact", 10_000],
]) {
  note(`node: batch of ${size}, ${form} plans`);
  const list = Array.from({length: size}, (_, i) => notification(i));
  const plan =
    form === "full" ? (l) => engine.planBatch(l) : (l) => engine.planBatchCompact(l);
  const r = sideBySide(
    () => {
      const items = plan(list);
      for (let k = 0; k < items.length; k++) consume(items[k].ok.request.body);
    },
    () => {
      const items = new Array(list.length);
      for (let k = 0; k < list.length; k++) items[k] = baseline(list[k]);
      for (let k = 0; k < items.length; k++) consume(items[k].request.body);
    },
    {
      msgsPerCall: size,
      ...(quick
        ? {rounds: 3, roundMs: 100, warmupMs: 200}
        : {rounds: 5, roundMs: 300, warmupMs: 500}),
    }
  );
  const name =
    form === "full"
      ? `node.batch.${size / 1000}k`
      : `node.batch.compact.${size / 1000}k`;
  emit({bench: name, unit: "ns/msg", batch: size, ...r});
}

// Where a batch's time goes (orientation for the report): the JSON text in and out and the
// JSON.parse of the answer, measured apart from the engine call.
{
  const list = Array.from({length: 10_000}, (_, i) => notification(i));
  const time = (fn, reps = quick ? 2 : 5) => {
    const xs = [];
    for (let k = 0; k < reps; k++) {
      const t0 = process.hrtime.bigint();
      fn();
      xs.push(Number(process.hrtime.bigint() - t0) / list.length);
    }
    return Math.round(median(xs) * 10) / 10;
  };
  for (const form of ["full", "compact"]) {
    const plan =
      form === "full" ? (l) => engine.planBatch(l) : (l) => engine.planBatchCompact(l);
    const answer = JSON.stringify(plan(list));
    emit({
      bench:
        form === "full"
          ? "node.batch.10k.breakdown"
          : "node.batch.compact.10k.breakdown",
      unit: "ns/msg",
      total: time(() => consume(plan(list))),
      stringifyArgs: time(() => consume(JSON.stringify({notifications: list}))),
      parseAnswer: time(() => consume(JSON.parse(answer))),
      answerBytesPerMsg: Math.round(answer.length / list.length),
      argsBytesPerMsg: Math.round(
        JSON.stringify({notifications: list}).length / list.length
      ),
    });
  }
}

// Shadow replay of a routing change over 10,000 messages (issue 18: seconds, not minutes), as
// cli/replay.mjs calls it: the Meta profile back to draft and the gateways swapped, every
// message routed with both configurations. Best of 3.
{
  note("node: replay of 10,000 messages");
  const current = config;
  const draft = structuredClone(config);
  draft.providers.find((p) => p.kind === "meta").state = "draft";
  draft.fallbackOrder = ["fonnte", "watzap"];
  const messages = Array.from({length: 10_000}, (_, i) => {
    const n = notification(i);
    delete n.forceProvider;
    return {ref: i, notification: n};
  });
  let best = Infinity;
  let report = null;
  for (let k = 0; k < (quick ? 1 : 3); k++) {
    const t0 = process.hrtime.bigint();
    report = engine.call("replay", {current, draft, messages});
    best = Math.min(best, Number(process.hrtime.bigint() - t0));
  }
  emit({
    bench: "node.replay.10k",
    unit: "ns/msg",
    nsPerOp: Math.round(best / 1e4),
    totalMs: Math.round(best / 1e5) / 10,
    changed: report.changed,
  });
}

// The fixed cost of one crossing (JSON.stringify of the args, the op, JSON.parse of the answer).
{
  const r = sideBySide(
    () => consume(engine.call("version", null)),
    () => consume(JSON.parse('"0.1.0"')),
    opts
  );
  emit({bench: "node.call.version", unit: "ns/call", nsPerOp: r.nsPerOp});
}

// --- 3. cold instantiate in fresh processes ------------------------------------------------------
{
  const runs = quick ? 2 : 5;
  note(`node: cold init() in ${runs} fresh processes`);
  const samples = [];
  for (let k = 0; k < runs; k++) {
    const child = spawnSync(process.execPath, [SELF, "--cold-init"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    if (child.status !== 0) {
      note(`node: cold-init child failed: ${child.stderr}`);
      continue;
    }
    samples.push(JSON.parse(child.stdout.trim().split("\n").pop()));
  }
  if (samples.length) {
    const r = (x) => Math.round(x * 10) / 10;
    emit({
      bench: "node.instantiate",
      ms: r(median(samples.map((s) => s.initMs))),
      engineMs: r(median(samples.map((s) => s.engineMs))),
      sinceProcessStartMs: r(median(samples.map((s) => s.sinceProcessStartMs))),
      samples: samples.map((s) => r(s.initMs)),
    });
  } else {
    emit({bench: "node.instantiate", error: "every cold-init child failed"});
  }
}
note(`node: done (${sinkValue() & 1})`);
