// cli/dry-run.mjs: human output, --json, flags, errors and exit codes.

import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {
  SECRETS,
  assertNoSecrets,
  demoConfig,
  onTerminal,
  runNode,
  startSim,
} from "./helpers.mjs";

const SCRIPT = "cli/dry-run.mjs";
const VALUES = [
  "--value",
  "partner_name=Budi Santoso",
  "--value",
  "permit_type=PBG",
  "--value",
  "permit_number=503/PBG/2026/0142",
  "--value",
  "office_name=DPMPTSP Kabupaten Karo",
];
const dryRun = (...args) => runNode([SCRIPT, ...args]);

let sim = null;
before(async () => {
  sim = await startSim();
});
after(() => sim.close());

test("--help describes every flag", async () => {
  const r = await dryRun("--help");
  assert.equal(r.code, 0);
  for (const flag of [
    "--template",
    "--phone",
    "--name",
    "--value",
    "--opt-in",
    "--force",
    "--config",
    "--json",
    "--base-url",
  ]) {
    assert.ok(r.stdout.includes(flag), flag);
  }
});

test("human output: decision, trace in words, masked requests per provider", async () => {
  const r = await dryRun(
    "--template",
    "permit_ready",
    "--phone",
    "0812-3456-7890",
    "--name",
    "Budi Santoso",
    "--opt-in",
    ...VALUES
  );
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /permit_ready → 6281234567890/);
  assert.match(out, /provider\s+meta \(Meta Cloud API\)/);
  assert.match(out, /chain\s+meta → watzap → fonnte/);
  assert.match(out, /Trace/);
  assert.match(out, /route\.selected/);
  assert.match(out, /Requests \(credentials masked\)/);
  for (const p of ["meta", "watzap", "fonnte"])
    assert.match(out, new RegExp(`^  ${p} .*#\\d in the chain`, "m"));
  assert.match(out, /POST http:\/\/127\.0\.0\.1:8787\/meta\//);
  assert.match(out, /•••/);
  assertNoSecrets(out, "dry-run output");
  assert.doesNotMatch(out, /\x1b\[/, "no colours when stdout is not a terminal");
  // Nothing was sent: the simulator saw nothing (the demo points at :8787, not at this one).
});

test(
  "colours on a terminal only, and never with --no-color",
  {skip: !onTerminal.available},
  async () => {
    const args = [
      SCRIPT,
      "--template",
      "permit_ready",
      "--phone",
      "0812-3456-7890",
      "--opt-in",
      ...VALUES,
    ];
    const tty = await onTerminal(args);
    assert.equal(tty.code, 0, tty.output);
    assert.match(tty.output, /\x1b\[32mmeta\x1b\[39m \(Meta Cloud API\)/);
    const plain = await onTerminal([...args, "--no-color"]);
    assert.doesNotMatch(plain.output, /\x1b\[/);
  }
);

test("--json is the preview, credentials masked", async () => {
  const r = await dryRun(
    "--json",
    "--template",
    "permit_ready",
    "--phone",
    "0812 3456 7890",
    ...VALUES
  );
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout);
  assert.equal(p.decision.provider, "watzap");
  assert.equal(p.decision.appendOptInLink, true);
  assert.equal(p.providers.length, 3);
  assert.ok(
    p.providers.every(
      (x) => x.request && x.request.url.startsWith("http://127.0.0.1:8787/")
    )
  );
  assertNoSecrets(r.stdout, "--json output");
});

test("--force, --opted-out, --base-url and --config", async () => {
  const forced = JSON.parse(
    (
      await dryRun(
        "--json",
        "--template",
        "permit_ready",
        "--phone",
        "081234567890",
        "--force",
        "fonnte",
        ...VALUES
      )
    ).stdout
  );
  assert.deepEqual(forced.decision.chain, ["fonnte"]);

  const out = JSON.parse(
    (
      await dryRun(
        "--json",
        "--template",
        "permit_ready",
        "--phone",
        "081234567890",
        "--opted-out",
        ...VALUES
      )
    ).stdout
  );
  assert.equal(out.decision.provider, null);

  const moved = JSON.parse(
    (
      await dryRun(
        "--json",
        "--base-url",
        sim.url,
        "--template",
        "permit_ready",
        "--phone",
        "081234567890",
        ...VALUES
      )
    ).stdout
  );
  assert.ok(
    moved.providers.every((x) => x.request.url.startsWith(`${sim.url}/${x.kind}/`))
  );

  const dir = await mkdtemp(join(tmpdir(), "sicantik-dry-"));
  try {
    const config = demoConfig(sim.url);
    config.defaultProvider = "fonnte";
    config.fallbackOrder = ["watzap"];
    await writeFile(join(dir, "office.json"), JSON.stringify(config));
    const r = await dryRun(
      "--json",
      "--config",
      join(dir, "office.json"),
      "--template",
      "status_update",
      "--phone",
      "081234567890",
      "--opt-in",
      "--value",
      "partner_name=Siti",
      "--value",
      "permit_number=503/SIP/2026/0077",
      "--value",
      "status=Diverifikasi"
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).decision.provider, "fonnte");
    assertNoSecrets(r.stdout, "--config output");
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
});

test("engine errors: clear message with the code, exit 1", async () => {
  const bad = await dryRun(
    "--template",
    "permit_ready",
    "--phone",
    "021-555-0199",
    ...VALUES
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /\[phone\.invalid\]/);
  assert.equal(bad.stdout, "");

  const missing = await dryRun(
    "--template",
    "permit_ready",
    "--phone",
    "081234567890",
    "--value",
    "partner_name=Budi"
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /\[template\.missing_param\]/);

  const json = await dryRun(
    "--json",
    "--template",
    "izin_hilang",
    "--phone",
    "081234567890"
  );
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.stdout).error.code, "template.unknown");
});

test("usage errors: exit 2 with a hint", async () => {
  for (const args of [
    [],
    ["--phone", "0812"],
    ["--template", "permit_ready"],
    ["--bogus"],
    ["--template", "t", "--phone", "1", "--value", "novalue"],
    ["--config", "/nonexistent.json", "--template", "t", "--phone", "1"],
  ]) {
    const r = await dryRun(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /--help/);
  }
});

test("the secrets list really covers the demo config", () => {
  const text = JSON.stringify(demoConfig());
  for (const s of SECRETS) assert.ok(text.includes(s), s);
});
