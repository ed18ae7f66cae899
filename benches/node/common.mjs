// Shared by the node benchmarks (benches/node/*.mjs): the benchmark notifications, the plain-JS
// baseline that builds the same request bytes as the engine (mustache + JSON.stringify + a
// multipart template), side-by-side timing, and the JSON-lines output read by
// benches/report.mjs.

import Mustache from "mustache";

export const PROVIDERS = ["meta", "watzap", "fonnte"];
export const MASK = "•••";

/** Print one measurement as a JSON line on stdout (the report's input). */
export function emit(record) {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** Progress on stderr, so stdout stays pure JSON lines. */
export function note(text) {
  process.stderr.write(`bench: ${text}\n`);
}

const pad = (n, width) => String(n).padStart(width, "0");

/**
 * Notification `i` of every benchmark (the same in node and Python): template `permit_ready`,
 * provider forced round-robin meta / watzap / fonnte so all three request builders are exercised;
 * only Meta recipients opted in, so the gateway texts carry the opt-in invitation.
 */
export function notification(i) {
  const provider = PROVIDERS[i % 3];
  return {
    template: "permit_ready",
    recipient: {
      phone: `0812${pad(i % 100_000_000, 8)}`,
      name: "Budi",
      metaOptIn: provider === "meta",
    },
    values: {
      partner_name: `Warga ${i}`,
      permit_type: "PBG",
      permit_number: `503/PBG/2026/${pad(i, 5)}`,
      office_name: "DPMPTSP Kabupaten Karo",
    },
    forceProvider: provider,
  };
}

/** The engine's multipart boundary (src/providers/common.rs MULTIPART_BOUNDARY). */
const BOUNDARY = "sicantik-whatsapp-form-boundary";

/**
 * Awkward inputs for the byte-equality check: quotes, ampersands, non-ASCII, emoji, a newline and
 * a long run of spaces (Meta values are sanitized), phone numbers as people type them.
 */
export function verificationSet() {
  const odd = [
    {phone: "0812-3456-7890", name: 'Budi "Santoso" & Co – Ñandú'},
    {phone: "+62 812 3456 7891", name: "Siti\nNurhaliza     binti  Ahmad"},
    {phone: "62 813-0000-0001", name: "Tono <b>'Ganteng'</b> 🙏 50% =+?/#"},
    {phone: "0821 1111 2222", name: "  Leading and trailing\t"},
  ];
  const out = [];
  for (const provider of PROVIDERS) {
    for (const [k, o] of odd.entries()) {
      out.push({
        template: "permit_ready",
        recipient: {
          phone: o.phone,
          name: "x",
          metaOptIn: provider === "meta" || k === 3,
        },
        values: {
          partner_name: o.name,
          permit_type: "PBG & SLF",
          permit_number: `503/PBG/2026/${k}`,
          office_name: "DPMPTSP Kabupaten Karo, Jl. Letjen Jamin Ginting No.17",
        },
        forceProvider: provider,
      });
    }
  }
  return out;
}

// --- the plain-JS baseline -----------------------------------------------------------------------

/** Meta refuses newlines, tabs and more than four spaces in a row: one space instead (ends trimmed). */
function sanitizeMeta(v) {
  if (!/[\t\n\r\v\f\u0085\u2028\u2029]| {5}/.test(v)) return v;
  return v.replace(/[ \t\n\r\v\f\u0085\u2028\u2029]+/g, (gap, at) => {
    if (!/[^ ]/.test(gap) && gap.length <= 4) return gap;
    return at === 0 || at + gap.length === v.length ? "" : " ";
  });
}

/** `0812…`, `+62 812…`, `0062…`, `62 0812…` → `62812…` (digits only). */
function phone62(text) {
  let d = text.replace(/\D+/g, "");
  if (d.startsWith("00")) d = d.slice(2);
  if (d.startsWith("0")) d = `62${d.slice(1)}`;
  else if (d.startsWith("620")) d = `62${d.slice(3)}`;
  return d;
}

/**
 * What a JS developer would write instead of the engine, for the same notification: the phone
 * number to 62…, the template body through mustache (HTML escaping off: WhatsApp text is not
 * HTML), the opt-in invitation for gateway recipients who did not opt in, the request (URL,
 * headers, body bytes) through JSON.stringify / a multipart template. `config` is the engine config
 * (providers with credentials, templates); pass masked credentials to compare with a masked plan.
 */
export function makeBaseline(config) {
  const templates = new Map(config.templates.map((t) => [t.code, t]));
  const providers = new Map(config.providers.map((p) => [p.id, p]));
  const optInUrl = config.optIn?.url ?? "";
  const invitation = `Ingin menerima notifikasi resmi melalui WhatsApp Business kami? Setujui di sini: ${optInUrl}`;
  const noEscape = {escape: (s) => s};
  for (const t of templates.values()) Mustache.parse(t.body); // mustache caches parsed templates

  function gatewayText(t, values, optedIn) {
    const text = Mustache.render(t.body, values, undefined, noEscape);
    return optedIn ? text : `${text}\n\n${invitation}`;
  }

  const build = {
    meta(p, t, to, values) {
      const params = (t.meta.bodyParams ?? Object.keys(values)).map((name) => ({
        text: sanitizeMeta(values[name]),
        type: "text",
      }));
      const body = {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        template: {
          components: [{parameters: params, type: "body"}],
          language: {code: t.meta.language, policy: "deterministic"},
          name: t.meta.templateName,
        },
        to,
        type: "template",
      };
      return {
        text: null,
        request: {
          method: "POST",
          url: `${p.baseUrl}/${p.apiVersion}/${p.credentials.phoneNumberId}/messages`,
          headers: {
            Authorization: `Bearer ${p.credentials.accessToken}`,
            "Content-Type": "application/json",
          },
          body: JSON.stringify(body),
          timeoutMs: p.timeoutMs,
        },
      };
    },
    watzap(p, t, to, values, optedIn) {
      const text = gatewayText(t, values, optedIn);
      const body = {
        api_key: p.credentials.apiKey,
        message: text,
        number_key: p.credentials.numberKey,
        phone_no: to,
      };
      return {
        text,
        request: {
          method: "POST",
          url: `${p.baseUrl}/send_message`,
          headers: {"Content-Type": "application/json"},
          body: JSON.stringify(body),
          timeoutMs: p.timeoutMs,
        },
      };
    },
    fonnte(p, t, to, values, optedIn) {
      const text = gatewayText(t, values, optedIn);
      // multipart/form-data with a fixed boundary, as the engine writes it (a hand-written
      // baseline: FormData picks a random boundary).
      const part = (name, value) =>
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      const body = `${part("target", to)}${part("message", text)}${part("countryCode", "62")}--${BOUNDARY}--\r\n`;
      return {
        text,
        request: {
          method: "POST",
          url: `${p.baseUrl}/send`,
          headers: {
            Authorization: p.credentials.token,
            "Content-Type": `multipart/form-data; boundary=${BOUNDARY}`,
          },
          body,
          timeoutMs: p.timeoutMs,
        },
      };
    },
  };

  /** `{provider, phone, text, request}` for one notification. */
  return function plan(n) {
    const t = templates.get(n.template);
    if (!t) throw new Error(`unknown template ${n.template}`);
    const optedIn = Boolean(n.recipient.metaOptIn);
    const id = n.forceProvider ?? (optedIn ? "meta" : "watzap");
    const p = providers.get(id);
    const to = phone62(n.recipient.phone);
    const out = build[p.kind](p, t, to, n.values, optedIn);
    return {provider: id, phone: to, text: out.text, request: out.request};
  };
}

/** The credential fields the engine masks (the Meta phone number id and WABA id are not secrets). */
const SECRET_FIELDS = new Set(["accessToken", "apiKey", "numberKey", "token"]);

/** A copy of `config` whose secrets are `•••` (what the engine puts in masked requests). */
export function maskedConfig(config) {
  return {
    ...config,
    providers: config.providers.map((p) => ({
      ...p,
      credentials: Object.fromEntries(
        Object.entries(p.credentials).map(([k, v]) => [
          k,
          SECRET_FIELDS.has(k) ? MASK : v,
        ])
      ),
    })),
  };
}

/**
 * Compare the baseline's request with the engine's masked one, byte for byte (method, URL,
 * headers, body, timeout) and, unless `engineText` is undefined, the gateway text (null for Meta).
 * Returns a list of differences (empty: equal).
 */
export function compareRequests(label, engineReq, engineText, base) {
  const diffs = [];
  const r = base.request;
  for (const key of ["method", "url", "body", "timeoutMs"]) {
    if (engineReq[key] !== r[key]) {
      diffs.push(
        `${label}: ${key} differs\n  engine:   ${JSON.stringify(engineReq[key])}\n  baseline: ${JSON.stringify(r[key])}`
      );
    }
  }
  const eh = JSON.stringify(Object.entries(engineReq.headers ?? {}).sort());
  const bh = JSON.stringify(Object.entries(r.headers).sort());
  if (eh !== bh)
    diffs.push(`${label}: headers differ\n  engine:   ${eh}\n  baseline: ${bh}`);
  if (engineText !== undefined && engineText !== base.text) {
    diffs.push(
      `${label}: text differs\n  engine:   ${JSON.stringify(engineText)}\n  baseline: ${JSON.stringify(base.text)}`
    );
  }
  return diffs;
}

// --- timing --------------------------------------------------------------------------------------

let sink = 0;
/** Keep a result alive so no work is optimized away. */
export function consume(x) {
  sink =
    (sink + (typeof x === "string" ? x.length : Array.isArray(x) ? x.length : 1)) | 0;
}
export const sinkValue = () => sink;

const nowNs = () => process.hrtime.bigint();

function runFor(fn, calls) {
  const t0 = nowNs();
  for (let i = 0; i < calls; i++) fn(i);
  return Number(nowNs() - t0);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round1 = (x) => Math.round(x * 10) / 10;

/**
 * Time `engine` and `baseline` side by side: warm both up, size a round to about `roundMs`, then
 * alternate rounds (engine, baseline, engine, …) so drift hits both alike. Each fn does
 * `msgsPerCall` messages per call. Returns median ns per message of each and their ratio
 * (baseline / engine: > 1 means the engine is faster).
 */
export function sideBySide(
  engine,
  baseline,
  {msgsPerCall = 1, rounds = 7, roundMs = 150, warmupMs = 300} = {}
) {
  const calibrate = (fn) => {
    let calls = 1;
    const deadline = Date.now() + warmupMs;
    let ns = 0;
    while (Date.now() < deadline || ns === 0) {
      ns = runFor(fn, calls) / calls;
      if (calls < 1e6) calls *= 2;
    }
    return Math.max(1, Math.round((roundMs * 1e6) / ns));
  };
  const callsE = calibrate(engine);
  const callsB = calibrate(baseline);
  const e = [];
  const b = [];
  for (let r = 0; r < rounds; r++) {
    e.push(runFor(engine, callsE) / (callsE * msgsPerCall));
    b.push(runFor(baseline, callsB) / (callsB * msgsPerCall));
  }
  const me = median(e);
  const mb = median(b);
  return {
    nsPerOp: round1(me),
    baselineNsPerOp: round1(mb),
    ratio: Math.round((mb / me) * 1000) / 1000,
    rounds,
    spread: {
      engine: [round1(Math.min(...e)), round1(Math.max(...e))],
      baseline: [round1(Math.min(...b)), round1(Math.max(...b))],
    },
  };
}
