// Running the shared transcripts (tests/fixtures/*.json with `cases`; rules in
// tests/fixtures/README.md) through the package's JS API: one op call, the matching rule and a
// case's steps in a fresh host. Used by fixtures.test.mjs (the expected answers) and
// catalogue.test.mjs (the codes and arguments of the actual answers).

import {isDeepStrictEqual} from "node:util";
import {readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";

// Not helpers.mjs: the page test imports this file too, without the simulator.
const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

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

/**
 * One op call as `{ok}` or `{error}`: `configure` makes the host's engine (`new pkg.Engine`),
 * every other op is `engine.call`. An error keeps its catalogue arguments (`e.args`).
 */
export function call(pkg, host, op, args) {
  try {
    if (op !== "configure") return {ok: host.engine.call(op, args)};
    host.engine = undefined; // a refused configuration leaves none
    host.engine = new pkg.Engine(args);
    return {ok: {}};
  } catch (e) {
    // An engine error is an Error with a stable code; anything else fails the step.
    if (!(e instanceof Error && typeof e.code === "string")) throw e;
    return {
      error: {code: e.code, message: e.message, suggestion: e.suggestion, args: e.args},
    };
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

/** A case's steps: its own `setup` (else the file's), then its `steps`. */
export function caseSteps(suite, c) {
  return [...(c.setup ?? suite.setup ?? []), ...c.steps];
}

/**
 * Each step of a case with its answer, `{i, step, got}`, in a fresh host; lazily, so a caller
 * that stops at a failing step calls nothing after it.
 */
export function* runSteps(pkg, suite, c) {
  const host = {};
  for (const [i, step] of caseSteps(suite, c).entries())
    yield {i, step, got: call(pkg, host, step.op, step.args)};
}

/** `[file, suite]` of every transcript file, sorted by name. */
export function transcripts(dir = FIXTURES) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => [file, JSON.parse(readFileSync(join(dir, file), "utf8"))])
    .filter(([, suite]) => "cases" in suite);
}
