// The test page (www/) in real headless Chromium: Debian's /usr/bin/chromium driven by
// playwright-core (no downloaded browser). The demo server (www/serve.mjs) runs in-process with
// its embedded simulator, so the page's live sends and this test's checks see the same traffic.
//
//   node --test tests/browser/       (needs pkg/ built: make pkg)
//
// Screenshots go to out/page/.

import {after, before, test} from "node:test";
import assert from "node:assert/strict";
import {existsSync, mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {chromium} from "playwright-core";
import {startDemo} from "../../www/serve.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT = join(ROOT, "out", "page");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** @type {Awaited<ReturnType<typeof startDemo>>} */
let demo = null;
/** @type {import('playwright-core').BrowserContext} */
let context = null;
/** @type {import('playwright-core').Page} */
let page = null;
let userDataDir = "";
const pageErrors = [];

before(async () => {
  assert.ok(
    existsSync(join(ROOT, "pkg/web/sicantik_whatsapp_bg.wasm")),
    "pkg/ is not built: run make pkg first"
  );
  assert.ok(
    existsSync(CHROMIUM),
    `no browser at ${CHROMIUM}: apt-get install chromium (scripts/setup.sh browser)`
  );
  mkdirSync(OUT, {recursive: true});
  demo = await startDemo({port: 0});
  userDataDir = mkdtempSync(join(tmpdir(), "sicantik-page-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: {width: 1366, height: 900},
  });
  context.setDefaultTimeout(10_000);
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(demo.url);
  try {
    await page.waitForSelector('body[data-ready="true"]');
  } catch {
    const boot = await page
      .locator("#boot")
      .innerText()
      .catch(() => "");
    assert.fail(`the page did not start: ${boot} ${pageErrors.join("; ")}`);
  }
});

after(async () => {
  await context?.close();
  await demo?.close();
  if (userDataDir) rmSync(userDataDir, {recursive: true, force: true});
});

const text = (/** @type {string} */ selector) => page.locator(selector).innerText();
/** The output is recomputed shortly after typing stops; wait for that. */
const settled = () =>
  page.waitForSelector("body:not([data-pending])", {state: "attached"});

test("dry run: phone, decision with the opt-in link, the Fonnte request body", async () => {
  await page.fill("#f-phone", "0812-3456-7890");
  await page.fill("#f-name", "Budi Santoso");
  await page.setChecked("#f-opt-in", false);
  await page.setChecked("#f-opted-out", false);
  await page.selectOption("#f-template", "permit_ready");
  await page.fill("#f-value-partner_name", "Budi Santoso");
  await page.fill("#f-value-permit_type", "PBG");
  await page.fill("#f-value-permit_number", "503/PBG/2026/0142");
  await page.fill("#f-value-office_name", "DPMPTSP Kabupaten Karo");

  await settled();
  // The normalized phone next to the field.
  await page.waitForFunction(() =>
    document.querySelector("#f-phone-out")?.textContent?.includes("6281234567890")
  );

  // Not opted in: Meta is skipped, the first gateway of the fallback order is used, with the link.
  const summary = page.getByTestId("decision-summary");
  await summary.waitFor();
  assert.equal(await summary.getAttribute("data-provider"), "watzap");
  assert.match(await summary.innerText(), /Watzap\.id/);
  assert.equal(await page.getByTestId("opt-in").getAttribute("data-appended"), "true");
  const trace = await text('[data-testid="trace"]');
  assert.match(trace, /route\.skip_no_opt_in/);
  assert.match(trace, /route\.opt_in_link/);
  // Every step in words from the engine's catalogue (Indonesian, the page's default), its
  // arguments filled: a code without a sentence would show the engine's English instead.
  const steps = await page
    .locator('[data-testid="trace"] li')
    .evaluateAll((els) =>
      els.map((e) => ({code: e.dataset.code, text: e.textContent}))
    );
  const codes = await page.evaluate(async () =>
    Object.keys((await import("sicantik-whatsapp")).catalogue().codes)
  );
  for (const {code, text: words} of steps) {
    assert.ok(codes.includes(code), `${code} has no sentence in the catalogue`);
    assert.doesNotMatch(words, /\{\w+\}/, `${code}: an argument left unfilled`);
  }
  assert.match(
    trace,
    /Meta Cloud API dilewati: penerima belum menyetujui pesan WhatsApp resmi\./
  );
  assert.match(
    trace,
    /Fonnte menjadi cadangan ke-1 bila yang sebelumnya tidak tersedia\./
  );
  assert.deepEqual(
    await page
      .locator('[data-testid="chain"] li')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-provider"))),
    ["watzap", "fonnte"]
  );

  // Fonnte's exact request: URL, masked credential, body with the number and the opt-in link.
  const fonnte = page.getByTestId("http-fonnte");
  await fonnte.scrollIntoViewIfNeeded();
  const fonnteText = await fonnte.innerText();
  assert.match(
    fonnteText,
    new RegExp(`POST\\s+${demo.simulatorUrl.replace(/[.:/]/g, "\\$&")}/fonnte/`)
  );
  assert.match(fonnteText, /6281234567890/);
  assert.match(fonnteText, /dpmptsp\.karokab\.go\.id\/wa\/setuju/);
  assert.match(fonnteText, /503\/PBG\/2026\/0142/);
  assert.match(fonnteText, /•••/);
  // Its multipart body, decoded field by field.
  assert.match(fonnteText, /multipart\/form-data; boundary=/);
  assert.deepEqual(await fonnte.locator("table.form-body tbody th").allInnerTexts(), [
    "target",
    "message",
    "countryCode",
  ]);

  // Credentials typed in the page appear nowhere in the output.
  const output = await text("#output");
  for (const secret of [
    "sim-fonnte-token",
    "sim-watzap-key",
    "sim-watzap-number",
    "sim-meta-token",
  ]) {
    assert.ok(!output.includes(secret), `${secret} leaked into the output`);
  }

  // Dry-run Kirim sends nothing.
  await page.getByTestId("send").click();
  await page.getByTestId("dry-run").waitFor();
  const stats = await (await fetch(`${demo.simulatorUrl}/_sim/stats`)).json();
  assert.equal(stats.watzap.received + stats.fonnte.received + stats.meta.received, 0);
});

test("field errors: a bad phone and a blank value are shown next to their fields", async () => {
  await page.fill("#f-phone", "021 555 1234");
  await page.getByTestId("err-phone").waitFor({state: "visible"});
  const shown = await text('[data-testid="err-phone"]');
  assert.match(shown, /phone\.invalid/);
  // The reason is the catalogue's sentence of the error's reasonCode in the page's language
  // (Indonesian), not a translation of the engine's English words kept by the page.
  const landline = await page.evaluate(async () =>
    (await import("sicantik-whatsapp")).sentence("phone.landline", "id")
  );
  assert.ok(shown.includes(landline.replace(/\.$/, "")), shown);
  await page.fill("#f-value-permit_type", "");
  await page.locator("#err-value-permit_type").waitFor({state: "visible"});
  assert.equal(
    await page.locator("#f-value-permit_type").getAttribute("aria-invalid"),
    "true"
  );
  await page.fill("#f-phone", "0812-3456-7890");
  await page.fill("#f-value-permit_type", "PBG");
  await settled();
  await page.getByTestId("err-phone").waitFor({state: "hidden"});
  await page.locator("#err-value-permit_type").waitFor({state: "hidden"});
});

test("a doubled trunk zero is refused at the phone field with the engine's suggestion", async () => {
  await page.fill("#f-phone", "00812-3456-7890");
  await page.getByTestId("err-phone").waitFor({state: "visible"});
  const shownText = await text('[data-testid="err-phone"]');
  assert.match(shownText, /phone\.trunk_zero_doubled/);
  assert.match(shownText, /diawali dua angka nol/);
  assert.match(shownText, /Maksud Anda 081234567890\?/);
  assert.equal(await text("#f-phone-out"), "");
  await page.fill("#f-phone", "0812-3456-7890");
  await settled();
  await page.getByTestId("err-phone").waitFor({state: "hidden"});
});

test("a custom Meta-style body with {{1}} and {{2}} asks for both values (the engine describes it)", async () => {
  await page.selectOption("#f-template", "custom");
  await page.fill("#f-custom-body", "Yth. {{1}}, izin {{2}}");
  await page.locator("#f-value-1").waitFor();
  assert.deepEqual(
    await page.locator("#values input").evaluateAll((els) => els.map((e) => e.id)),
    ["f-value-1", "f-value-2"]
  );
  await page.fill("#f-value-1", "Budi Santoso");
  await page.fill("#f-value-2", "PBG");
  await settled();
  await page.getByTestId("decision-summary").waitFor();
  assert.match(await text('[data-testid="http-fonnte"]'), /Budi(\+|%20| )Santoso/);
  // A blank one is reported at its own field, like a named value.
  await page.fill("#f-value-2", "");
  await page.locator("#err-value-2").waitFor({state: "visible"});
  await page.fill("#f-value-2", "PBG");
  await page.selectOption("#f-template", "permit_ready");
  await settled();
});

test("live: Watzap answers 503, the send falls back to Fonnte, no duplicate", async () => {
  await fetch(`${demo.simulatorUrl}/_sim/reset`, {method: "POST"});
  await page.check("#mode-live");
  await page.getByTestId("fault-watzap").selectOption("http503");
  await settled();
  await page.getByTestId("send").click();

  const outcome = page.getByTestId("outcome");
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute("data-status"), "sent");
  assert.equal(await outcome.getAttribute("data-provider"), "fonnte");
  const attempts = await page
    .getByTestId("attempt")
    .evaluateAll((els) =>
      els.map((e) => [
        e.getAttribute("data-provider"),
        e.getAttribute("data-classification"),
      ])
    );
  assert.deepEqual(attempts, [
    ["watzap", "provider_down"],
    ["fonnte", "accepted"],
  ]);
  assert.equal(
    await page.getByTestId("sim-stats").getAttribute("data-duplicates"),
    "0"
  );

  const stats = await (await fetch(`${demo.simulatorUrl}/_sim/stats`)).json();
  assert.equal(stats.duplicates, 0, JSON.stringify(stats.duplicatePairs));
  assert.equal(stats.watzap.received, 1);
  assert.equal(stats.watzap.accepted, 0);
  assert.equal(stats.fonnte.accepted, 1);
  assert.equal(stats.meta.received, 0);
  // The simulator saw the real credential; the page never shows it.
  assert.ok(!(await text("#output")).includes("sim-fonnte-token"));

  // What a laptop shows, then the whole output (it scrolls on its own beside the form).
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({path: join(OUT, "laptop.png")});
  const height = await page.evaluate(() =>
    Math.max(
      document.documentElement.scrollHeight,
      /** @type {HTMLElement} */ (document.getElementById("output")).scrollHeight + 64
    )
  );
  await page.setViewportSize({width: 1366, height: Math.min(height, 8000)});
  await page.screenshot({path: join(OUT, "laptop-full.png"), fullPage: true});
  await page.setViewportSize({width: 1366, height: 900});
});

test("the case is in the URL and the English toggle translates", async () => {
  const url = page.url();
  assert.match(url, /#case=[A-Za-z0-9_-]+$/);
  const shared = Buffer.from(url.split("#case=")[1], "base64url").toString("utf8");
  assert.equal(JSON.parse(shared).recipient.phone, "0812-3456-7890");
  assert.ok(
    !/sim-(meta|watzap|fonnte)-|sim-watzap-number/.test(shared),
    "a credential is in the shared link"
  );
  const other = await context.newPage();
  try {
    await other.goto(url);
    await other.waitForSelector('body[data-ready="true"]');
    assert.equal(await other.inputValue("#f-phone"), "0812-3456-7890");
    assert.ok(await other.isChecked("#mode-live"));
    assert.equal(await other.getByTestId("fault-watzap").inputValue(), "http503");
    await other.click('[data-lang="en"]');
    await other.waitForFunction(() => document.documentElement.lang === "en");
    assert.equal(await other.locator("h1").innerText(), "WhatsApp notification test");
    assert.match(
      await other.getByTestId("decision-summary").innerText(),
      /Sent through/
    );
  } finally {
    await other.close();
  }
});

test("quiet hours: a non-urgent live send on a holiday in WIT is deferred, nothing reaches a provider", async () => {
  await fetch(`${demo.simulatorUrl}/_sim/reset`, {method: "POST"});
  await page.check("#mode-live");
  await page.getByTestId("fault-watzap").selectOption("");
  // Today and tomorrow in WIT are holidays, so the answer does not depend on the hour.
  const day = (/** @type {number} */ offset) =>
    new Date(Date.now() + 9 * 3600_000 + offset * 86400_000).toISOString().slice(0, 10);
  await page.selectOption("#f-zone", "Asia/Jayapura");
  await page.check("#f-quiet");
  await page.fill("#f-holidays", `${day(0)} ${day(1)}`);
  await settled();
  // The previous test's outcome is still shown: wait for this send's (a timeout fails the test).
  await page.evaluate(() =>
    document.querySelector('[data-testid="outcome"]')?.remove()
  );
  await page.getByTestId("send").click();
  const outcome = page.getByTestId("outcome");
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute("data-status"), "deferred");
  assert.match(await text("#send-result"), /quiet\.holiday/);
  assert.match(await text("#send-result"), /WIT/);
  // In the citizen's zone, with its date: 06:00 WIT after the holidays, whatever the browser's zone.
  assert.match(
    await text("#send-result"),
    /setelah [^\n]*06[.:]00/,
    "the retry time is shown in the citizen's zone"
  );
  assert.equal(await page.getByTestId("attempt").count(), 0);
  let stats = await (await fetch(`${demo.simulatorUrl}/_sim/stats`)).json();
  assert.equal(stats.meta.received + stats.watzap.received + stats.fonnte.received, 0);
  await page.screenshot({path: join(OUT, "quiet-deferred.png")});

  // An urgent template leaves at once.
  await page.check("#f-urgent");
  await settled();
  await page.evaluate(() =>
    document.querySelector('[data-testid="outcome"]')?.remove()
  );
  await page.getByTestId("send").click();
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="outcome"]')?.getAttribute("data-status") ===
      "sent"
  );
  stats = await (await fetch(`${demo.simulatorUrl}/_sim/stats`)).json();
  assert.equal(stats.duplicates, 0);
  await page.uncheck("#f-urgent");
  await page.uncheck("#f-quiet");
  await page.selectOption("#f-zone", "Asia/Jakarta");
  await page.fill("#f-holidays", "");
  await settled();
});

test("phone width: no horizontal scroll at 375 px", async () => {
  await page.setViewportSize({width: 375, height: 812});
  await page.waitForTimeout(100);
  const {scroll, client} = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `page is ${scroll} px wide in a ${client} px viewport`);
  await page.screenshot({path: join(OUT, "phone.png"), fullPage: true});
  assert.deepEqual(pageErrors, []);
});

test("the page's catalogue has every code's sentences and the arguments of every step and error", async (t) => {
  // The page's own catalogue (the package's catalogue.js, served to the browser) and the
  // answers of its own web engine to the shared transcripts' steps, each case in a fresh host
  // (tests/node/transcript.mjs: the node runner's `call`, its source run in the page); the
  // rules are tests/node/catalogue-walk.mjs, as the node, Python and Odoo hosts check them.
  // The web build lacks the ops of `requires: "server"` files (the webhooks) and
  // `dispatchScripted` (both left out for the size budget): those files and steps are skipped
  // here, and the node, Python and Odoo hosts walk them.
  const walk = await import("../node/catalogue-walk.mjs");
  const {call, caseSteps, transcripts} = await import("../node/transcript.mjs");
  const catalogue = await page.evaluate(async () =>
    (await import("sicantik-whatsapp")).catalogue()
  );
  assert.deepEqual(walk.missingSentences(catalogue), []);
  const cases = [];
  const expected = new Set();
  let skipped = 0;
  for (const [file, suite] of transcripts()) {
    walk.engineCodesIn(suite.cases, catalogue, expected);
    if (suite.requires) {
      skipped += suite.cases.length;
      continue;
    }
    for (const c of suite.cases) {
      const steps = caseSteps(suite, c).filter((s) => s.op !== "dispatchScripted");
      cases.push({name: `${file} › ${c.name}`, steps});
    }
  }
  assert.deepEqual(
    [...expected].filter((c) => !(c in catalogue.codes)),
    [],
    "codes of the fixtures without a sentence"
  );
  const answers = await page.evaluate(
    async ({source, cases}) => {
      const pkg = await import("sicantik-whatsapp");
      const call = new Function(`return ${source}`)();
      return cases.map(({name, steps}) => {
        const host = {};
        return {name, answers: steps.map((s) => call(pkg, host, s.op, s.args))};
      });
    },
    {source: call.toString(), cases}
  );
  const problems = [];
  const checked = new Set();
  for (const answer of answers) {
    for (const item of walk.stepsAndErrors(answer.answers)) {
      const problem = walk.codeProblems(item, catalogue);
      if (problem) problems.push(`${answer.name}: ${problem}`);
      checked.add(item.code);
    }
  }
  assert.deepEqual(problems, []);
  t.diagnostic(
    `${expected.size} expected codes, ${checked.size} codes of trace steps and errors checked ` +
      `(${cases.length} cases run, ${skipped} of requires=server files skipped)`
  );
  assert.ok(checked.size > 40, `too few codes seen: ${[...checked].join(" ")}`);
});
