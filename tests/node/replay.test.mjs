// cli/replay.mjs: a CSV export replayed with the configuration in force and a draft through
// the engine's `replay` op; the table of counts and examples, JSON output, bad rows reported by
// number, the last N rows only, usage errors. Nothing is sent (no simulator runs here, and every
// provider points at a closed port).

import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {assertNoSecrets, closedPort, demoConfig, runNode} from "./helpers.mjs";

const SCRIPT = "cli/replay.mjs";
const HEADER =
  "ref,phone,metaOptIn,optedOut,template,partner_name,permit_type,permit_number,office_name";
// Rows 2–7: 2 and 5 opted in (Meta), 3 and 6 without opt-in (Watzap + invitation), 4 opted out,
// 7 has an invalid phone, 8 is malformed CSV.
const CSV = [
  HEADER,
  "msg-11,0812-3456-7890,yes,no,permit_ready,Budi,PBG,503/PBG/2026/0142,DPMPTSP",
  "12,+62 813 1111 2222,no,no,permit_ready,Siti,SIUP,503/SIUP/2026/0099,DPMPTSP",
  "13,0813-9999-8888,no,yes,permit_ready,Rudi,PBG,503/PBG/2026/0143,DPMPTSP",
  "14,0857-2222-3333,ya,no,permit_ready,Andi,PBG,503/PBG/2026/0144,DPMPTSP",
  "15,0812-7777-6666,tidak,no,permit_ready,Dewi,PBG,503/PBG/2026/0145,DPMPTSP",
  "16,021-555-0199,no,no,permit_ready,Kantor,PBG,503/PBG/2026/0146,DPMPTSP",
  '17,0812-5555-4444,no,no,permit_ready,Bad"Quote,PBG,1,DPMPTSP',
].join("\n");

let dir = null;
const path = (name) => join(dir, name);
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "sicantik-replay-"));
  const current = demoConfig(`http://127.0.0.1:${await closedPort()}`);
  // The draft: the Meta profile back to draft, and Fonnte before Watzap.
  const draft = structuredClone(current);
  draft.providers.find((p) => p.id === "meta").state = "draft";
  draft.fallbackOrder = ["fonnte", "watzap"];
  await writeFile(path("current.json"), JSON.stringify(current));
  await writeFile(path("draft.json"), JSON.stringify(draft));
  await writeFile(path("messages.csv"), CSV);
});
after(() => rm(dir, {recursive: true, force: true}));

const replay = (...args) =>
  runNode([
    SCRIPT,
    "--current",
    path("current.json"),
    "--draft",
    path("draft.json"),
    ...args,
  ]);

test("--help", async () => {
  const r = await runNode([SCRIPT, "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: node cli\/replay\.mjs --current/);
  assert.match(r.stdout, /Nothing is sent/);
});

test("JSON: the engine's counts, examples with the CSV's refs, bad rows by number", async () => {
  const r = await replay("--format", "json", path("messages.csv"));
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.replayed, 6);
  assert.deepEqual(report.current.byProvider, {meta: 2, watzap: 2});
  assert.deepEqual(report.draft.byProvider, {fonnte: 4});
  assert.equal(report.current.ineligible, 1);
  assert.deepEqual(report.draft.refusedCodes, {"phone.invalid": 1});
  assert.equal(report.changes.providerChanged, 4);
  assert.equal(report.changes.invitationLost, 0);
  // Opted-in citizens moved to a gateway get no invitation; those without opt-in keep theirs.
  assert.equal(report.current.withInvitation, 2);
  assert.equal(report.draft.withInvitation, 2);
  assert.deepEqual(
    report.examples.map((e) => e.ref),
    ["msg-11", 12, 14, 15]
  );
  assert.deepEqual(report.examples[0].current, {
    provider: "meta",
    invitation: false,
    codes: ["route.default_meta", "route.selected", "route.fallback", "route.fallback"],
  });
  assert.equal(report.examples[0].draft.provider, "fonnte");
  assert.deepEqual(report.invalidRows, [8]);
  assert.match(r.stderr, /row 8: .*quote.*\[csv\.malformed\]/);
  assertNoSecrets(r.stdout, "replay report");
});

test("table: counts per provider with the change, changes, examples", async () => {
  const r = await replay("--no-color", path("messages.csv"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sent by fonnte\s+0\s+4\s+\+4/);
  assert.match(r.stdout, /sent by meta\s+2\s+0\s+-2/);
  assert.match(r.stdout, /nothing may be sent\s+1\s+1\s+=/);
  assert.match(r.stdout, /4 of 6 messages change:/);
  assert.match(r.stdout, /4\s+sent by another provider/);
  assert.match(
    r.stdout,
    /msg-11\s+providerChanged\s+meta\s+fonnte\s+route\.default_meta/
  );
  assert.match(r.stdout, /1 rows not replayable \(rows 8\)/);
  assert.match(r.stdout, /Nothing was sent\.$/m);
});

test("--last N replays the last N rows only; --examples bounds the examples", async () => {
  const r = await replay(
    "--format",
    "json",
    "--last",
    "3",
    "--examples",
    "1",
    path("messages.csv")
  );
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.replayed, 2, "rows 6 and 7; row 8 is not replayable");
  assert.deepEqual(
    report.examples.map((e) => e.ref),
    [15]
  );
  assert.equal(report.examplesOmitted, 0);
});

test("usage errors: missing draft, bad --last, a draft the engine refuses", async () => {
  const missing = await runNode([
    SCRIPT,
    "--current",
    path("current.json"),
    path("messages.csv"),
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--current and --draft are both required/);
  const last = await replay("--last", "10001", path("messages.csv"));
  assert.equal(last.code, 2);
  assert.match(last.stderr, /--last must be a whole number from 1 to 10000/);
  await writeFile(path("bad.json"), JSON.stringify({defaultProvider: "nope"}));
  const bad = await runNode([
    SCRIPT,
    "--current",
    path("current.json"),
    "--draft",
    path("bad.json"),
    path("messages.csv"),
  ]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /draft configuration: defaultProvider "nope" is not a provider id \[config\.invalid\]/
  );
});
