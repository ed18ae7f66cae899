// cli/bulk.mjs: CSV parsing, dry run (table and JSONL), live sends to the simulator with a
// concurrency limit, per-provider summary, bad rows reported by number without stopping the rest.

import {test, before, after, beforeEach} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {readCsv} from "../../cli/lib/csv.mjs";
import {assertNoSecrets, onTerminal, runNode, startSim} from "./helpers.mjs";

const SCRIPT = "cli/bulk.mjs";
const HEADER =
  "phone,name,metaOptIn,optedOut,template,partner_name,permit_type,permit_number,office_name,expiry_date";

// Rows 2–9 (the header is row 1). Row 5 has an invalid phone, row 6 misses permit_number, row 7
// is malformed CSV (a stray quote), row 9 is opted out.
const CSV = [
  HEADER,
  '0812-3456-7890,Budi Santoso,yes,no,permit_ready,Budi Santoso,PBG,503/PBG/2026/0142,"DPMPTSP Kabupaten Karo, Kabanjahe",',
  "+62 813 1111 2222,Siti Aminah,no,,permit_ready,Siti Aminah,SIUP,503/SIUP/2026/0099,DPMPTSP Kabupaten Karo,",
  '081399998888,"Rudi ""Ucok"" Ginting",ya,tidak,permit_reminder,Rudi Ginting,,503/IMB/2020/0007,,31 Desember 2026',
  "021-555-0199,Kantor,no,no,permit_ready,Kantor,PBG,503/PBG/2026/0143,DPMPTSP,",
  "0812-7777-6666,Dewi,no,no,permit_ready,Dewi,PBG,,DPMPTSP,",
  '0812-5555-4444,Bad"Quote,no,no,permit_ready,X,PBG,1,DPMPTSP,',
  "0857-2222-3333,Andi,1,0,renewal_approved,Andi,,503/PBG/2021/0001,,1 Januari 2031",
  "0812-0000-1111,Nina,no,yes,permit_ready,Nina,PBG,503/PBG/2026/0150,DPMPTSP,",
].join("\n");

let sim = null;
let dir = null;
let csvPath = null;
before(async () => {
  sim = await startSim();
  dir = await mkdtemp(join(tmpdir(), "sicantik-bulk-"));
  csvPath = join(dir, "recipients.csv");
  await writeFile(csvPath, CSV);
});
after(async () => {
  await sim.close();
  await rm(dir, {recursive: true, force: true});
});
beforeEach(() => sim.reset());

const bulk = (...args) => runNode([SCRIPT, ...args]);
const jsonl = (stdout) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

test("readCsv: quotes, doubled quotes, line breaks in fields, CRLF, BOM, ';' header", () => {
  const rows = [
    ...readCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n"multi\nline",2\n\n3,4\n'),
  ];
  assert.deepEqual(
    rows.map((r) => r.fields),
    [
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["multi\nline", "2"],
      ["3", "4"],
    ]
  );
  assert.deepEqual(
    rows.map((r) => [r.row, r.line]),
    [
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 6],
    ]
  );
  assert.deepEqual(
    [...readCsv("a;b\n1;2,5\n")].map((r) => r.fields),
    [
      ["a", "b"],
      ["1", "2,5"],
    ]
  );
  const bad = [...readCsv('a,b\n1,x"y\n2,"open\n3,ok\n')];
  assert.match(bad[1].error, /quote inside unquoted field 2/);
  assert.equal(bad[2].row, 3);
  assert.match(bad[2].error, /never closed|not closed/);
  assert.deepEqual(
    bad[3].fields,
    ["3", "ok"],
    "reading resumes after a malformed record"
  );
});

test("--help", async () => {
  const r = await bulk("--help");
  assert.equal(r.code, 0);
  for (const flag of [
    "--send",
    "--concurrency",
    "--base-url",
    "--format",
    "--strict",
    "--template",
  ])
    assert.ok(r.stdout.includes(flag), flag);
});

test("dry run, JSONL: a plan per good row, an error per bad row with its number, a summary", async () => {
  const r = await bulk(csvPath, "--format", "jsonl");
  assert.equal(r.code, 0, r.stderr);
  const lines = jsonl(r.stdout);
  const byRow = Object.fromEntries(lines.filter((l) => l.row).map((l) => [l.row, l]));
  assert.equal(byRow[2].type, "plan");
  assert.equal(byRow[2].provider, "meta");
  assert.equal(byRow[2].phone, "6281234567890");
  assert.ok(byRow[2].request.url.includes("/meta/"));
  assert.equal(byRow[3].provider, "watzap");
  assert.equal(byRow[3].appendOptInLink, true);
  assert.equal(byRow[4].provider, "meta");
  assert.equal(byRow[5].code, "phone.invalid");
  assert.equal(byRow[6].code, "template.missing_param");
  assert.equal(byRow[7].code, "csv.malformed");
  assert.equal(byRow[8].provider, "meta");
  assert.equal(byRow[9].provider, null);
  const summary = lines.at(-1);
  assert.equal(summary.type, "summary");
  assert.deepEqual(summary.invalidRows, [5, 6, 7]);
  assert.equal(summary.total.planned, 5);
  // Errors also reach stderr in words, with the row number.
  assert.match(r.stderr, /row 5: invalid phone number/);
  assert.match(r.stderr, /row 6: .*partner_name|row 6: .*permit_number/);
  assert.match(r.stderr, /row 7: a quote inside unquoted field/);
  assertNoSecrets(r.stdout, "bulk JSONL");
  assert.equal((await sim.requests()).length, 0, "a dry run sends nothing");
});

test("dry run, table: aligned rows and a summary", async () => {
  const r = await bulk(csvPath);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.match(lines[0], /^row\s+phone\s+template\s+provider\s+chain\s+opt-in link$/);
  const providerColumn = lines[0].indexOf("provider");
  const row2 = lines.find((l) => l.startsWith("2 "));
  assert.equal(row2.indexOf("meta"), providerColumn, "columns are aligned");
  assert.match(
    r.stdout,
    /8 rows: 5 planned \(meta 3, watzap 1, \(none\) 1\), 3 invalid \(rows 5, 6, 7\)\. Nothing was sent\./
  );
  assert.match(r.stderr, /error row 5: /);
});

test("--send: live sends with a concurrency limit, per-provider summary", async () => {
  // Every Meta send takes 150 ms, so sends overlap and the limit shows.
  await sim.fault({provider: "meta", fault: "slow", delayMs: 150});
  const r = await bulk(csvPath, "--send", "--base-url", sim.url, "--concurrency", "2");
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^row 2\s+sent\s+meta\s+wamid\./m,
    "plain lines when not on a terminal"
  );
  assert.match(r.stdout, /^row 9\s+failed\s+\(none\)/m);
  assert.match(r.stdout, /^meta\s+3\s+0\s+0\s+0$/m);
  assert.match(r.stdout, /^watzap\s+1\s+0\s+0\s+0$/m);
  assert.match(r.stdout, /^total\s+4\s+1\s+0\s+0$/m);
  assert.match(r.stdout, /invalid rows: 3 \(rows 5, 6, 7\)/);
  assert.match(r.stderr, /row 5: /);
  assert.doesNotMatch(r.stderr, /\[█/, "no progress bar when stderr is not a terminal");

  const requests = await sim.requests();
  assert.equal(requests.length, 4);
  const spans = requests.map((q) => [
    Date.parse(q.time),
    Date.parse(q.time) + q.durationMs,
  ]);
  const overlap = Math.max(
    ...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length)
  );
  assert.ok(overlap <= 2, `at most 2 sends in flight, saw ${overlap}`);
});

test(
  "--send on a terminal: a progress bar, colours, only the rows that need a look",
  {skip: !onTerminal.available},
  async () => {
    const r = await onTerminal([
      SCRIPT,
      csvPath,
      "--send",
      "--base-url",
      sim.url,
      "--concurrency",
      "3",
    ]);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /\[█{28}\] 8\/8 /, "the bar reaches 8/8");
    assert.match(r.output, /\r\x1b\[2K/, "redrawn in place");
    assert.match(r.output, /\x1b\[32msent 4\x1b\[39m/, "coloured counts");
    assert.match(r.output, /row 9\s+\x1b\[31mfailed/, "a failed row is printed");
    assert.doesNotMatch(r.output, /row 2\s+.*sent/, "sent rows are only counted");
    assert.match(r.output, /total\S*\s+4\s+1\s+0\s+0/);
  }
);

test("--send --format jsonl: outcomes, unknown after a timeout, fallback after a 503", async () => {
  const config = join(dir, "office.json");
  const {demoConfig} = await import("../../cli/lib/common.mjs");
  await writeFile(config, JSON.stringify(demoConfig(sim.url, {timeoutMs: 300})));
  await sim.fault({provider: "meta", fault: "slow", delayMs: 1000, times: 1});
  await sim.fault({provider: "watzap", fault: "http503", times: 1});
  const r = await bulk(
    csvPath,
    "--send",
    "--config",
    config,
    "--base-url",
    sim.url,
    "--format",
    "jsonl",
    "--concurrency",
    "1"
  );
  assert.equal(r.code, 0, r.stderr);
  const lines = jsonl(r.stdout);
  const byRow = Object.fromEntries(lines.filter((l) => l.row).map((l) => [l.row, l]));
  assert.equal(byRow[2].status, "unknown", JSON.stringify(byRow[2]));
  assert.equal(byRow[2].provider, "meta");
  assert.equal(byRow[3].status, "sent");
  assert.equal(byRow[3].provider, "fonnte", "watzap answered 503: next provider");
  assert.deepEqual(
    byRow[3].attempts.map((a) => a.classification),
    ["provider_down", "accepted"]
  );
  assert.equal(byRow[5].type, "error");
  const summary = lines.at(-1);
  assert.equal(summary.type, "summary");
  assert.equal(summary.total.unknown, 1);
  assert.equal(summary.providers.fonnte.sent, 1);
  assertNoSecrets(r.stdout + r.stderr, "bulk --send output");
});

test("--strict: exit 1 when a row is invalid or not sent; 0 when all is well", async () => {
  assert.equal((await bulk(csvPath, "--strict")).code, 1);
  const clean = join(dir, "clean.csv");
  await writeFile(
    clean,
    `${HEADER}\n0812-3456-7890,Budi,yes,no,permit_ready,Budi,PBG,503/PBG/2026/0142,DPMPTSP,\n`
  );
  assert.equal((await bulk(clean, "--strict")).code, 0);
  const sent = await bulk(clean, "--strict", "--send", "--base-url", sim.url);
  assert.equal(sent.code, 0, sent.stdout + sent.stderr);
});

test("standard input, ';' separator, --template default, wrong field count", async () => {
  const csv =
    "Phone;Name;Meta Opt-In;partner_name;permit_number;status\n0812-3456-7890;Budi;ya;Budi;503/1;Diverifikasi\n0812-1;x\n";
  const r = await runNode(
    [SCRIPT, "-", "--template", "status_update", "--format", "jsonl"],
    {input: csv}
  );
  assert.equal(r.code, 0, r.stderr);
  const lines = jsonl(r.stdout);
  assert.equal(lines[0].provider, "meta");
  assert.equal(lines[0].template, "status_update");
  assert.equal(lines[1].row, 3);
  assert.equal(lines[1].code, "csv.field_count");
  assert.match(lines[1].message, /expected 6 fields as in the header, got 2/);
});

test("examples/recipients.csv: every row plans, and all but the opted-out one are sent", async () => {
  const dry = await bulk("examples/recipients.csv", "--strict", "--format", "jsonl");
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(jsonl(dry.stdout).at(-1).invalidRows, []);
  const sent = await bulk(
    "examples/recipients.csv",
    "--send",
    "--base-url",
    sim.url,
    "--format",
    "jsonl"
  );
  assert.equal(sent.code, 0, sent.stderr);
  const summary = jsonl(sent.stdout).at(-1);
  assert.equal(summary.total.sent, 5, JSON.stringify(summary));
  assert.equal(summary.total.failed, 1);
});

test("usage errors exit 2: no file, no phone column, unreadable config", async () => {
  for (const [args, message] of [
    [[], /exactly one CSV file/],
    [[join(dir, "missing.csv")], /cannot read/],
    [[csvPath, "--concurrency", "0"], /--concurrency/],
    [[csvPath, "--send", "--config", csvPath], /needs --base-url/],
  ]) {
    const r = await bulk(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const noPhone = join(dir, "nophone.csv");
  await writeFile(noPhone, "name,template\nBudi,permit_ready\n");
  const r = await bulk(noPhone);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no phone column/);
});
