// The package as a consumer installs it: node_modules/sicantik-whatsapp → pkg/, resolved through
// the exports map — `require` gets the self-initializing CommonJS build, `import` the facade.

import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, mkdir, rm, symlink, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {PKG_DIR, run, runNode} from "./helpers.mjs";

let dir = null;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "sicantik-consumer-"));
  await mkdir(join(dir, "node_modules"));
  await symlink(PKG_DIR, join(dir, "node_modules", "sicantik-whatsapp"), "dir");
});
after(() => rm(dir, {recursive: true, force: true}));

test("require() gets the CommonJS build, usable without init()", async () => {
  const r = await runNode(
    [
      "-e",
      `
    const sw = require("sicantik-whatsapp");
    const engine = new sw.Engine({ providers: [{ id: "fonnte", kind: "fonnte", state: "configured" }],
      templates: [{ code: "t", body: "Yth. {{nama}}" }] });
    const d = engine.decide({ template: "t", recipient: { phone: "0812-3456-7890" }, values: { nama: "Siti" } });
    let code; try { sw.normalizePhone("12"); } catch (e) { code = e instanceof Error && e.name + " " + e.code; }
    console.log(JSON.stringify({ keys: Object.keys(sw).sort(), provider: d.provider, phone: sw.normalizePhone("0812 3456 7890"), version: sw.version(), code,
      file: require.resolve("sicantik-whatsapp") }));
  `,
    ],
    {cwd: dir}
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const k of [
    "Engine",
    "lintTemplate",
    "lintProfile",
    "normalizePhone",
    "version",
  ])
    assert.ok(out.keys.includes(k), k);
  assert.equal(out.provider, "fonnte");
  assert.equal(out.phone, "6281234567890");
  assert.match(out.version, /^\d+\.\d+\.\d+/);
  assert.equal(out.code, "SicantikError phone.invalid");
  assert.match(out.file, /node[/\\]sicantik_whatsapp\.js$/);
});

test("import resolves to the ES module facade", async () => {
  await writeFile(
    join(dir, "consumer.mjs"),
    `
    import { init, normalizePhone, isSicantikError } from "sicantik-whatsapp";
    await init();
    console.log(normalizePhone("+62 812 3456 7890"), typeof isSicantikError, import.meta.resolve("sicantik-whatsapp"));
  `
  );
  const r = await runNode(["consumer.mjs"], {cwd: dir});
  assert.equal(r.code, 0, r.stderr);
  const [phone, guard, resolved] = r.stdout.trim().split(" ");
  assert.equal(phone, "6281234567890");
  assert.equal(guard, "function");
  assert.match(resolved, /\/index\.js$/);
});

test("package.json: name, version, exports, files, sideEffects, license", async () => {
  const {readFile} = await import("node:fs/promises");
  const pkg = JSON.parse(await readFile(join(PKG_DIR, "package.json"), "utf8"));
  const cargo = await readFile(new URL("../../Cargo.toml", import.meta.url), "utf8");
  assert.equal(pkg.name, "sicantik-whatsapp");
  assert.equal(pkg.version, /^version\s*=\s*"([^"]+)"/m.exec(cargo)[1]);
  assert.equal(pkg.type, "module");
  assert.equal(pkg.license, "MIT");
  assert.equal(pkg.sideEffects, false);
  const dot = pkg.exports["."];
  assert.equal(dot.types, "./index.d.ts");
  assert.equal(dot.node.import, "./index.js");
  assert.equal(dot.node.require.default, "./node/sicantik_whatsapp.js");
  assert.equal(dot.default, "./index.js");
  const {existsSync} = await import("node:fs");
  for (const f of pkg.files)
    assert.ok(
      existsSync(join(PKG_DIR, f)),
      `files lists ${f}, which the build did not produce`
    );
  // What npm would publish: exactly the whitelist plus package.json.
  const r = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: PKG_DIR,
  });
  assert.equal(r.code, 0, r.stderr);
  const shipped = JSON.parse(r.stdout)[0]
    .files.map((f) => f.path)
    .sort();
  assert.deepEqual(shipped, [...pkg.files, "package.json"].sort());
});
