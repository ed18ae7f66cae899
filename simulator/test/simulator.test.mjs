// Tests of the provider simulator: node --test simulator/test/
import {test} from "node:test";
import assert from "node:assert/strict";
import {spawn} from "node:child_process";
import {connect} from "node:net";
import {fileURLToPath} from "node:url";
import {DEFAULT_CREDENTIALS, SEED_TEMPLATES, startSimulator} from "../index.mjs";

const SCRIPT = fileURLToPath(new URL("../index.mjs", import.meta.url));
const PHONE_ID = DEFAULT_CREDENTIALS.meta.phoneNumberId;
const WABA_ID = DEFAULT_CREDENTIALS.meta.wabaId;
const META_AUTH = {authorization: `Bearer ${DEFAULT_CREDENTIALS.meta.accessToken}`};
const FONNTE_AUTH = {authorization: DEFAULT_CREDENTIALS.fonnte.token};
const WZ = {
  api_key: DEFAULT_CREDENTIALS.watzap.apiKey,
  number_key: DEFAULT_CREDENTIALS.watzap.numberKey,
};

/** Start a simulator that the test closes when it ends. */
async function sim(t, options) {
  const s = await startSimulator(options);
  t.after(() => s.close());
  return s;
}

/**
 * A signal that aborts once the simulator has recorded a request to `provider`: a client giving up
 * after the provider got the request, at no fixed time (a loaded machine may take longer than any
 * bound to deliver it).
 */
function abortOnceRecorded(s, provider, reason) {
  const ctl = new AbortController();
  const poll = setInterval(() => {
    if (s.state.listRequests(provider).length === 0) return;
    clearInterval(poll);
    ctl.abort(reason);
  }, 5);
  return ctl.signal;
}

/** One HTTP call; `json` and `form` set the body and its content type. */
async function call(s, method, path, {headers = {}, json, form, body, signal} = {}) {
  const h = {...headers};
  if (json !== undefined) {
    h["content-type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    h["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(form).toString();
  }
  const res = await fetch(s.url + path, {method, headers: h, body, signal});
  const text = await res.text();
  let data = null;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  return {status: res.status, headers: res.headers, text, data};
}

const metaSend = (s, payload, headers = META_AUTH, version = "v25.0") =>
  call(s, "POST", `/meta/${version}/${PHONE_ID}/messages`, {headers, json: payload});
const template = (
  name = "permit_ready",
  params = ["Budi", "PBG", "503/PBG/2026/0142", "DPMPTSP"]
) => ({
  messaging_product: "whatsapp",
  recipient_type: "individual",
  to: "6281234567890",
  type: "template",
  template: {
    name,
    language: {code: "id", policy: "deterministic"},
    components: [
      {type: "body", parameters: params.map((text) => ({type: "text", text}))},
    ],
  },
});
const textMsg = (body = "Halo", to = "6281234567890") => ({
  messaging_product: "whatsapp",
  to,
  type: "text",
  text: {body},
});
const wzSend = (s, extra = {}) =>
  call(s, "POST", "/watzap/send_message", {
    json: {...WZ, phone_no: "6281234567890", message: "Halo", ...extra},
  });
const fonnteSend = (
  s,
  form = {target: "081234567890", message: "Halo"},
  headers = FONNTE_AUTH
) => call(s, "POST", "/fonnte/send", {headers, form});
const fault = (s, spec) => call(s, "POST", "/_sim/faults", {json: spec});
const stats = async (s) => (await call(s, "GET", "/_sim/stats")).data;
const requests = async (s, provider) =>
  (await call(s, "GET", `/_sim/requests${provider ? `?provider=${provider}` : ""}`))
    .data;

test("meta: template and text sends succeed with wamids, any Graph version", async (t) => {
  const s = await sim(t);
  const a = await metaSend(s, template());
  assert.equal(a.status, 200);
  assert.deepEqual(a.data, {
    messaging_product: "whatsapp",
    contacts: [{input: "6281234567890", wa_id: "6281234567890"}],
    messages: [{id: "wamid.SIM1"}],
  });
  const b = await metaSend(s, textMsg(), META_AUTH, "v18.0");
  assert.equal(b.status, 200);
  assert.equal(b.data.messages[0].id, "wamid.SIM2");
  const named = await metaSend(s, {
    ...template("status_update"),
    template: {
      name: "status_update",
      language: {code: "id"},
      components: [
        {
          type: "body",
          parameters: [{type: "text", text: "Budi", parameter_name: "partner_name"}],
        },
      ],
    },
  });
  assert.equal(named.status, 200);
});

test("meta: bad token, unknown phone number id, bad bodies and unknown templates", async (t) => {
  const s = await sim(t);
  for (const headers of [{authorization: "Bearer wrong"}, {}, FONNTE_AUTH]) {
    const r = await metaSend(s, template(), headers);
    assert.equal(r.status, 401);
    assert.equal(r.data.error.code, 190);
    assert.equal(r.data.error.type, "OAuthException");
    assert.equal(r.data.error.message, "Invalid OAuth access token.");
  }
  const wrongId = await call(s, "POST", "/meta/v25.0/999/messages", {
    headers: META_AUTH,
    json: template(),
  });
  assert.equal(wrongId.status, 400);
  assert.equal(wrongId.data.error.code, 100);
  const bad = [
    {...template(), messaging_product: undefined},
    {...template(), to: undefined},
    {...template(), type: "image"},
    {...template(), template: {name: "permit_ready"}},
    {...textMsg(), text: {}},
  ];
  for (const payload of bad) {
    const r = await metaSend(s, payload);
    assert.equal(r.status, 400, JSON.stringify(payload));
    assert.equal(r.data.error.code, 100);
    assert.ok(r.data.error.error_data.details);
  }
  const notJson = await call(s, "POST", `/meta/v25.0/${PHONE_ID}/messages`, {
    headers: {...META_AUTH, "content-type": "application/json"},
    body: '{"messaging_product": ',
  });
  assert.equal(notJson.status, 400);
  assert.equal(notJson.data.error.code, 100);
  const unknown = await metaSend(s, template("izin_terbit"));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.data.error.code, 132001);
  assert.equal((await stats(s)).meta.accepted, 0);
});

test("meta: phone number health and WABA", async (t) => {
  const s = await sim(t);
  const r = await call(s, "GET", `/meta/v25.0/${PHONE_ID}`, {headers: META_AUTH});
  assert.equal(r.status, 200);
  assert.equal(r.data.id, PHONE_ID);
  assert.equal(r.data.quality_rating, "GREEN");
  assert.ok(r.data.display_phone_number && r.data.verified_name);
  assert.equal((await call(s, "GET", `/meta/v25.0/${PHONE_ID}`)).status, 401);
  assert.equal(
    (await call(s, "GET", `/meta/v25.0/${WABA_ID}`, {headers: META_AUTH})).data.id,
    WABA_ID
  );
  assert.equal(
    (await call(s, "GET", "/meta/v25.0/42", {headers: META_AUTH})).status,
    400
  );
});

test("meta: message_templates pages through every seeded template", async (t) => {
  const s = await sim(t);
  const seen = [];
  let next = `${s.url}/meta/v25.0/${WABA_ID}/message_templates?fields=name,status&limit=2`;
  let pages = 0;
  while (next) {
    const res = await fetch(next, {headers: META_AUTH});
    assert.equal(res.status, 200);
    const page = await res.json();
    assert.ok(page.data.length <= 2);
    assert.ok(page.paging.cursors.before && page.paging.cursors.after);
    assert.ok(!page.paging.next || !page.paging.next.includes("access_token"));
    seen.push(...page.data);
    next = page.paging.next;
    pages += 1;
  }
  assert.equal(pages, 3);
  assert.deepEqual(
    seen.map((x) => x.name),
    [
      "permit_ready",
      "permit_reminder",
      "status_update",
      "renewal_approved",
      "meta_opt_in_request",
    ]
  );
  assert.deepEqual(seen, SEED_TEMPLATES);
  for (const x of seen) {
    assert.equal(x.status, "APPROVED");
    assert.equal(x.language, "id");
    assert.match(x.components.find((c) => c.type === "BODY").text, /\{\{\w+\}\}/);
  }
  assert.equal(seen.filter((x) => x.parameter_format === "NAMED").length, 1);
  const all = await call(s, "GET", `/meta/v25.0/${WABA_ID}/message_templates`, {
    headers: META_AUTH,
  });
  assert.equal(all.data.data.length, 5);
  assert.equal(all.data.paging.next, undefined);
  const badCursor = await call(
    s,
    "GET",
    `/meta/v25.0/${WABA_ID}/message_templates?after=nope`,
    {headers: META_AUTH}
  );
  assert.equal(badCursor.status, 400);
  assert.equal(
    (await call(s, "GET", `/meta/v25.0/${WABA_ID}/message_templates`)).status,
    401
  );
});

test("watzap: send, key checks, checking_key in both spellings, validate_number", async (t) => {
  const s = await sim(t, {unregistered: ["6289999999999"]});
  const ok = await wzSend(s);
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.data, {
    status: "200",
    message: "Successfully",
    ack: "successfully",
  });
  const badKey = await wzSend(s, {api_key: "nope"});
  assert.equal(badKey.status, 200);
  assert.deepEqual(badKey.data, {status: "1002", message: "Invalid API Key"});
  assert.equal((await wzSend(s, {number_key: "nope"})).data.status, "1003");
  assert.equal((await wzSend(s, {phone_no: undefined})).data.status, "1006");
  const notJson = await call(s, "POST", "/watzap/send_message", {
    headers: {"content-type": "application/json"},
    body: '{"api_key"',
  });
  assert.equal(notJson.status, 400);
  assert.equal(notJson.data.status, "1005");

  for (const field of ["api_key", "api-key"]) {
    const r = await call(s, "POST", "/watzap/checking_key", {
      json: {[field]: WZ.api_key},
    });
    assert.equal(r.data.status, true);
    assert.equal(r.data.message, "Successfully");
    assert.equal(r.data.data.licenses_key[0].is_connected, true);
  }
  assert.equal(
    (await call(s, "POST", "/watzap/checking_key", {json: {api_key: "x"}})).data.status,
    "1002"
  );

  const valid = await call(s, "POST", "/watzap/validate_number", {
    json: {...WZ, phone_no: "6281234567890"},
  });
  assert.deepEqual(valid.data, {
    status: "200",
    message: "Valid WhatsApp Number",
    ack: "successfully",
  });
  const invalid = await call(s, "POST", "/watzap/validate_number", {
    json: {...WZ, phone_no: "6289999999999"},
  });
  assert.notEqual(invalid.data.status, "200");
  assert.equal((await call(s, "GET", "/watzap/send_message")).status, 405);
  assert.deepEqual((await stats(s)).watzap, {received: 5, accepted: 1, ambiguous: 0});
});

test("fonnte: form and JSON sends, per-recipient ids, token and target failures", async (t) => {
  const s = await sim(t);
  const ok = await fonnteSend(s, {
    target: "081234567890|Budi,6281298765432|Ani",
    message: "Halo {name}",
  });
  assert.equal(ok.status, 200);
  assert.equal(ok.data.status, true);
  assert.equal(ok.data.detail, "success! message in queue");
  assert.equal(ok.data.process, "pending");
  assert.deepEqual(ok.data.target, ["6281234567890", "6281298765432"]);
  assert.equal(ok.data.id.length, 2);
  assert.ok(Number.isInteger(ok.data.requestid));
  const json = await call(s, "POST", "/fonnte/send", {
    headers: FONNTE_AUTH,
    json: {target: "081234567890", message: "x", countryCode: "62"},
  });
  assert.equal(json.data.status, true);

  for (const headers of [
    {authorization: "wrong"},
    {authorization: `Bearer ${FONNTE_AUTH.authorization}`},
    {},
  ]) {
    const r = await fonnteSend(s, undefined, headers);
    assert.equal(r.status, 200);
    assert.deepEqual(r.data, {reason: "invalid token", status: false});
  }
  const noTarget = await fonnteSend(s, {message: "x"});
  assert.equal(noTarget.status, 200);
  assert.deepEqual(noTarget.data, {reason: "target invalid", status: false});
  assert.deepEqual((await stats(s)).fonnte, {received: 6, accepted: 2, ambiguous: 0});
});

test("fonnte: multipart/form-data sends (as Fonnte documents) and malformed multipart bodies", async (t) => {
  const s = await sim(t);
  const form = new FormData();
  form.append("target", "081234567890");
  form.append("message", 'Halo Budi,\r\nizin & "terbit" ✓');
  form.append("countryCode", "62");
  const ok = await call(s, "POST", "/fonnte/send", {headers: FONNTE_AUTH, body: form});
  assert.equal(ok.data.status, true, ok.text);
  const [rec] = (await requests(s, "fonnte")).requests;
  assert.match(rec.headers["content-type"], /^multipart\/form-data; boundary=/);
  assert.deepEqual(rec.body, {
    target: "081234567890",
    message: 'Halo Budi,\r\nizin & "terbit" ✓',
    countryCode: "62",
  });
  assert.equal(typeof rec.bodySha256, "string");
  const b = "sicantik-whatsapp-form-boundary";
  for (const [type, body, error] of [
    [
      "multipart/form-data",
      `--${b}--\r\n`,
      "multipart body without a boundary parameter",
    ],
    [
      `multipart/form-data; boundary=${b}`,
      `--${b}\r\nContent-Disposition: form-data; name="target"\r\n\r\n0812\r\n`,
      "multipart body without its closing boundary",
    ],
    [
      `multipart/form-data; boundary=${b}`,
      `--${b}\r\nX: y\r\n\r\n0812\r\n--${b}--\r\n`,
      "multipart part without a form-data name",
    ],
  ]) {
    const r = await call(s, "POST", "/fonnte/send", {
      headers: {...FONNTE_AUTH, "content-type": type},
      body,
    });
    assert.deepEqual(r.data, {reason: `invalid request body: ${error}`, status: false});
  }
});

test("fonnte: device and validate", async (t) => {
  const s = await sim(t, {unregistered: ["6289999999999"]});
  const d = await call(s, "POST", "/fonnte/device", {headers: FONNTE_AUTH});
  assert.equal(d.data.status, true);
  assert.equal(d.data.device_status, "connect");
  assert.match(d.data.device, /^628\d+$/);
  assert.deepEqual(
    (await call(s, "POST", "/fonnte/device", {headers: {authorization: "x"}})).data,
    {reason: "token invalid", status: false}
  );
  const v = await call(s, "POST", "/fonnte/validate", {
    headers: FONNTE_AUTH,
    form: {target: "081234567890,089999999999", countryCode: "62"},
  });
  assert.deepEqual(v.data, {
    not_registered: ["6289999999999"],
    registered: ["6281234567890"],
    status: true,
  });
  assert.equal(
    (await call(s, "POST", "/fonnte/validate", {headers: FONNTE_AUTH, form: {}})).data
      .reason,
    "target required"
  );
});

test("faults: http500, http503 and http429 per provider", async (t) => {
  const s = await sim(t);
  await fault(s, {provider: "meta", fault: "http500", times: 1});
  const m500 = await metaSend(s, template());
  assert.equal(m500.status, 500);
  assert.equal(typeof m500.data.error.code, "number");
  await fault(s, {provider: "watzap", fault: "http503", times: 1});
  const w503 = await wzSend(s);
  assert.equal(w503.status, 503);
  assert.match(w503.headers.get("content-type"), /text\/html/);
  await fault(s, {provider: "fonnte", fault: "http429", times: 1});
  const f429 = await fonnteSend(s);
  assert.equal(f429.status, 429);
  assert.equal(f429.headers.get("retry-after"), "1");
  await fault(s, {provider: "meta", fault: "http429", times: 1});
  const m429 = await metaSend(s, template());
  assert.equal(m429.status, 429);
  assert.equal(m429.headers.get("retry-after"), "1");
  const st = await stats(s);
  assert.deepEqual(
    [st.meta.accepted, st.watzap.accepted, st.fonnte.accepted],
    [0, 0, 0]
  );
  assert.deepEqual(
    [st.meta.received, st.watzap.received, st.fonnte.received],
    [2, 1, 1]
  );
  const recs = await requests(s);
  assert.deepEqual(
    recs.requests.map((r) => [r.fault, r.status]),
    [
      ["http500", 500],
      ["http503", 503],
      ["http429", 429],
      ["http429", 429],
    ]
  );
});

test("faults: malformed and fonnteStatusFalse", async (t) => {
  const s = await sim(t);
  await fault(s, {provider: "watzap", fault: "malformed", times: 1});
  const bad = await wzSend(s);
  assert.equal(bad.status, 200);
  assert.equal(bad.text, '{"status": tru');
  assert.equal(bad.data, undefined);
  assert.deepEqual((await stats(s)).watzap, {received: 1, accepted: 1, ambiguous: 1});

  await fault(s, {provider: "fonnte", fault: "fonnteStatusFalse", times: 1});
  assert.deepEqual((await fonnteSend(s)).data, {
    status: false,
    reason: "device disconnected",
  });
  await fault(s, {
    provider: "fonnte",
    fault: "fonnteStatusFalse",
    reason: "quota habis",
    times: 1,
  });
  assert.deepEqual((await fonnteSend(s)).data, {status: false, reason: "quota habis"});
  assert.equal((await fonnteSend(s)).data.status, true);
});

test("faults: metaError codes map to Meta error bodies and HTTP statuses", async (t) => {
  const s = await sim(t);
  const cases = [
    [131026, 400, "Message undeliverable"],
    [130429, 400, "Rate limit hit"],
    [131047, 400, "Re-engagement message"],
    [132000, 400, "Number of parameters does not match the expected number of params"],
    [190, 401, "Error validating access token"],
    [131999, 400, ""],
  ];
  for (const [code, status, title] of cases) {
    await fault(s, {provider: "meta", fault: "metaError", code, times: 1});
    const r = await metaSend(s, template());
    assert.equal(r.status, status, String(code));
    assert.equal(r.data.error.code, code);
    assert.equal(r.data.error.type, "OAuthException");
    assert.ok(r.data.error.message.includes(title));
    assert.equal(r.data.error.error_data.messaging_product, "whatsapp");
  }
  await fault(s, {
    provider: "meta",
    fault: "metaError",
    times: 1,
    reason: "not on WhatsApp",
  });
  const dflt = await metaSend(s, template());
  assert.equal(dflt.data.error.code, 131026);
  assert.equal(dflt.data.error.error_data.details, "not on WhatsApp");
  assert.equal((await metaSend(s, template())).status, 200);
});

test("faults: slow answers late; a client timeout still leaves the request recorded and delivered", async (t) => {
  const s = await sim(t);
  await fault(s, {provider: "meta", fault: "slow", delayMs: 3000, times: 1});
  // The client's own timeout fires first, once the provider has the request.
  await assert.rejects(
    call(s, "POST", `/meta/v25.0/${PHONE_ID}/messages`, {
      headers: META_AUTH,
      json: textMsg("lambat"),
      signal: abortOnceRecorded(
        s,
        "meta",
        new DOMException("client timeout", "TimeoutError")
      ),
    }),
    {name: "TimeoutError"}
  );
  // The "unknown" case: the client saw a timeout, yet the provider has the message.
  const [rec] = (await requests(s, "meta")).requests;
  assert.equal(rec.fault, "slow");
  assert.equal(rec.body.text.body, "lambat");
  assert.deepEqual((await stats(s)).meta, {received: 1, accepted: 1, ambiguous: 1});
  assert.equal((await metaSend(s, template())).status, 200, "times: 1 has expired");

  await fault(s, {provider: "fonnte", fault: "slow"}); // default delay 5 s, until cleared
  await assert.rejects(
    call(s, "POST", "/fonnte/send", {
      headers: FONNTE_AUTH,
      form: {target: "081234567890", message: "late"},
      signal: abortOnceRecorded(s, "fonnte"),
    }),
    {name: "AbortError"}
  );
  const [frec] = (await requests(s, "fonnte")).requests;
  assert.equal(frec.body.message, "late");
  assert.equal(frec.fault, "slow");
  assert.deepEqual((await stats(s)).fonnte, {received: 1, accepted: 1, ambiguous: 1});
  assert.equal((await call(s, "GET", "/_sim/faults")).data.faults[0].delayMs, 5000);
});

test("faults: slow with a patient client gets the normal answer after delayMs", async (t) => {
  const s = await sim(t);
  await fault(s, {provider: "watzap", fault: "slow", delayMs: 200, times: 1});
  const t0 = Date.now();
  const r = await wzSend(s);
  assert.ok(Date.now() - t0 >= 190);
  assert.equal(r.data.status, "200");
  const [rec] = (await requests(s, "watzap")).requests;
  assert.equal(rec.fault, "slow");
  assert.equal(rec.status, 200);
  assert.deepEqual((await stats(s)).watzap, {received: 1, accepted: 1, ambiguous: 1});
});

test("faults: drop closes the socket without an answer", async (t) => {
  const s = await sim(t);
  await fault(s, {provider: "meta", fault: "drop", times: 1});
  await assert.rejects(metaSend(s, template()), TypeError);
  const [rec] = (await requests(s, "meta")).requests;
  assert.equal(rec.fault, "drop");
  assert.equal(rec.status, null);
  assert.equal(rec.dropped, true);
  assert.deepEqual((await stats(s)).meta, {received: 1, accepted: 1, ambiguous: 1});
  assert.equal((await metaSend(s, template())).status, 200);
});

test("faults: times expiry, queueing, endpoint targeting, listing, clearing, validation", async (t) => {
  const s = await sim(t);
  const armed = await fault(s, {provider: "fonnte", fault: "http500", times: 2});
  assert.equal(armed.status, 201);
  assert.equal(armed.data.fault.remaining, 2);
  await fault(s, {provider: "fonnte", fault: "fonnteStatusFalse", times: 1});
  const seen = [];
  for (let i = 0; i < 4; i++) {
    const r = await fonnteSend(s);
    seen.push(r.status === 200 ? String(r.data.status) : r.status);
  }
  assert.deepEqual(seen, [500, 500, "false", "true"]);
  assert.deepEqual((await call(s, "GET", "/_sim/faults")).data.faults, []);

  // Faults aim at send endpoints unless told otherwise.
  await fault(s, {provider: "fonnte", fault: "http503", endpoint: "health"});
  assert.equal((await fonnteSend(s)).status, 200);
  assert.equal(
    (await call(s, "POST", "/fonnte/device", {headers: FONNTE_AUTH})).status,
    503
  );
  await fault(s, {provider: "meta", fault: "http500"});
  const listed = (await call(s, "GET", "/_sim/faults")).data.faults;
  assert.deepEqual(
    listed.map((f) => [f.provider, f.fault, f.times]),
    [
      ["fonnte", "http503", null],
      ["meta", "http500", null],
    ]
  );
  assert.deepEqual((await call(s, "DELETE", "/_sim/faults?provider=meta")).data, {
    cleared: 1,
  });
  assert.equal((await metaSend(s, template())).status, 200);
  assert.deepEqual((await call(s, "DELETE", "/_sim/faults")).data, {cleared: 1});
  assert.equal(
    (await call(s, "POST", "/fonnte/device", {headers: FONNTE_AUTH})).status,
    200
  );

  for (const spec of [
    {provider: "sms", fault: "http500"},
    {provider: "meta", fault: "explode"},
    {provider: "fonnte", fault: "metaError"},
    {provider: "meta", fault: "fonnteStatusFalse"},
    {provider: "meta", fault: "http500", times: 0},
    {provider: "meta", fault: "slow", delayMs: -1},
    {provider: "meta", fault: "http500", endpoint: "everything"},
  ]) {
    const r = await fault(s, spec);
    assert.equal(r.status, 400, JSON.stringify(spec));
    assert.ok(r.data.error);
  }
  const notJson = await call(s, "POST", "/_sim/faults", {
    headers: {"content-type": "application/json"},
    body: "{",
  });
  assert.equal(notJson.status, 400);
  assert.deepEqual((await call(s, "GET", "/_sim/faults")).data.faults, []);
});

test("recorder: keeps requests, redacts every secret, filters and clears", async (t) => {
  const lines = [];
  const s = await sim(t, {log: (line) => lines.push(line)});
  const wrongSecret = "my-real-production-token-XYZ";
  await metaSend(s, template());
  await metaSend(s, template(), {authorization: `Bearer ${wrongSecret}`});
  await call(s, "GET", `/meta/v25.0/${PHONE_ID}?access_token=${wrongSecret}`);
  await wzSend(s, {message: `leaked ${DEFAULT_CREDENTIALS.watzap.apiKey} in text`});
  await wzSend(s, {api_key: wrongSecret});
  await call(s, "POST", "/watzap/checking_key", {json: {"api-key": wrongSecret}});
  await fonnteSend(s);
  await fonnteSend(s, {target: "081234567890", message: "x", token: wrongSecret});
  await call(s, "POST", "/fonnte/send", {
    headers: FONNTE_AUTH,
    body: `{"target": "0812", "token": "${wrongSecret}"`,
  });
  await call(s, "POST", "/watzap/send_message", {
    headers: {"content-type": "application/x-www-form-urlencoded"},
    body: JSON.stringify(WZ),
  });

  const all = await call(s, "GET", "/_sim/requests");
  assert.equal(all.data.count, 10);
  const secrets = [
    wrongSecret,
    ...Object.values(DEFAULT_CREDENTIALS.watzap),
    DEFAULT_CREDENTIALS.meta.accessToken,
    DEFAULT_CREDENTIALS.fonnte.token,
  ];
  for (const secret of secrets) {
    assert.ok(!all.text.includes(secret), `recorder leaked ${secret}`);
    assert.ok(!lines.join("\n").includes(secret), `log leaked ${secret}`);
  }
  const first = all.data.requests[0];
  assert.equal(first.provider, "meta");
  assert.equal(first.endpoint, "send");
  assert.equal(first.method, "POST");
  assert.equal(first.path, `/meta/v25.0/${PHONE_ID}/messages`);
  assert.equal(first.headers.authorization, "Bearer •••");
  assert.equal(first.body.template.name, "permit_ready");
  assert.equal(first.status, 200);
  assert.equal(first.fault, null);
  assert.ok(!Number.isNaN(Date.parse(first.time)));
  assert.equal(all.data.requests[1].status, 401);
  const wz = (await requests(s, "watzap")).requests;
  assert.equal(wz.length, 4);
  assert.equal(wz[0].body.api_key, "•••");
  assert.equal(wz[0].body.number_key, "•••");
  assert.equal(wz[0].body.message, "leaked ••• in text");
  assert.equal((await requests(s, "fonnte")).requests[0].headers.authorization, "•••");
  assert.equal((await call(s, "GET", "/_sim/requests?provider=sms")).status, 400);

  assert.equal((await call(s, "DELETE", "/_sim/requests")).data.cleared, 10);
  assert.equal((await requests(s)).count, 0);
  assert.equal(lines.length, 10);
});

test("stats: per-provider counts and duplicate recipient+text pairs across providers", async (t) => {
  const s = await sim(t);
  await wzSend(s, {phone_no: "6281234567890", message: "Izin Anda terbit"});
  await fonnteSend(s, {target: "081234567890", message: "Izin Anda terbit"});
  await fonnteSend(s, {target: "081234567890", message: "Pesan lain"});
  await metaSend(s, textMsg("Pesan ketiga", "+6281234567890"));
  await wzSend(s, {api_key: "wrong", message: "Pesan ketiga"});
  let st = await stats(s);
  assert.equal(st.duplicates, 1);
  assert.deepEqual(st.duplicatePairs[0], {
    to: "6281234567890",
    text: "Izin Anda terbit",
    count: 2,
    providers: ["watzap", "fonnte"],
  });
  assert.deepEqual(st.watzap, {received: 2, accepted: 1, ambiguous: 0});
  assert.deepEqual(st.fonnte, {received: 2, accepted: 2, ambiguous: 0});
  assert.deepEqual(st.meta, {received: 1, accepted: 1, ambiguous: 0});

  // A Meta template is rendered, so the same words through a gateway count as a duplicate too.
  const params = ["Budi", "PBG", "503/PBG/2026/0142", "DPMPTSP"];
  await metaSend(s, template("permit_ready", params));
  await wzSend(s, {
    message: `Yth. Budi, izin PBG Anda dengan nomor 503/PBG/2026/0142 telah terbit dan dapat diambil di DPMPTSP. Terima kasih.`,
  });
  st = await stats(s);
  assert.equal(st.duplicates, 2);

  await call(s, "DELETE", "/_sim/stats");
  st = await stats(s);
  assert.equal(st.duplicates, 0);
  assert.deepEqual(st.meta, {received: 0, accepted: 0, ambiguous: 0});
});

test("CORS: preflight answers 204 and every answer allows any origin", async (t) => {
  const s = await sim(t);
  const pre = await fetch(`${s.url}/meta/v25.0/${PHONE_ID}/messages`, {
    method: "OPTIONS",
    headers: {
      origin: "http://localhost:8080",
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization,content-type",
    },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), "*");
  assert.match(pre.headers.get("access-control-allow-headers"), /Authorization/);
  assert.match(pre.headers.get("access-control-allow-headers"), /Content-Type/);
  assert.equal(
    pre.headers.get("access-control-allow-methods"),
    "GET, POST, DELETE, OPTIONS"
  );
  assert.equal((await requests(s)).count, 0, "preflights are not provider traffic");
  for (const r of [
    await metaSend(s, template()),
    await call(s, "GET", "/nope"),
    await call(s, "GET", "/_sim/health"),
  ]) {
    assert.equal(r.headers.get("access-control-allow-origin"), "*");
  }
});

test("robustness: 404, 405, 413, garbage on the socket, control health", async (t) => {
  const s = await sim(t);
  for (const path of [
    "/",
    "/nope",
    "/meta/v25.0/x/y/z",
    "/watzap/send_image_url",
    "/fonnte/status",
    "/_sim/nope",
  ]) {
    const r = await call(s, "GET", path);
    assert.equal(r.status, 404, path);
    assert.equal(r.data.error, "not found");
  }
  assert.equal((await call(s, "GET", "/fonnte/send")).status, 405);
  const big = "x".repeat(1024 * 1024 + 10);
  const tooBig = await call(s, "POST", "/fonnte/send", {
    headers: FONNTE_AUTH,
    form: {target: "081234567890", message: big},
  });
  assert.equal(tooBig.status, 413);
  assert.equal((await call(s, "POST", "/_sim/faults", {body: big})).status, 413);
  const justFits = await fonnteSend(s, {
    target: "081234567890",
    message: "y".repeat(1000 * 1000),
  });
  assert.equal(justFits.data.status, true);

  const answer = await new Promise((resolve) => {
    const sock = connect(s.port, "127.0.0.1", () =>
      sock.write("THIS IS NOT HTTP\r\n\r\n")
    );
    let got = "";
    sock.on("data", (d) => {
      got += d;
    });
    sock.on("close", () => resolve(got));
    sock.on("error", () => resolve(got));
  });
  assert.match(answer, /^HTTP\/1\.1 400/);
  const health = await call(s, "GET", "/_sim/health");
  assert.equal(health.status, 200);
  assert.equal(health.data.status, "ok");
  const burst = await Promise.all(
    Array.from({length: 50}, (_, i) =>
      fonnteSend(s, {target: "081234567890", message: `m${i}`})
    )
  );
  assert.ok(burst.every((r) => r.data.status === true));
});

test("credentials can be overridden; the module API exposes state", async (t) => {
  const s = await sim(t, {credentials: {meta: {accessToken: "other-token"}}});
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(s.url, `http://127.0.0.1:${s.port}`);
  assert.equal((await metaSend(s, template())).status, 401);
  assert.equal(
    (await metaSend(s, template(), {authorization: "Bearer other-token"})).status,
    200
  );
  s.state.addFault({provider: "watzap", fault: "http500", times: 1});
  assert.equal((await wzSend(s)).status, 500);
  assert.equal(s.state.listRequests("watzap").length, 1);
  assert.ok(Object.isFrozen(DEFAULT_CREDENTIALS));
});

test("POST /_sim/reset clears requests, stats and faults", async (t) => {
  const s = await sim(t);
  await wzSend(s);
  await fault(s, {provider: "meta", fault: "http500"});
  assert.deepEqual((await call(s, "POST", "/_sim/reset")).data, {reset: true});
  assert.equal((await requests(s)).count, 0);
  assert.equal((await stats(s)).watzap.received, 0);
  assert.deepEqual((await call(s, "GET", "/_sim/faults")).data.faults, []);
});

/**
 * Run the CLI, wait for its one stdout line, then stop it with `signal`. No time limit: a child
 * still running when the test ends is killed then.
 */
function runCli(t, args, signal) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    t.after(() => child.kill("SIGKILL"));
    let out = "";
    let err = "";
    child.stdout.on("data", async (d) => {
      out += d;
      const m = /simulator listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(out);
      if (!m || child.signalSent) return;
      child.signalSent = true;
      try {
        const health = await (await fetch(`${m[1]}/_sim/health`)).json();
        child.health = health;
      } catch (e) {
        child.healthError = e;
      }
      child.kill(signal);
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("exit", (code, sig) => {
      resolve({code, sig, out, err, health: child.health});
    });
  });
}

test("CLI: prints its URL, serves, and exits cleanly on SIGINT and SIGTERM", async (t) => {
  for (const signal of ["SIGINT", "SIGTERM"]) {
    const r = await runCli(t, ["--port", "0"], signal);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^simulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    assert.equal(r.health?.status, "ok");
  }
  const bad = await runCli(t, ["--port", "many"], "SIGTERM");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /bad port/);
});
