// Every shared fixture (tests/fixtures/*.json) through the JS API of the assembled package, with
// the rules of tests/common/mod.rs (see fixture-lib.mjs): the same cases the native, wasm and
// Python hosts run, so the same answers come out of every host.

import {test} from "node:test";
import assert from "node:assert/strict";
import {readdirSync, readFileSync} from "node:fs";
import {checkCase} from "./fixture-lib.mjs";
import {ROOT, loadPkg} from "./helpers.mjs";

const pkg = await loadPkg();
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
        const diff = checkCase(pkg, suite.config, c);
        assert.equal(diff, null, diff ?? "");
      });
    }
  });
}
