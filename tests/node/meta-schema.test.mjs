// The Meta template sends the engine builds, validated against this project's JSON Schema of a
// template send (tests/fixtures/schema/meta-template-message.schema.json), written from Meta's
// published OpenAPI description (facebook/openapi, TemplateMessage). The five default templates
// (the demo configuration, the same as the addon's data file) go through the engine; a template
// with a header and a URL button covers the other components; broken payloads prove the check
// can fail.

import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import Ajv from "ajv";
import {demoConfig, loadPkg} from "./helpers.mjs";

const SCHEMA = JSON.parse(
  readFileSync(
    new URL("../fixtures/schema/meta-template-message.schema.json", import.meta.url),
    "utf8"
  )
);
const validate = new Ajv({allErrors: true, strict: true}).compile(SCHEMA);
const pkg = await loadPkg();

const VALUES = {
  partner_name: "Budi Santoso",
  permit_type: "PBG",
  permit_number: "503/PBG/2026/0142",
  office_name: "DPMPTSP Kabupaten Karo",
  expiry_date: "31 Desember 2026",
  status: "Verifikasi dokumen",
  opt_in_link: "https://dpmptsp.karokab.go.id/wa/setuju/tok123",
};

/** The JSON body the engine would POST to Meta for `template`. */
function metaBody(engine, template) {
  const notification = {
    template,
    recipient: {phone: "0812-3456-7890", name: "Budi Santoso", metaOptIn: true},
    values: VALUES,
  };
  const {request, error} = engine.render(notification, "meta");
  if (!request) throw Object.assign(new Error(error.message), {code: error.code});
  return JSON.parse(request.body);
}

const problems = () =>
  (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("; ");

test("the schema names its source: facebook/openapi, the file and the commit", () => {
  assert.match(SCHEMA.$comment, /facebook\/openapi/);
  assert.match(SCHEMA.$comment, /business-messaging-api_v23\.0\.yaml/);
  assert.match(SCHEMA.$comment, /commit [0-9a-f]{40}/);
});

test("the default templates' Meta sends validate; the opt-in invitation has no Meta template", () => {
  const config = demoConfig();
  const engine = new pkg.Engine(config);
  const codes = config.templates.map((t) => t.code);
  assert.equal(codes.length, 5);
  let validated = 0;
  for (const t of config.templates) {
    if (!t.meta) {
      // meta_opt_in_request invites people who have not opted in: gateways only, by design.
      assert.equal(t.code, "meta_opt_in_request");
      assert.throws(
        () => metaBody(engine, t.code),
        (e) => e.code === "provider.unsupported"
      );
      continue;
    }
    const body = metaBody(engine, t.code);
    assert.ok(validate(body), `${t.code}: ${problems()}`);
    assert.equal(body.template.name, t.meta.templateName);
    validated += 1;
  }
  assert.equal(validated, 4);
});

test("a template with a text header, a named body and a URL button validates too", () => {
  const config = demoConfig();
  const status = config.templates.find((t) => t.code === "status_update");
  Object.assign(status, {
    header: "Status izin {{permit_number}}",
    buttonUrlSuffix: "cek/{{permit_number}}",
  });
  const body = metaBody(new pkg.Engine(config), "status_update");
  assert.deepEqual(
    body.template.components.map((c) => c.type),
    ["header", "body", "button"]
  );
  assert.ok(validate(body), problems());
});

test("payloads that break Meta's description are refused (the check can fail)", () => {
  const good = metaBody(new pkg.Engine(demoConfig()), "permit_ready");
  assert.ok(validate(good), problems());
  const broken = {
    "no language policy": (b) => delete b.template.language.policy,
    "a policy Meta does not have": (b) => (b.template.language.policy = "fallback"),
    "no recipient": (b) => delete b.to,
    "another messaging product": (b) => (b.messaging_product = "sms"),
    "a text parameter without text": (b) =>
      delete b.template.components[0].parameters[0].text,
    "an unknown component type": (b) => (b.template.components[0].type = "footer"),
    "a button without an index": (b) =>
      b.template.components.push({
        type: "button",
        sub_type: "url",
        parameters: [{type: "text", text: "x"}],
      }),
    "a button index as a number": (b) =>
      b.template.components.push({
        type: "button",
        sub_type: "url",
        index: 0,
        parameters: [{type: "text", text: "x"}],
      }),
    "a header without parameters": (b) =>
      b.template.components.unshift({type: "header", parameters: []}),
    "a named parameter with capitals": (b) =>
      (b.template.components[0].parameters[0].parameter_name = "Nama"),
  };
  for (const [what, breakIt] of Object.entries(broken)) {
    const body = structuredClone(good);
    breakIt(body);
    assert.equal(validate(body), false, `${what} was accepted`);
  }
});
