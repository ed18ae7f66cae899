// Every shared fixture (tests/fixtures/*.json) through the JS API of the assembled package, with
// the rules of tests/common/mod.rs (see fixture-lib.mjs): the same cases the native, wasm and
// Python hosts run, so the same answers come out of every host.

import {test} from "node:test";
import assert from "node:assert/strict";
import {readdirSync, readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {checkCase} from "./fixture-lib.mjs";
import {PKG_DIR, ROOT, loadPkg} from "./helpers.mjs";

const pkg = await loadPkg();
// A suite that `requires` ops the web build leaves out (Cargo.toml's `server` feature: webhooks)
// runs through the node build, which has them.
const nodeBuild = createRequire(import.meta.url)(`${PKG_DIR}node/sicantik_whatsapp.js`);
const dir = `${ROOT}tests/fixtures/`;
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();

test("there are fixtures", () => assert.ok(files.length > 0));

for (const file of files) {
  const suite = JSON.parse(readFileSync(dir + file, "utf8"));
  test(file, async (t) => {
    assert.ok(
      Array.isArray(suite.cases) && suite.cases.length > 0,
      `${file}: no cases`
    );
    for (const c of suite.cases) {
      await t.test(c.name, () => {
        const diff = checkCase(suite.requires ? nodeBuild : pkg, suite.config, c);
        assert.equal(diff, null, diff ?? "");
      });
    }
  });
}
