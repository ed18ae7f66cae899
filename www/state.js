// The case on the page: defaults, the URL hash that shares it, and the engine inputs built from it.
//
// The hash holds everything but credentials (they are secrets: a shared link must not carry a
// token) and base URLs left at the simulator default (another machine's simulator has another
// port). Format: `#case=` + base64url(UTF-8 JSON).

import {catalogue} from "sicantik-whatsapp";
import {DEMO_TEMPLATES} from "./demo-office.js";

/** @typedef {import("sicantik-whatsapp").EngineConfig} EngineConfig */
/** @typedef {import("sicantik-whatsapp").Notification} Notification */
/** @typedef {import("sicantik-whatsapp").MasterTemplate} MasterTemplate */
/** @typedef {import("sicantik-whatsapp").ProviderKind} ProviderKind */
/** @typedef {import("sicantik-whatsapp").ProviderState} ProviderState */

/**
 * @typedef {object} ProviderCase
 * @property {string} id
 * @property {ProviderKind} kind
 * @property {string} name
 * @property {ProviderState} state
 * @property {string | null} baseUrl  null = the simulator's endpoint for this kind
 * @property {number} timeoutMs
 * @property {string} apiVersion  Meta's Graph API version ('' elsewhere, and for the engine's default)
 *
 * @typedef {object} Case
 * @property {"id" | "en"} lang
 * @property {{phone: string, name: string, metaOptIn: boolean, optedOut: boolean, timeZone: string}} recipient
 * @property {string} template  a default template code or "custom"
 * @property {{body: string, metaName: string}} custom
 * @property {Record<string, string>} values  by placeholder name, shared by every template
 * @property {ProviderCase[]} providers
 * @property {string} defaultProvider  "" = automatic
 * @property {string} forceProvider  "" = automatic
 * @property {string[]} fallbackOrder
 * @property {{url: string, text: string}} optIn
 * @property {{enabled: boolean, start: string, end: string, holidays: string}} quiet  holidays: dates separated by spaces or commas
 * @property {boolean} urgent  the chosen template is sent at any time
 * @property {boolean} live
 * @property {Record<string, string>} faults  provider id → fault ("" = none)
 */

export const CUSTOM = "custom";

/** The office's five master templates (the demo office's, shared with the CLIs). */
export const TEMPLATES = /** @type {MasterTemplate[]} */ (DEMO_TEMPLATES);

/**
 * Credential fields per kind, `[name, secret?]`, as the engine's catalogue lists them.
 * @type {Record<string, [string, boolean][]>}
 */
export const CREDENTIAL_FIELDS = Object.fromEntries(
  catalogue().credentials.map((k) => [
    k.kind,
    k.fields.map((f) => /** @type {[string, boolean]} */ ([f.name, f.secret])),
  ])
);

/**
 * The secret values among typed `credentials` (by provider id), per the catalogue's fields.
 * @param {Record<string, Record<string, string>>} credentials
 * @param {{id: string, kind: string}[]} providers
 */
export function secretValues(credentials, providers) {
  return providers.flatMap((p) =>
    (CREDENTIAL_FIELDS[p.kind] ?? [])
      .filter(([, secret]) => secret)
      .map(([field]) => credentials[p.id]?.[field] ?? "")
  );
}

/** The simulator's harmless credentials (also served by the demo server's /config.js). */
export const SIM_CREDENTIALS = {
  meta: {
    accessToken: "sim-meta-token",
    phoneNumberId: "100000000000001",
    wabaId: "200000000000001",
  },
  watzap: {apiKey: "sim-watzap-key", numberKey: "sim-watzap-number"},
  fonnte: {token: "sim-fonnte-token"},
};

/**
 * Faults the simulator can inject (simulator/lib/state.mjs), per provider kind.
 * @type {Record<string, string[]>}
 */
export const FAULTS = {
  meta: [
    "http500",
    "http503",
    "http429",
    "slow",
    "drop",
    "malformed",
    "metaError:131026",
    "metaError:190",
    "metaError:132001",
    "metaError:130429",
  ],
  watzap: ["http500", "http503", "http429", "slow", "drop", "malformed"],
  fonnte: [
    "http500",
    "http503",
    "http429",
    "slow",
    "drop",
    "malformed",
    "fonnteStatusFalse",
  ],
};

/** @returns {Case} */
export function defaultCase() {
  return {
    lang: "id",
    recipient: {
      phone: "0812-3456-7890",
      name: "Budi Santoso",
      metaOptIn: false,
      optedOut: false,
      timeZone: "Asia/Jakarta",
    },
    template: "permit_ready",
    custom: {
      body: "Yth. {{partner_name}}, berkas {{permit_number}} sudah kami terima.",
      metaName: "",
    },
    values: {
      partner_name: "Budi Santoso",
      permit_type: "PBG",
      permit_number: "503/PBG/2026/0142",
      office_name: "DPMPTSP Kabupaten Karo",
      expiry_date: "31 Desember 2026",
      status: "Verifikasi berkas",
    },
    providers: [
      {
        id: "meta",
        kind: "meta",
        name: "Meta Cloud API",
        state: "configured",
        baseUrl: null,
        timeoutMs: 4000,
        apiVersion: "", // the engine's default
      },
      {
        id: "watzap",
        kind: "watzap",
        name: "Watzap.id",
        state: "configured",
        baseUrl: null,
        timeoutMs: 4000,
        apiVersion: "",
      },
      {
        id: "fonnte",
        kind: "fonnte",
        name: "Fonnte",
        state: "configured",
        baseUrl: null,
        timeoutMs: 4000,
        apiVersion: "",
      },
    ],
    defaultProvider: "",
    forceProvider: "",
    fallbackOrder: ["watzap", "fonnte"],
    optIn: {url: "https://dpmptsp.karokab.go.id/wa/setuju", text: ""},
    quiet: {
      enabled: false,
      start: catalogue().defaults.quietStart,
      end: catalogue().defaults.quietEnd,
      holidays: "",
    },
    urgent: false,
    live: false,
    faults: {meta: "", watzap: "", fonnte: ""},
  };
}

// --- URL hash -------------------------------------------------------------------------------------

function toBase64Url(/** @type {string} */ text) {
  let bin = "";
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(/** @type {string} */ text) {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** The hash for a case (no credentials: they are not part of the case). */
export function encodeCase(/** @type {Case} */ c) {
  return `#case=${toBase64Url(JSON.stringify(c))}`;
}

/**
 * The case in a hash, merged over the defaults field by field, so a link made by an older page
 * still opens; `null` when the hash holds no readable case.
 * @param {string} hash
 * @returns {Case | null}
 */
export function decodeCase(hash) {
  const m = /^#?case=([A-Za-z0-9_-]+)$/.exec(hash);
  if (!m) return null;
  let raw = null;
  try {
    raw = JSON.parse(fromBase64Url(m[1]));
  } catch {
    return null;
  }
  if (!raw || typeof raw !== "object") return null;
  const d = defaultCase();
  const str = (/** @type {unknown} */ v, /** @type {string} */ dflt) =>
    typeof v === "string" ? v : dflt;
  const bool = (/** @type {unknown} */ v, /** @type {boolean} */ dflt) =>
    typeof v === "boolean" ? v : dflt;
  const r = raw.recipient ?? {};
  const ids = d.providers.map((p) => p.id);
  /** @type {Record<string, any>} */
  const byId = Object.fromEntries(
    (Array.isArray(raw.providers) ? raw.providers : []).map((/** @type {any} */ p) => [
      p?.id,
      p,
    ])
  );
  const states = ["draft", "configured", "error"];
  return {
    lang: raw.lang === "en" ? "en" : "id",
    recipient: {
      phone: str(r.phone, d.recipient.phone),
      name: str(r.name, d.recipient.name),
      metaOptIn: bool(r.metaOptIn, false),
      optedOut: bool(r.optedOut, false),
      timeZone: str(r.timeZone, d.recipient.timeZone),
    },
    template: str(raw.template, d.template),
    custom: {
      body: str(raw.custom?.body, d.custom.body),
      metaName: str(raw.custom?.metaName, ""),
    },
    values: Object.fromEntries(
      Object.entries(
        raw.values && typeof raw.values === "object" ? raw.values : d.values
      ).filter(([, v]) => typeof v === "string")
    ),
    providers: d.providers.map((p) => {
      const q = byId[p.id] ?? {};
      return {
        ...p,
        name: str(q.name, p.name),
        state: states.includes(q.state) ? q.state : p.state,
        baseUrl: typeof q.baseUrl === "string" ? q.baseUrl : null,
        timeoutMs:
          Number.isInteger(q.timeoutMs) && q.timeoutMs > 0 ? q.timeoutMs : p.timeoutMs,
        apiVersion: p.kind === "meta" ? str(q.apiVersion, p.apiVersion) : "",
      };
    }),
    defaultProvider: ids.includes(raw.defaultProvider) ? raw.defaultProvider : "",
    forceProvider: ids.includes(raw.forceProvider) ? raw.forceProvider : "",
    fallbackOrder: Array.isArray(raw.fallbackOrder)
      ? [
          ...new Set(
            raw.fallbackOrder.filter((/** @type {unknown} */ id) =>
              ids.includes(/** @type {string} */ (id))
            )
          ),
        ]
      : d.fallbackOrder,
    optIn: {url: str(raw.optIn?.url, d.optIn.url), text: str(raw.optIn?.text, "")},
    quiet: {
      enabled: bool(raw.quiet?.enabled, false),
      start: str(raw.quiet?.start, d.quiet.start),
      end: str(raw.quiet?.end, d.quiet.end),
      holidays: str(raw.quiet?.holidays, ""),
    },
    urgent: bool(raw.urgent, false),
    live: bool(raw.live, false),
    faults: Object.fromEntries(ids.map((id) => [id, str(raw.faults?.[id], "")])),
  };
}

// --- engine inputs --------------------------------------------------------------------------------

/** @returns {MasterTemplate} */
export function customTemplate(/** @type {Case} */ c) {
  const metaName = c.custom.metaName.trim();
  return {
    code: CUSTOM,
    name: "Templat sendiri",
    language: "id",
    body: c.custom.body,
    meta: metaName
      ? {templateName: metaName, language: "id", status: "APPROVED"}
      : null,
  };
}

/** The template the case uses. */
export function currentTemplate(/** @type {Case} */ c) {
  return c.template === CUSTOM
    ? customTemplate(c)
    : (TEMPLATES.find((t) => t.code === c.template) ?? TEMPLATES[0]);
}

/** Where a provider of this kind lives in the simulator. */
export function simBaseUrl(
  /** @type {string | null} */ simulatorUrl,
  /** @type {string} */ kind
) {
  return simulatorUrl ? `${simulatorUrl}/${kind}` : "";
}

/**
 * The engine configuration for a case.
 * @param {Case} c
 * @param {Record<string, Record<string, string>>} credentials  by provider id, as typed
 * @param {string | null} simulatorUrl
 * @returns {EngineConfig}
 */
export function engineConfig(c, credentials, simulatorUrl) {
  const blankToNull = (/** @type {string} */ s) => (s.trim() === "" ? null : s);
  return {
    defaultProvider: c.defaultProvider || null,
    fallbackOrder: c.fallbackOrder,
    optIn: {url: blankToNull(c.optIn.url), text: blankToNull(c.optIn.text)},
    providers: c.providers.map((p) => ({
      id: p.id,
      kind: p.kind,
      state: p.state,
      name: p.name,
      baseUrl: p.baseUrl ?? (blankToNull(simBaseUrl(simulatorUrl, p.kind)) || null),
      apiVersion: p.kind === "meta" ? blankToNull(p.apiVersion) : null,
      timeoutMs: p.timeoutMs,
      credentials: Object.fromEntries(
        Object.entries(credentials[p.id] ?? {}).map(([k, v]) => [k, blankToNull(v)])
      ),
    })),
    templates: [...TEMPLATES, customTemplate(c)].map((t) =>
      c.urgent && t.code === currentTemplate(c).code ? {...t, urgent: true} : t
    ),
    quietHours: c.quiet.enabled
      ? {
          start: c.quiet.start,
          end: c.quiet.end,
          holidays: c.quiet.holidays.split(/[\s,]+/).filter(Boolean),
        }
      : null,
  };
}

/**
 * The notification for a case: only the values of the template's parameters `used` (the
 * engine's `describeTemplate`; others stay in the form for when the template changes back),
 * blanks left out so the engine reports them as missing.
 * @param {Case} c
 * @param {string[]} used
 * @returns {Notification}
 */
export function notification(c, used) {
  const t = currentTemplate(c);
  /** @type {Record<string, string>} */
  const values = {};
  for (const name of used) {
    const v = c.values[name];
    if (typeof v === "string" && v.trim() !== "") values[name] = v;
  }
  return {
    template: t.code,
    recipient: {
      phone: c.recipient.phone,
      name: c.recipient.name.trim() || null,
      metaOptIn: c.recipient.metaOptIn,
      optedOut: c.recipient.optedOut,
      timeZone: c.recipient.timeZone,
    },
    values,
    forceProvider: c.forceProvider || null,
  };
}
