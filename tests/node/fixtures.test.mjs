// Every shared transcript (tests/fixtures/*.json with `cases`; rules in tests/fixtures/README.md)
// through the JS API of the assembled package: the cases the native, wasm and Python hosts run.
// Its node build (what `require` gets): the web build leaves out `dispatchScripted` (size budget).

import {test} from "node:test";
import assert from "node:assert/strict";
import {isDeepStrictEqual} from "node:util";
import {readdirSync, readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {ROOT} from "./helpers.mjs";

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** `expected` ⊆ `actual`: null when it holds, else the path of the first difference. */
export function subset(expected, actual, path = "expect") {
  if (isObject(expected) && isObject(actual)) {
    for (const [k, e] of Object.entries(expected)) {
      const diff = subset(e, actual[k] ?? null, `${path}.${k}`);
      if (diff) return diff;
    }
    return null;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length)
      return `${path}: expected ${expected.length} items, got ${actual.length}: ${JSON.stringify(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const diff = subset(expected[i], actual[i], `${path}[${i}]`);
      if (diff) return diff;
    }
    return null;
  }
  return isDeepStrictEqual(expected, actual)
    ? null
    : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/** One op call: `configure` makes the engine, every other op is `engine.call`. */
function call(host, op, args) {
  try {
    if (op !== "configure") return {ok: host.engine.call(op, args)};
    host.engine = undefined; // a refused configuration leaves none
    host.engine = new pkg.Engine(args);
    return {ok: {}};
  } catch (e) {
    // An engine error is an Error with a stable code; anything else fails the step.
    if (!(e instanceof Error && typeof e.code === "string")) throw e;
    return {error: {code: e.code, message: e.message, suggestion: e.suggestion, args: e.args}};
  }
}

/** Null when the step's answer matches its `expect` (or `expectError`), else why not. */
export function checkStep(step, got) {
  if (got.error && !step.expectError)
    return `unexpected error ${JSON.stringify(got.error)}`;
  if (step.expectError) {
    return got.error
      ? subset(step.expectError, got.error, "expectError")
      : `expected an error, got ${JSON.stringify(got.ok)}`;
  }
  return "expect" in step ? subset(step.expect, got.ok) : null;
}

const pkg = createRequire(import.meta.url)(`${ROOT}pkg/node/sicantik_whatsapp.js`);
const dir = `${ROOT}tests/fixtures/`;
const suites = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => [file, JSON.parse(readFileSync(dir + file, "utf8"))])
  .filter(([, suite]) => "cases" in suite);

test("there are transcripts", () => assert.ok(suites.length > 0));

for (const [file, suite] of suites) {
  test(file, async (t) => {
    assert.ok(suite.cases.length > 0, `${file}: no cases`);
    for (const c of suite.cases) {
      await t.test(c.name, () => {
        const host = {};
        for (const [i, step] of [
          ...(c.setup ?? suite.setup ?? []),
          ...c.steps,
        ].entries()) {
          const diff = checkStep(step, call(host, step.op, step.args));
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
