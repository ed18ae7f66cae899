// Every shared transcript (tests/fixtures/*.json with `cases`; rules in tests/fixtures/README.md)
// through the JS API of the assembled package: the cases the native, wasm and Python hosts run.
// Its node build (what `require` gets): the web build leaves out `dispatchScripted` (size budget).

import {test} from "node:test";
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {ROOT} from "./helpers.mjs";
import {checkStep, runSteps, subset, transcripts} from "./transcript.mjs";

const pkg = createRequire(import.meta.url)(`${ROOT}pkg/node/sicantik_whatsapp.js`);
const suites = transcripts();

test("there are transcripts", () => assert.ok(suites.length > 0));

for (const [file, suite] of suites) {
  test(file, async (t) => {
    assert.ok(suite.cases.length > 0, `${file}: no cases`);
    for (const c of suite.cases) {
      await t.test(c.name, () => {
        for (const {i, step, got} of runSteps(pkg, suite, c)) {
          const diff = checkStep(step, got);
          assert.equal(diff, null, `step ${i} (${step.op}): ${diff}`);
        }
      });
    }
  });
}

test("the matching rule fails on differences", () => {
  assert.equal(subset({a: 1}, {a: 1, b: 2}), null);
  assert.equal(subset({a: null}, {}), null, "a missing key reads as null");
  assert.match(subset({a: [1]}, {a: [1, 2]}), /expect\.a: expected 1 items, got 2/);
  assert.match(subset({a: {b: 1}}, {a: {b: 2}}), /expect\.a\.b: expected 1, got 2/);
  assert.match(subset({a: "1"}, {a: 1}), /expect\.a/, "no type coercion");
  assert.match(checkStep({expectError: {code: "x"}}, {ok: {}}), /expected an error/);
  assert.match(checkStep({}, {error: {code: "x"}}), /unexpected error/);
});
