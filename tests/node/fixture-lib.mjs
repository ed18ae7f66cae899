// The shared fixture rules (tests/fixtures/*.json), as tests/common/mod.rs implements them for the
// native, wasm and Python hosts: a case's `config` or `configPatch` (RFC 7386 merge patch) over
// the suite's config, `expect` matched as a subset (objects: the listed keys; arrays: same length,
// element-wise), `expect.requests` = every request sent, in order, `expect.error` = the code.

export const DEFAULT_NOW_MS = 1_764_000_000_000;

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** RFC 7386 JSON merge patch; returns the patched copy. */
export function mergePatch(target, patch) {
  if (!isObject(patch)) return structuredClone(patch);
  const out = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function deepEqual(a, b) {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => k in b && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

/** `expected` ⊆ `actual`: null when it holds, else the path and values of the first difference. */
export function subset(expected, actual, path = "expect") {
  if (isObject(expected) && isObject(actual)) {
    for (const [k, e] of Object.entries(expected)) {
      const diff = subset(e, actual[k] ?? null, `${path}.${k}`);
      if (diff) return diff;
    }
    return null;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      return `${path}: expected ${expected.length} items, got ${actual.length}: ${JSON.stringify(actual)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const diff = subset(expected[i], actual[i], `${path}[${i}]`);
      if (diff) return diff;
    }
    return null;
  }
  return deepEqual(expected, actual)
    ? null
    : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/**
 * A thrown engine error as `{code, message, suggestion?, args?}` (`args` for the catalogue test;
 * expectations match a subset); anything else is a fixture failure of its own.
 */
export function errorOf(e) {
  if (e instanceof Error && typeof e.code === "string") {
    const error = {code: e.code, message: e.message};
    if (e.suggestion !== undefined) error.suggestion = e.suggestion;
    // The arguments of the code's catalogue sentence (`phone.invalid`'s `reasonCode`…).
    if (e.args && typeof e.args === "object" && Object.keys(e.args).length) error.args = e.args;
    return error;
  }
  return {code: "fixture.not_an_error_with_code", message: String(e)};
}

/**
 * Run one case through the JS API of `pkg` (an initialized package module); the observed result
 * in the shape of `expect`.
 */
export function runCase(pkg, suiteConfig, testCase) {
  const config = mergePatch(testCase.config ?? suiteConfig, testCase.configPatch ?? {});
  const notification = testCase.notification ?? null;
  const now = testCase.nowMs ?? DEFAULT_NOW_MS;
  const expect = testCase.expect ?? {};
  const actual = {};
  let engine = null;
  try {
    engine = new pkg.Engine(config);
  } catch (e) {
    actual.error = errorOf(e);
    return actual;
  }
  // A pacing case: the `pace` op for each of its args, in order (tests/fixtures/pacing.json).
  if (Array.isArray(testCase.pace)) {
    actual.pace = [];
    try {
      for (const args of testCase.pace) actual.pace.push(engine.call("pace", args));
    } catch (e) {
      actual.error = errorOf(e);
    }
    return actual;
  }
  // A calls case: each {op, args} in order; expect.calls lists the answers (tests/fixtures/evidence.json).
  if (Array.isArray(testCase.calls)) {
    actual.calls = [];
    try {
      for (const c of testCase.calls) actual.calls.push(engine.call(c.op, c.args));
    } catch (e) {
      actual.error = errorOf(e);
    }
    return actual;
  }
  // A batch case: one planBatch call (tests/fixtures/batch.json).
  if (Array.isArray(testCase.batch)) {
    try {
      actual.planBatch = testCase.compact
        ? engine.planBatchCompact(testCase.batch)
        : engine.planBatch(testCase.batch);
    } catch (e) {
      actual.error = errorOf(e);
    }
    return actual;
  }
  try {
    actual.decision = engine.decide(notification);
  } catch (e) {
    actual.error = errorOf(e);
    return actual;
  }
  if ("preview" in expect) {
    try {
      actual.preview = engine.preview(notification);
    } catch (e) {
      actual.error = errorOf(e);
    }
  }
  if ("outcome" in expect || "requests" in expect) {
    const requests = [];
    const scripted = [...(testCase.responses ?? [])];
    let step = null;
    try {
      step = engine.call("dispatchStart", {notification, nowMs: now});
      while (step.action.type !== "done") {
        requests.push(step.action.request);
        const next = scripted.shift();
        if (!next) {
          actual.error = {
            code: "fixture.unscripted_request",
            message: JSON.stringify(step.action.request),
          };
          break;
        }
        step = engine.call("dispatchFeed", {...next, state: step.state, nowMs: now});
      }
      if (step.action.type === "done") actual.outcome = step.action.outcome;
    } catch (e) {
      actual.error = errorOf(e);
    }
    actual.requests = requests;
  }
  return actual;
}

/** Null when the case passes, else why not. */
export function checkCase(pkg, suiteConfig, testCase) {
  const actual = runCase(pkg, suiteConfig, testCase);
  const expect = testCase.expect ?? {};
  if (actual.error && !("error" in expect))
    return `unexpected error ${JSON.stringify(actual.error)}`;
  return subset(expect, actual);
}
