// Meta WhatsApp Cloud API stand-in (providers.md §C): send, phone-number health, template listing.

const TEMPLATE_LANGUAGE = "id";

// The project's five master templates (tests/fixtures/routing.json) as Meta would list them.
// status_update is the NAMED-format one, as in the fixtures; the others are positional.
const positional = (name, text, examples) => ({
  name,
  text,
  parameter_format: "POSITIONAL",
  example: {body_text: [examples]},
});
const SEED = [
  positional(
    "permit_ready",
    "Yth. {{1}}, izin {{2}} Anda dengan nomor {{3}} telah terbit dan dapat diambil di {{4}}. Terima kasih.",
    ["Budi", "PBG", "503/PBG/2026/0142", "DPMPTSP Kabupaten Karo"]
  ),
  positional(
    "permit_reminder",
    "Yth. {{1}}, izin Anda nomor {{2}} akan berakhir pada {{3}}. Silakan ajukan perpanjangan sebelum tanggal tersebut.",
    ["Budi", "503/PBG/2026/0142", "31 Desember 2026"]
  ),
  {
    name: "status_update",
    text: "Yth. {{partner_name}}, status permohonan izin nomor {{permit_number}} saat ini: {{status}}.",
    parameter_format: "NAMED",
    example: {
      body_text_named_params: [
        {param_name: "partner_name", example: "Budi"},
        {param_name: "permit_number", example: "503/PBG/2026/0142"},
        {param_name: "status", example: "Verifikasi berkas"},
      ],
    },
  },
  positional(
    "renewal_approved",
    "Yth. {{1}}, perpanjangan izin nomor {{2}} telah disetujui dan berlaku hingga {{3}}.",
    ["Budi", "503/PBG/2026/0142", "31 Desember 2031"]
  ),
  positional(
    "meta_opt_in_request",
    "Yth. {{1}}, {{2}} kini mengirim notifikasi perizinan melalui WhatsApp resmi. Setujui untuk menerima pesan resmi di: {{3}}",
    ["Budi", "DPMPTSP Kabupaten Karo", "https://dpmptsp.karokab.go.id/wa/setuju"]
  ),
];

/** Seeded message templates in the Graph `message_templates` shape (all APPROVED, language `id`). */
export const SEED_TEMPLATES = SEED.map((t, i) => ({
  name: t.name,
  parameter_format: t.parameter_format,
  components: [{type: "BODY", text: t.text, example: t.example}],
  language: TEMPLATE_LANGUAGE,
  status: "APPROVED",
  category: "UTILITY",
  id: String(300000000000001 + i),
}));

/**
 * A Graph API error answer. `type` is OAuthException for nearly every WhatsApp error code.
 * @returns {{status: number, body: object}}
 */
export function metaError(
  status,
  code,
  message,
  details,
  type = "OAuthException",
  extra = {}
) {
  const error = {message, type, code, ...extra};
  if (details) error.error_data = {messaging_product: "whatsapp", details};
  error.fbtrace_id = "SIMULATOR";
  return {status, body: {error}};
}

// Titles and HTTP statuses per providers.md §C.5 for the codes the fault injector knows by name.
const KNOWN_CODES = {
  131026: [400, "Message undeliverable"],
  130429: [400, "Rate limit hit"],
  131047: [400, "Re-engagement message"],
  132000: [400, "Number of parameters does not match the expected number of params"],
  132001: [404, "Template name does not exist in the translation"],
  131056: [400, "(Business Account, Consumer Account) pair rate limit hit"],
  131000: [500, "Something went wrong"],
  190: [401, "Error validating access token"],
};

/** The body of the `metaError` fault: Meta's error for `code`, `reason` as the details. */
export function metaErrorFor(code, reason) {
  const [status, title] = KNOWN_CODES[code] ?? [400, "Simulated error"];
  // Graph prefixes titles with "(#code)" except for access-token errors.
  const message =
    code === 190 ? `${title}: Session has expired.` : `(#${code}) ${title}`;
  return metaError(status, code, message, reason ?? `${title} (simulated)`);
}

const invalidParam = (details) =>
  metaError(400, 100, "(#100) Invalid parameter", details);

// Graph answers an id it does not know (or may not see) with this, whatever the token.
const unsupported = (method, id) =>
  metaError(
    400,
    100,
    `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    null,
    "GraphMethodException",
    {error_subcode: 33}
  );

function checkToken(ctx) {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(ctx.headers.authorization ?? "");
  if (m && m[1] === ctx.creds.meta.accessToken) return null;
  return metaError(401, 190, "Invalid OAuth access token.", null, "OAuthException");
}

/** The template body with its parameters filled in, i.e. what the recipient would read. */
function renderTemplate(template, components) {
  const body = components.find((c) => String(c?.type).toLowerCase() === "body");
  const params = Array.isArray(body?.parameters) ? body.parameters : [];
  const value = (p) => String(p?.text ?? p?.[p?.type]?.fallback_value ?? "");
  const text = template.components.find((c) => c.type === "BODY")?.text ?? "";
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key) => {
    const p = /^\d+$/.test(key)
      ? params[Number(key) - 1]
      : params.find((x) => x?.parameter_name === key);
    return p ? value(p) : whole;
  });
}

function send(ctx, phoneId) {
  const denied = checkToken(ctx);
  if (denied) return denied;
  if (phoneId !== ctx.creds.meta.phoneNumberId) return unsupported("post", phoneId);
  if (ctx.bodyError)
    return invalidParam(`Request body could not be parsed: ${ctx.bodyError}`);
  const b = ctx.body ?? {};
  if (b.messaging_product !== "whatsapp")
    return invalidParam(
      'The parameter messaging_product is required and must be "whatsapp".'
    );
  if (typeof b.to !== "string" || !/^\+?\d{6,15}$/.test(b.to.trim())) {
    return invalidParam(
      "The parameter to is required and must be a phone number in international format."
    );
  }
  const type = b.type ?? "text"; // Graph's default type
  let text = null;
  if (type === "text") {
    if (typeof b.text?.body !== "string" || b.text.body === "")
      return invalidParam("The parameter text['body'] is required.");
    text = b.text.body;
  } else if (type === "template") {
    const t = b.template;
    if (typeof t?.name !== "string" || !t.name)
      return invalidParam("The parameter template['name'] is required.");
    if (typeof t.language?.code !== "string" || !t.language.code) {
      return invalidParam("The parameter template['language']['code'] is required.");
    }
    if (t.components !== undefined && !Array.isArray(t.components))
      return invalidParam("template['components'] must be an array.");
    // Parameter counts are deliberately not checked: the engine owns parameter mapping, and the
    // metaError fault with code 132000 exercises that failure.
    const known = ctx.templates.find(
      (x) =>
        x.name === t.name && x.language === t.language.code && x.status === "APPROVED"
    );
    if (!known) {
      return metaError(
        404,
        132001,
        "(#132001) Template name does not exist in the translation",
        `template name (${t.name}) does not exist in ${t.language.code}`
      );
    }
    text = renderTemplate(known, t.components ?? []);
  } else {
    return invalidParam(
      `Param type must be one of {TEXT, TEMPLATE} in this simulator; got ${JSON.stringify(type)}.`
    );
  }
  const waId = b.to.trim().replace(/^\+/, "");
  return {
    status: 200,
    body: {
      messaging_product: "whatsapp",
      contacts: [{input: b.to, wa_id: waId}],
      messages: [{id: `wamid.SIM${++ctx.state.seq.wamid}`}],
    },
    accepted: [{to: waId, text}],
  };
}

const uncursor = (c) => {
  const m = /^sim:(\d+)$/.exec(Buffer.from(c, "base64url").toString("utf8"));
  return m ? Number(m[1]) : null;
};

const cursor = (index) => Buffer.from(`sim:${index}`).toString("base64url");

function templates(ctx, id) {
  const denied = checkToken(ctx);
  if (denied) return denied;
  if (id !== ctx.creds.meta.wabaId) return unsupported("get", id);
  const q = ctx.query;
  const limit = q.has("limit") ? Number(q.get("limit")) : 25; // Graph's default page size
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    return invalidParam("limit must be an integer between 1 and 1000.");
  let start = 0;
  if (q.has("after")) {
    const at = uncursor(q.get("after"));
    if (at === null) return invalidParam("Invalid cursor in parameter after.");
    start = at + 1;
  }
  const all = ctx.templates.filter(
    (t) =>
      (!q.has("name") || t.name.includes(q.get("name"))) &&
      (!q.has("status") || t.status === q.get("status"))
  );
  const data = all.slice(start, start + limit);
  if (data.length === 0) return {status: 200, body: {data: []}};
  const end = start + data.length;
  const paging = {cursors: {before: cursor(start), after: cursor(end - 1)}};
  if (end < all.length) {
    const next = new URLSearchParams(q);
    next.delete("access_token"); // Graph echoes it in `next`; a simulator must not echo secrets
    next.set("limit", String(limit));
    next.set("after", cursor(end - 1));
    paging.next = `${ctx.baseUrl}/meta${ctx.path}?${next}`;
  }
  return {status: 200, body: {data, paging}};
}

function node(ctx, id) {
  const denied = checkToken(ctx);
  if (denied) return denied;
  const {phoneNumberId, wabaId} = ctx.creds.meta;
  if (id === phoneNumberId) {
    return {
      status: 200,
      body: {
        verified_name: "DPMPTSP Simulator",
        code_verification_status: "VERIFIED",
        display_phone_number: "+62 812-0000-0001",
        quality_rating: "GREEN",
        platform_type: "CLOUD_API",
        throughput: {level: "STANDARD"},
        id,
      },
    };
  }
  if (id === wabaId) {
    return {
      status: 200,
      body: {
        id,
        name: "DPMPTSP Simulator WABA",
        currency: "IDR",
        timezone_id: "71",
        message_template_namespace: "sim_namespace",
      },
    };
  }
  return unsupported("get", id);
}

/** Route a path below `/meta` (the Graph version segment is optional, as on graph.facebook.com). */
export function route(method, path) {
  const m = /^(?:\/v\d+\.\d+)?\/([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
  if (!m) return null;
  const [, id, edge] = m;
  if (edge === "messages")
    return method === "POST"
      ? {kind: "send", handle: (c) => send(c, id)}
      : {allow: ["POST"]};
  if (edge === "message_templates") {
    return method === "GET"
      ? {kind: "templates", handle: (c) => templates(c, id)}
      : {allow: ["GET"]};
  }
  if (edge === undefined)
    return method === "GET"
      ? {kind: "health", handle: (c) => node(c, id)}
      : {allow: ["GET"]};
  return null;
}
