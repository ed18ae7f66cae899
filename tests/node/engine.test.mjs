// The synchronous API on a realistic office (three providers on the simulator, five Indonesian
// templates) and every error path: a real Error named SicantikError with a stable code.

import {test} from "node:test";
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {assertNoSecrets, demoConfig, loadPkg, permitReady} from "./helpers.mjs";

const pkg = await loadPkg();
const config = demoConfig("http://127.0.0.1:9");
const engine = new pkg.Engine(config);

/** Assert `fn` throws an engine error with `code`. */
function throwsCode(fn, code) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `not an Error: ${e}`);
    assert.equal(e.name, "SicantikError");
    assert.equal(e.code, code, e.message);
    assert.ok(pkg.isSicantikError(e));
    assert.ok(e.message.length > 0);
    return true;
  });
}

test("decide: opted-in goes to Meta, others to the gateways with the opt-in link", () => {
  const meta = engine.decide(permitReady({optIn: true}));
  assert.equal(meta.provider, "meta");
  assert.deepEqual(meta.chain, ["meta", "watzap", "fonnte"]);
  assert.equal(meta.phone, "6281234567890");
  assert.equal(meta.appendOptInLink, false);
  assert.ok(
    meta.trace.every((s) => typeof s.code === "string" && typeof s.message === "string")
  );

  const gateway = engine.decide(permitReady({optIn: false}));
  assert.equal(gateway.provider, "watzap");
  assert.deepEqual(gateway.chain, ["watzap", "fonnte"]);
  assert.equal(gateway.appendOptInLink, true);

  const forced = engine.decide(permitReady({forceProvider: "fonnte"}));
  assert.deepEqual(forced.chain, ["fonnte"]);

  const optedOut = engine.decide({
    ...permitReady(),
    recipient: {phone: "081234567890", optedOut: true},
  });
  assert.equal(optedOut.provider, null);
  assert.deepEqual(optedOut.chain, []);
});

test("decide works for each of the five templates", () => {
  const values = {
    partner_name: "Siti Aminah",
    permit_type: "SIUP",
    permit_number: "503/SIUP/2026/0099",
    office_name: "DPMPTSP Kabupaten Karo",
    expiry_date: "31 Desember 2026",
    status: "Diverifikasi",
  };
  for (const t of config.templates) {
    const d = engine.decide({
      template: t.code,
      recipient: {phone: "+62 813-9876-5432", metaOptIn: true},
      values,
    });
    assert.equal(d.template, t.code);
    assert.equal(d.phone, "6281398765432");
    assert.ok(d.chain.length > 0, t.code);
  }
});

test("preview: every provider's masked request, no credential anywhere", () => {
  const p = engine.preview(permitReady({optIn: false}));
  assert.equal(p.decision.provider, "watzap");
  assert.deepEqual(
    p.providers.map((x) => x.provider),
    ["meta", "watzap", "fonnte"]
  );
  for (const x of p.providers) {
    assert.equal(x.error, null, `${x.provider}: ${JSON.stringify(x.error)}`);
    assert.ok(x.request.url.startsWith("http://127.0.0.1:9/"), x.request.url);
    assert.equal(typeof x.request.method, "string");
  }
  const watzap = p.providers.find((x) => x.provider === "watzap");
  assert.equal(watzap.position, 0);
  assert.match(watzap.text, /Budi Santoso/);
  assert.match(
    watzap.text,
    /dpmptsp\.karokab\.go\.id\/wa\/setuju/,
    "opt-in link appended"
  );
  assertNoSecrets(JSON.stringify(p), "preview");
  assert.match(JSON.stringify(p), /•••/);
});

test("render: one provider's text, params and masked request", () => {
  const r = engine.render(permitReady(), "fonnte");
  assert.equal(r.provider, "fonnte");
  assert.equal(r.kind, "fonnte");
  assert.match(r.text, /503\/PBG\/2026\/0142/);
  assert.ok(r.request);
  assertNoSecrets(JSON.stringify(r), "render");
  const meta = engine.render(permitReady(), "meta");
  assert.ok(meta.params, "Meta template payload");
  assert.equal(meta.params.name, "permit_ready");
  throwsCode(() => engine.render(permitReady(), "nope"), "provider.unknown");
});

test("planBatch: decisions and first requests, bad notifications as error entries", () => {
  const items = engine.planBatch([
    permitReady({optIn: true}),
    permitReady({optIn: false, phone: "0813 1111 2222"}),
    permitReady({phone: "12345"}),
    {...permitReady(), template: "no_such_template"},
    {...permitReady(), values: {partner_name: "Budi"}},
  ]);
  assert.equal(items.length, 5);
  assert.equal(items[0].ok.decision.provider, "meta");
  assert.ok(items[0].ok.request.url.includes("/meta/"));
  assert.equal(items[1].ok.decision.provider, "watzap");
  assert.match(items[1].ok.text, /Budi Santoso/);
  assert.equal(items[2].error.code, "phone.invalid");
  assert.equal(items[3].error.code, "template.unknown");
  assert.equal(items[4].error.code, "template.missing_param");
  assertNoSecrets(JSON.stringify(items), "planBatch");
});

test("planBatchCompact: the same requests and trace codes, without the words", () => {
  const list = [
    permitReady({optIn: true}),
    permitReady({optIn: false, phone: "0813 1111 2222"}),
    permitReady({phone: "12345"}),
  ];
  const full = engine.planBatch(list);
  const compact = engine.planBatchCompact(list);
  for (const k of [0, 1]) {
    const f = full[k].ok,
      c = compact[k].ok;
    assert.deepEqual(Object.keys(c).sort(), [
      "appendOptInLink",
      "phone",
      "provider",
      "request",
      "trace",
    ]);
    assert.deepEqual(c.request, f.request);
    assert.equal(c.provider, f.decision.provider);
    assert.equal(c.phone, f.decision.phone);
    assert.equal(c.appendOptInLink, f.decision.appendOptInLink);
    assert.deepEqual(
      c.trace,
      f.decision.trace.map((s) => s.code)
    );
  }
  assert.deepEqual(compact[2], full[2]);
  assertNoSecrets(JSON.stringify(compact), "planBatchCompact");
});

test("lintTemplate works on a template given inline", () => {
  const t = config.templates[0];
  assert.ok(Array.isArray(pkg.lintTemplate(t)));
  const broken = pkg.lintTemplate({code: "x", body: "Halo {{nama"});
  assert.ok(
    broken.some((i) => i.severity === "error"),
    JSON.stringify(broken)
  );
});

test("describeTemplate asks for Meta's positional {{1}}, {{2}} and never for the opt-in link", () => {
  const describe = (template) => engine.call("describeTemplate", {template});
  const d = describe({code: "x", body: "Yth. {{1}}, izin {{2}}. {{opt_in_link}}"});
  assert.deepEqual(
    d.params.map((p) => [p.name, p.role, p.ask]),
    [
      ["1", "value", true],
      ["2", "value", true],
      ["opt_in_link", "optInLink", false],
    ]
  );
  assert.equal(d.error, null);
  // A newline inside the braces is refused by the renderer: no field, the renderer's error.
  assert.equal(
    describe({code: "x", body: "Yth. {{\nname}}"}).error.code,
    "template.malformed"
  );
  // By code: the configuration's template, described as given inline.
  assert.deepEqual(
    describe("permit_ready"),
    describe(config.templates.find((t) => t.code === "permit_ready"))
  );
});

test("catalogue: every code has its Indonesian and English sentence, the node build answers the same", () => {
  const catalogue = pkg.catalogue();
  const codes = Object.keys(catalogue.codes);
  assert.ok(
    codes.includes("template.missing_param") && codes.includes("route.skip_no_opt_in"),
    codes.join()
  );
  for (const [code, entry] of Object.entries(catalogue.codes)) {
    for (const lang of ["id", "en"]) {
      assert.ok(entry[lang]?.trim(), `${code}: no ${lang} sentence`);
      const args = Object.fromEntries(entry.args.map((a) => [a, "x"]));
      const filled = pkg
        .sentence(code, lang, args)
        .replaceAll("{{…}}", "")
        .replaceAll("{{x}}", "");
      assert.ok(
        !filled.includes("{"),
        `${code} (${lang}) names an undeclared argument: ${entry[lang]}`
      );
    }
  }
  assert.equal(
    pkg.sentence("template.missing_param", "id", {
      template: "permit_ready",
      param: "permit_number",
    }),
    "Templat permit_ready memerlukan nilai untuk {{permit_number}}."
  );
  assert.equal(pkg.sentence("no.such_code", "en"), null);
  assert.equal(catalogue.defaults.secretMask, "•••");
  // The generated module is the node build's op answer, byte for byte.
  const node = createRequire(import.meta.url)("../../pkg/node/sicantik_whatsapp.js");
  const e = new node.Engine({});
  assert.deepEqual(e.call("catalogue", null), catalogue);
  e.free();
});

test("an error carries its catalogue sentence's arguments: no host parses the message", () => {
  const n = permitReady();
  delete n.values.permit_number;
  let error = null;
  try {
    engine.decide(n);
  } catch (e) {
    error = e;
  }
  assert.equal(error?.code, "template.missing_param");
  assert.deepEqual(error.args, {template: "permit_ready", param: "permit_number"});
  assert.deepEqual(
    Object.keys(error.args).sort(),
    [...pkg.catalogue().codes[error.code].args].sort()
  );
  assert.equal(
    pkg.sentence(error.code, "id", error.args),
    "Templat permit_ready memerlukan nilai untuk {{permit_number}}."
  );
});

test("engine.call runs any JSON operation", () => {
  assert.equal(engine.call("version", null), pkg.version());
  assert.equal(
    engine.call("normalizePhone", {phone: "0812-3456-7890"}),
    "6281234567890"
  );
  throwsCode(() => engine.call("noSuchOp", null), "input.invalid");
});

test("error codes: phone.invalid", () => {
  throwsCode(
    () => engine.decide(permitReady({phone: "021-555-0199"})),
    "phone.invalid"
  );
  throwsCode(
    () => engine.decide(permitReady({phone: "0812-abc-7890"})),
    "phone.invalid"
  );
  throwsCode(() => pkg.normalizePhone(""), "phone.invalid");
});

test("error codes: template.unknown", () => {
  throwsCode(
    () => engine.decide({...permitReady(), template: "izin_hilang"}),
    "template.unknown"
  );
  throwsCode(
    () => engine.preview({...permitReady(), template: "izin_hilang"}),
    "template.unknown"
  );
});

test("error codes: template.missing_param (missing and blank)", () => {
  const n = permitReady();
  delete n.values.permit_number;
  throwsCode(() => engine.decide(n), "template.missing_param");
  throwsCode(
    () =>
      engine.decide({
        ...permitReady(),
        values: {...permitReady().values, office_name: "   "},
      }),
    "template.missing_param"
  );
});

test("error codes: config.invalid", () => {
  throwsCode(
    () => new pkg.Engine({...config, defaultProvider: "whatsapp_business"}),
    "config.invalid"
  );
  throwsCode(
    () =>
      new pkg.Engine({
        ...config,
        providers: [...config.providers, config.providers[0]],
      }),
    "config.invalid"
  );
  throwsCode(
    () => new pkg.Engine({...config, fallbackOrder: ["nope"]}),
    "config.invalid"
  );
});

test("error codes: input.invalid on garbage input", () => {
  throwsCode(() => new pkg.Engine(42), "input.invalid");
  throwsCode(() => new pkg.Engine("config"), "input.invalid");
  throwsCode(() => new pkg.Engine({providers: "meta"}), "input.invalid");
  throwsCode(
    () => new pkg.Engine({providers: [{id: "x", kind: "telegram"}]}),
    "input.invalid"
  );
  throwsCode(() => engine.decide(42), "input.invalid");
  throwsCode(() => engine.decide({template: "permit_ready"}), "input.invalid");
  throwsCode(
    () => engine.decide({...permitReady(), values: {partner_name: {nested: true}}}),
    "input.invalid"
  );
  throwsCode(() => engine.planBatch("not a list"), "input.invalid");
  const cyclic = {};
  cyclic.self = cyclic;
  throwsCode(() => engine.decide(cyclic), "input.invalid");
});

test("error codes: send() with a bad transport or notification", async () => {
  throwsCode(
    () => engine.send(permitReady(), {transport: {post: () => undefined}}),
    "input.invalid"
  );
  throwsCode(() => engine.send(42), "input.invalid");
  await assert.rejects(
    engine.send(permitReady({phone: "12"}), {
      transport: {send: async () => ({status: 200})},
    }),
    (e) => {
      assert.equal(e.name, "SicantikError");
      assert.equal(e.code, "phone.invalid");
      return true;
    }
  );
});

test("send() with a notification that is not JSON gives input.invalid", () => {
  const cyclic = permitReady();
  cyclic.self = cyclic;
  throwsCode(() => engine.send(cyclic), "input.invalid");
});
