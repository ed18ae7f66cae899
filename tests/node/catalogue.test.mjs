// The catalogue as the node host sees it (the package's `catalogue()`): every code the engine can
// emit has its Indonesian and English sentence, and every answer of the shared fixtures gives the
// arguments its codes' sentences name. The same walk runs in the page (tests/browser), the Python
// host (tests/python/test_catalogue.py) and Odoo (the addon's tests/test_catalogue.py); the rules
// are in catalogue-walk.mjs. The transcripts' steps run in the package's node build (what
// `require` gets), which has every op (the web build lacks `dispatchScripted` and the webhooks).

import {test} from "node:test";
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {
  codeProblems,
  engineCodesIn,
  missingSentences,
  stepsAndErrors,
} from "./catalogue-walk.mjs";
import {ROOT, loadPkg} from "./helpers.mjs";
import {runSteps, transcripts} from "./transcript.mjs";

const catalogue = (await loadPkg()).catalogue();
const node = createRequire(import.meta.url)(`${ROOT}pkg/node/sicantik_whatsapp.js`);
const suites = transcripts();

test("every catalogue code has both sentences, naming only its declared arguments", () => {
  const codes = Object.keys(catalogue.codes);
  assert.ok(codes.length > 60, `too few codes: ${codes.length}`);
  assert.deepEqual(missingSentences(catalogue), []);
});

test("every engine code in the fixtures' expected answers is in the catalogue", (t) => {
  const seen = new Set();
  for (const [file, suite] of suites) {
    for (const code of engineCodesIn(suite.cases, catalogue))
      seen.add(`${code} (${file})`);
  }
  const missing = [...seen].filter((c) => !(c.split(" ")[0] in catalogue.codes));
  assert.ok(seen.size > 50, `too few codes found: ${seen.size}`);
  t.diagnostic(
    `${new Set([...seen].map((c) => c.split(" ")[0])).size} expected codes checked`
  );
  assert.deepEqual(missing, []);
});

test("every trace step and error the fixtures produce gives its sentence's arguments", (t) => {
  const checked = new Set();
  const problems = [];
  for (const [file, suite] of suites) {
    for (const c of suite.cases) {
      // Every answer and error of the case's steps, whether or not the step expects it.
      const answers = [...runSteps(node, suite, c)].map(({got}) => got);
      for (const item of stepsAndErrors(answers)) {
        const problem = codeProblems(item, catalogue);
        if (problem) problems.push(`${file} › ${c.name}: ${problem}`);
        checked.add(item.code);
      }
    }
  }
  assert.deepEqual(problems, []);
  t.diagnostic(`${checked.size} codes of trace steps and errors checked`);
  assert.ok(checked.size > 40, `too few codes seen: ${[...checked].join(" ")}`);
});

test("the walk finds a sentence without a code, an unknown code and a missing argument", () => {
  // The checks can fail: a broken catalogue and answers are caught.
  const broken = structuredClone(catalogue);
  broken.codes["route.selected"].id = "";
  broken.codes["route.fallback"].en = "{provider} is fallback {nomor}.";
  assert.deepEqual(missingSentences(broken).sort(), [
    "route.fallback (en): {nomor} is not among its arguments",
    "route.selected: no id sentence",
  ]);
  assert.match(codeProblems({code: "route.nope"}, catalogue), /no sentence/);
  assert.match(
    codeProblems({code: "route.fallback", provider: "meta", args: {}}, catalogue),
    /lacks \{number\}/
  );
  assert.equal(
    codeProblems(
      {code: "route.fallback", provider: "meta", args: {number: "1"}},
      catalogue
    ),
    null
  );
});
