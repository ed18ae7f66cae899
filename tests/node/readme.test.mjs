// The npm README's examples, executed against the built package and the provider simulator, so
// the docs cannot rot.
//
// Fenced blocks whose info string has the word `test` run:
//   ```js test        all of them, in order, as one ES module (the README reads as one script)
//   ```js test cjs    alone, as a CommonJS script
//   ```html test      the <script type="module"> inside, alone
// A line `console.log(…); // → text` expects `text` as the next line of output; a tested block
// may not print anything without such an expectation. The examples import "sicantik-whatsapp"
// from a scratch project whose node_modules links to pkg/, read credentials from the environment
// (set here to the simulator's), and name the simulator http://127.0.0.1:8787 (replaced by the
// test simulator's URL).

import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, mkdir, readFile, rm, symlink, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {DEFAULT_CREDENTIALS, PKG_DIR, runNode, startSim} from "./helpers.mjs";

const README_URL = "http://127.0.0.1:8787";
const readme = await readFile(join(PKG_DIR, "README.md"), "utf8");

/** Fenced blocks with their info-string words and first line number. */
function blocks(markdown) {
  const out = [];
  const re = /^```([^\n`]*)\n([\s\S]*?)^```\s*$/gm;
  for (let m; (m = re.exec(markdown)); ) {
    const words = m[1].trim().split(/\s+/);
    out.push({
      lang: words[0],
      words,
      code: m[2],
      line: markdown.slice(0, m.index).split("\n").length + 1,
    });
  }
  return out;
}

/** The outputs a block's `// →` comments promise, in order. */
const expectations = (code) =>
  [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1].trimEnd());

const tested = blocks(readme).filter((b) => b.words.includes("test"));
const esm = tested.filter((b) => b.lang === "js" && !b.words.includes("cjs"));
const cjs = tested.filter((b) => b.lang === "js" && b.words.includes("cjs"));
const html = tested.filter((b) => b.lang === "html");

let sim = null;
let dir = null;
before(async () => {
  sim = await startSim();
  dir = await mkdtemp(join(tmpdir(), "sicantik-readme-"));
  await mkdir(join(dir, "node_modules"));
  await symlink(PKG_DIR, join(dir, "node_modules", "sicantik-whatsapp"), "dir");
});
after(async () => {
  await sim?.close();
  if (dir) await rm(dir, {recursive: true, force: true});
});

async function runExample(name, code, expected) {
  await writeFile(join(dir, name), code.replaceAll(README_URL, sim.url));
  const c = DEFAULT_CREDENTIALS;
  const r = await runNode([name], {
    cwd: dir,
    env: {
      META_TOKEN: c.meta.accessToken,
      WATZAP_API_KEY: c.watzap.apiKey,
      WATZAP_NUMBER_KEY: c.watzap.numberKey,
      FONNTE_TOKEN: c.fonnte.token,
    },
  });
  assert.equal(r.code, 0, `${name} failed:\n${r.stderr}`);
  assert.deepEqual(
    r.stdout.split("\n").filter((l) => l !== ""),
    expected,
    `${name}: output differs from the // → comments`
  );
}

test("the README has tested examples of every kind", () => {
  assert.ok(esm.length >= 3, "ES module examples");
  assert.equal(cjs.length, 1, "a CommonJS example");
  assert.equal(html.length, 1, "a browser example");
  for (const b of tested)
    assert.ok(
      expectations(b.code).length > 0,
      `README line ${b.line}: a tested block without // → expectations`
    );
});

test("README: the ES module examples, in order, as one script", async () => {
  await sim.reset();
  const code = esm.map((b) => `// README.md line ${b.line}\n${b.code}`).join("\n");
  await runExample(
    "readme.mjs",
    code,
    esm.flatMap((b) => expectations(b.code))
  );
});

test("README: the CommonJS example", async () => {
  await runExample("readme.cjs", cjs[0].code, expectations(cjs[0].code));
});

test("README: the browser example's module script", async () => {
  const m = /<script type="module">([\s\S]*?)<\/script>/.exec(html[0].code);
  assert.ok(m, 'a <script type="module"> in the browser example');
  await runExample("readme-browser.mjs", m[1], expectations(m[1]));
});
