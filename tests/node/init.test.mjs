// The facade's init(): use before init, idempotence (concurrent and repeated calls instantiate
// once), every kind of input. Each scenario runs in a fresh node process: the module state
// (initialized or not) is per process.

import {test} from "node:test";
import assert from "node:assert/strict";
import {createServer} from "node:http";
import {readFile} from "node:fs/promises";
import {PKG_DIR, PKG_INDEX, runNode} from "./helpers.mjs";

const WASM_PATH = `${PKG_DIR}web/sicantik_whatsapp_bg.wasm`;

/** Run an ES module snippet in a fresh process with the package imported as `pkg`. */
async function fresh(body, env = {}) {
  const code = `import * as pkg from ${JSON.stringify(PKG_INDEX)};\n${body}`;
  const r = await runNode(["--input-type=module", "-e", code], {env});
  assert.equal(r.code, 0, `child failed:\n${r.stderr}`);
  return r.stdout.trim();
}

test("every function and new Engine() fail with engine.not_initialized before init()", async () => {
  const out = await fresh(`
    const calls = {
      version: () => pkg.version(),
      normalizePhone: () => pkg.normalizePhone("0812-3456-7890"),
      lintTemplate: () => pkg.lintTemplate({ code: "x", body: "hi" }),
      initLogging: () => pkg.initLogging(),
      Engine: () => new pkg.Engine({}),
    };
    const seen = {};
    for (const [name, call] of Object.entries(calls)) {
      try { call(); seen[name] = "no error"; }
      catch (e) { seen[name] = { error: e instanceof Error, name: e.name, code: e.code, guard: pkg.isSicantikError(e), message: e.message }; }
    }
    console.log(JSON.stringify(seen));
  `);
  const seen = JSON.parse(out);
  for (const [name, r] of Object.entries(seen)) {
    assert.equal(r.error, true, `${name}: ${JSON.stringify(r)}`);
    assert.equal(r.name, "SicantikError", name);
    assert.equal(r.code, "engine.not_initialized", name);
    assert.equal(r.guard, true, name);
    assert.match(r.message, /init\(\)/, name);
  }
});

test("concurrent and repeated init() calls share one promise and instantiate once", async () => {
  const out = await fresh(`
    let instances = 0, compiles = 0;
    const { Instance, compile, instantiate } = WebAssembly;
    WebAssembly.Instance = class extends Instance { constructor(...a) { instances++; super(...a); } };
    WebAssembly.compile = (...a) => { compiles++; return compile(...a); };
    WebAssembly.instantiate = (...a) => { instances++; return instantiate(...a); };
    const a = pkg.init(), b = pkg.init();
    const same = a === b;
    await Promise.all([a, b]);
    const c = pkg.init();
    await c;
    await pkg.init(new Uint8Array([0, 1, 2])); // ignored: already initialized
    console.log(JSON.stringify({ same, sameLater: c === a, instances, compiles, version: pkg.version() }));
  `);
  const r = JSON.parse(out);
  assert.equal(r.same, true);
  assert.equal(r.sameLater, true);
  assert.equal(r.instances, 1);
  assert.equal(r.compiles, 1);
  assert.match(r.version, /^\d+\.\d+\.\d+/);
});

test("a failed init() can be retried", async () => {
  const out = await fresh(`
    let first;
    try { await pkg.init(new Uint8Array([0, 97, 115, 109])); first = "resolved"; } catch (e) { first = e.constructor.name; }
    await pkg.init();
    console.log(first, pkg.normalizePhone("0812 3456 7890"));
  `);
  assert.equal(out, "CompileError 6281234567890");
});

test("init() accepts every documented input", async (t) => {
  const bytes = await readFile(WASM_PATH);
  // Serve the .wasm over HTTP for the URL and Response forms.
  const server = createServer((req, res) => {
    res.writeHead(200, {"content-type": "application/wasm"});
    res.end(bytes);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  const httpUrl = `http://127.0.0.1:${server.address().port}/sicantik_whatsapp_bg.wasm`;
  const path = JSON.stringify(WASM_PATH);
  const inputs = {
    "nothing (node reads the file next to the facade)": "undefined",
    "a file path": path,
    "a file: URL": `new URL("file://" + ${path})`,
    "an http URL string": JSON.stringify(httpUrl),
    "an http URL object": `new URL(${JSON.stringify(httpUrl)})`,
    "a Response": `await fetch(${JSON.stringify(httpUrl)})`,
    "a Promise<Response>": `fetch(${JSON.stringify(httpUrl)})`,
    "a Uint8Array": `new Uint8Array(await (await import("node:fs/promises")).readFile(${path}))`,
    "an ArrayBuffer": `new Uint8Array(await (await import("node:fs/promises")).readFile(${path})).slice().buffer`,
    "a WebAssembly.Module": `await WebAssembly.compile(await (await import("node:fs/promises")).readFile(${path}))`,
  };
  for (const [name, expr] of Object.entries(inputs)) {
    await t.test(name, async () => {
      const out = await fresh(
        `await pkg.init(${expr}); console.log(pkg.normalizePhone("+62 812-3456-7890"));`
      );
      assert.equal(out, "6281234567890");
    });
  }
});

test("after init(), engine errors are real Errors named SicantikError with a code", async () => {
  const pkg = await import(PKG_INDEX);
  await pkg.init();
  assert.throws(
    () => pkg.normalizePhone("021-555-0199"),
    (e) =>
      e instanceof Error &&
      e.name === "SicantikError" &&
      e.code === "phone.invalid" &&
      pkg.isSicantikError(e)
  );
  assert.equal(pkg.isSicantikError(new Error("plain")), false);
  assert.equal(
    pkg.isSicantikError({name: "SicantikError", code: "x"}),
    false,
    "not an Error"
  );
  assert.equal(pkg.isSicantikError(null), false);
  const engine = new pkg.Engine({});
  assert.ok(engine instanceof pkg.Engine);
  assert.equal(typeof engine.free, "function");
});
