// The output column: decision and trace, Meta lint, each provider's exact request, send results.
// Requests and attempts come masked from the engine; `mask` is a second line of defence that
// replaces any credential typed in the page wherever it would still appear.

import {catalogue} from "sicantik-whatsapp";
import {byId, fill, h} from "./dom.js";
import {classificationText, describeError, lintTitle, t, traceText} from "./i18n.js";

/** @typedef {import("sicantik-whatsapp").Preview} Preview */
/** @typedef {import("sicantik-whatsapp").Decision} Decision */
/** @typedef {import("sicantik-whatsapp").HttpRequest} HttpRequest */
/** @typedef {import("sicantik-whatsapp").HttpResponse} HttpResponse */
/** @typedef {import("sicantik-whatsapp").Outcome} Outcome */
/** @typedef {import("sicantik-whatsapp").Plan} Plan */

/** @type {string[]} */
let secrets = [];

/** What replaces a secret, as the engine masks it (its catalogue's default). */
const SECRET_MASK = catalogue().defaults.secretMask;

/** The secret credentials typed in the page; every output string goes through {@link mask}. */
export function setSecrets(/** @type {string[]} */ values) {
  // Short values would mask ordinary words; the engine masks every secret anyway.
  secrets = values
    .filter((v) => typeof v === "string" && v.trim().length >= 4)
    .sort((a, b) => b.length - a.length);
}

/** `text` with every typed secret credential replaced by the engine's mask. */
export function mask(/** @type {unknown} */ text) {
  let s = text === null || text === undefined ? "" : String(text);
  for (const secret of secrets)
    if (s.includes(secret)) s = s.split(secret).join(SECRET_MASK);
  return s;
}

/**
 * The engine's number of fallback `id` in decision `d`: its `route.fallback` step's `number`
 * (the page never counts the chain itself).
 * @param {Decision} d
 * @param {string} id
 */
function fallbackNumber(d, id) {
  const step = d.trace.find((s) => s.code === "route.fallback" && s.provider === id);
  return step?.args?.number ?? "?";
}

/** <details> open states survive re-rendering, by key. */
const openState = new Map();

/**
 * @param {string} key
 * @param {boolean} dflt
 * @param {Node | string} summary
 * @param {...any} body
 */
function details(key, dflt, summary, ...body) {
  const el = /** @type {HTMLDetailsElement} */ (
    h(
      "details",
      {open: openState.get(key) ?? dflt},
      h("summary", null, summary),
      ...body
    )
  );
  el.addEventListener("toggle", () => openState.set(key, el.open));
  return el;
}

const pre = (/** @type {unknown} */ text, /** @type {string} */ cls = "") =>
  h("pre", {class: `code-block ${cls}`.trim()}, h("code", null, mask(text)));

/** A case-insensitive header lookup. */
function header(
  /** @type {Record<string, string>} */ headers,
  /** @type {string} */ name
) {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

/** JSON pretty-printed when it parses, the text as it is otherwise. */
function pretty(/** @type {string | null | undefined} */ body) {
  if (body === null || body === undefined || body === "") return "";
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/**
 * The text fields of a multipart/form-data body (Fonnte's), or null when it does not read as one.
 * @param {string} body
 * @param {string} contentType
 * @returns {[string, string][] | null}
 */
function multipartFields(body, contentType) {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return null;
  /** @type {[string, string][]} */
  const fields = [];
  for (const part of body.split(`--${boundary[1] ?? boundary[2]}`).slice(1, -1)) {
    const end = part.indexOf("\r\n\r\n");
    const name = end < 0 ? null : /name="([^"]*)"/i.exec(part.slice(0, end));
    if (!name) return null;
    fields.push([name[1], part.slice(end + 4, -2)]);
  }
  return fields;
}

/** An HTTP request as text and tables: method, URL, headers, pretty body, decoded form body. */
export function requestView(
  /** @type {HttpRequest} */ req,
  /** @type {string} */ testid = ""
) {
  const type = (header(req.headers, "content-type") ?? "").toLowerCase();
  const form = !req.body
    ? null
    : type.startsWith("application/x-www-form-urlencoded")
      ? [...new URLSearchParams(req.body)]
      : type.startsWith("multipart/form-data")
        ? multipartFields(req.body, header(req.headers, "content-type") ?? "")
        : null;
  return h(
    "div",
    {class: "http", "data-testid": testid || null},
    h(
      "p",
      {class: "request-line"},
      h("span", {class: "method"}, req.method),
      " ",
      h("span", {class: "url"}, mask(req.url))
    ),
    h(
      "table",
      {class: "kv"},
      h("caption", null, t("headers")),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", {scope: "col"}, t("header")),
          h("th", {scope: "col"}, t("value"))
        )
      ),
      h(
        "tbody",
        null,
        Object.entries(req.headers ?? {}).map(([k, v]) =>
          h("tr", null, h("th", {scope: "row"}, k), h("td", null, mask(v)))
        )
      )
    ),
    req.timeoutMs ? h("p", {class: "hint"}, `timeout ${req.timeoutMs} ms`) : null,
    req.body
      ? [
          h(
            "p",
            {class: "label"},
            t("body"),
            type ? h("span", {class: "hint"}, ` (${type})`) : null
          ),
          pre(pretty(req.body), "body"),
        ]
      : null,
    form
      ? h(
          "table",
          {class: "kv form-body"},
          h("caption", null, t("bodyDecoded")),
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", {scope: "col"}, t("field")),
              h("th", {scope: "col"}, t("value"))
            )
          ),
          h(
            "tbody",
            null,
            form.map(([k, v]) =>
              h(
                "tr",
                null,
                h("th", {scope: "row"}, k),
                h("td", null, h("span", {class: "pre-wrap"}, mask(v)))
              )
            )
          )
        )
      : null
  );
}

/** A provider answer: status, headers, pretty body. */
function responseView(/** @type {HttpResponse} */ resp) {
  return h(
    "div",
    {class: "http"},
    h(
      "p",
      {class: "request-line"},
      h("span", {class: "method"}, `HTTP ${resp.status}`)
    ),
    resp.body ? pre(pretty(resp.body), "body") : null
  );
}

const nameOf = (
  /** @type {Preview | null} */ preview,
  /** @type {string | null | undefined} */ id
) => preview?.providers.find((p) => p.provider === id)?.name ?? id ?? "";

/** Decision and trace, in words. */
export function renderDecision(/** @type {Preview} */ preview) {
  const d = preview.decision;
  const name = (/** @type {string | null | undefined} */ id) => nameOf(preview, id);
  const opted = d.trace.some((s) => s.code === "route.opted_out");
  const summary = d.provider
    ? h(
        "p",
        {
          class: "decision-summary",
          "data-testid": "decision-summary",
          dataset: {provider: d.provider},
        },
        h("span", {class: "badge ok"}, "✓"),
        " ",
        t("decisionFirst", {name: ""}),
        h("strong", null, name(d.provider))
      )
    : h(
        "p",
        {
          class: "decision-summary none",
          "data-testid": "decision-summary",
          dataset: {provider: ""},
        },
        h("span", {class: "badge warn"}, "!"),
        " ",
        t(opted ? "decisionOptedOut" : "decisionNone")
      );
  fill(
    byId("decision"),
    summary,
    h(
      "dl",
      {class: "facts"},
      h(
        "div",
        null,
        h("dt", null, t("phoneNormalized")),
        h("dd", null, h("code", {"data-testid": "decision-phone"}, d.phone))
      ),
      d.chain.length
        ? h(
            "div",
            null,
            h("dt", null, t("chain")),
            h(
              "dd",
              null,
              h(
                "ol",
                {class: "chain", "data-testid": "chain"},
                d.chain.map((id, i) =>
                  h(
                    "li",
                    {dataset: {provider: id}},
                    h("strong", null, name(id)),
                    " ",
                    h(
                      "span",
                      {class: "hint"},
                      i === 0
                        ? t("chainPrimary")
                        : t("chainFallback", {n: fallbackNumber(d, id)})
                    )
                  )
                )
              )
            )
          )
        : null,
      d.provider && d.kind !== "meta"
        ? h(
            "div",
            null,
            h("dt", null, "Opt-in"),
            h(
              "dd",
              {"data-testid": "opt-in", dataset: {appended: String(d.appendOptInLink)}},
              d.appendOptInLink ? t("optInAppended") : t("optInNotAppended")
            )
          )
        : null
    ),
    h("h3", {class: "subhead"}, t("trace")),
    h(
      "ol",
      {class: "trace", "data-testid": "trace"},
      d.trace.map((s) => {
        return h(
          "li",
          {dataset: {code: s.code}},
          mask(traceText(s, name(s.provider))),
          " ",
          h("code", {class: "code"}, s.code)
        );
      })
    )
  );
}

/** Meta lint and unused values. */
export function renderLint(/** @type {Preview} */ preview) {
  const items = preview.lint.map((l) =>
    h(
      "li",
      {class: `lint ${l.severity}`, dataset: {code: l.code}},
      h("strong", null, lintTitle(l.code)),
      l.field ? h("span", {class: "hint"}, ` (${l.field})`) : null,
      h("br"),
      h("span", {class: "detail"}, mask(l.message)),
      " ",
      h("code", {class: "code"}, l.code)
    )
  );
  fill(
    byId("lint"),
    items.length
      ? h("ul", {class: "lint-list"}, items)
      : h("p", {class: "hint"}, t("lintNone")),
    preview.unusedValues.length
      ? h(
          "p",
          {class: "hint"},
          t("unusedValues", {names: preview.unusedValues.join(", ")})
        )
      : null
  );
}

/** Every provider: position, the citizen's text, converted parameters, the exact request. */
export function renderRequests(/** @type {Preview} */ preview) {
  fill(
    byId("requests"),
    preview.providers.map((p) => {
      const pos =
        p.position === null
          ? t("notUsed")
          : p.position === 0
            ? t("chainPrimary")
            : t("chainFallback", {n: p.position});
      return details(
        `req:${p.provider}`,
        p.position !== null,
        h(
          "span",
          {class: "provider-summary"},
          h("strong", null, p.name),
          " ",
          h("span", {class: "kind"}, p.kind),
          " ",
          h("span", {class: `pill ${p.position === null ? "muted" : "on"}`}, pos)
        ),
        h(
          "div",
          {
            class: "provider-out",
            "data-testid": `request-${p.provider}`,
            dataset: {provider: p.provider},
          },
          p.error
            ? h(
                "p",
                {class: "field-error inline"},
                h("strong", null, describeError(p.error).title),
                ` — ${mask(p.error.message)}`,
                h("code", {class: "code"}, p.error.code)
              )
            : null,
          p.text !== null
            ? [h("h4", null, t("citizenText")), pre(p.text, "citizen-text")]
            : null,
          p.params !== null && p.params !== undefined
            ? [
                h("h4", null, t("params")),
                pre(JSON.stringify(p.params, null, 2), "params"),
              ]
            : null,
          h("h4", null, t("request")),
          p.request
            ? requestView(p.request, `http-${p.provider}`)
            : h("p", {class: "hint"}, t("noRequest"))
        )
      );
    })
  );
}

/** Clear the preview parts (when the engine cannot compute one). */
export function clearPreview() {
  fill(byId("decision"));
  fill(byId("lint"));
  fill(byId("requests"));
}

/** A dry run: what would be sent first, nothing sent. */
export function renderDryRun(
  /** @type {Plan} */ plan,
  /** @type {Preview | null} */ preview
) {
  const first = plan.decision.provider;
  fill(
    byId("send-result"),
    h(
      "div",
      {
        class: "outcome dry",
        "data-testid": "dry-run",
        dataset: {provider: first ?? ""},
      },
      h(
        "p",
        null,
        first ? t("dryResult", {name: nameOf(preview, first)}) : t("dryNothing")
      ),
      plan.request ? requestView(plan.request) : null
    )
  );
}

/** A retry time with its date, in the recipient's zone when known (else the browser's). */
function retryTime(
  /** @type {number} */ ms,
  /** @type {string | undefined} */ timeZone
) {
  const opts = /** @type {Intl.DateTimeFormatOptions} */ ({
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
  try {
    return new Date(ms).toLocaleString(document.documentElement.lang || undefined, {
      ...opts,
      timeZone,
    });
  } catch {
    return new Date(ms).toLocaleString(undefined, opts);
  }
}

/**
 * A live send: the outcome, each attempt with its classification, and the simulator's counters.
 * @param {Outcome} outcome
 * @param {Preview | null} preview
 * @param {{received: number, accepted: number, duplicates: number} | null} stats
 * @param {string} [timeZone]  the recipient's zone: a deferral's time is theirs, with its date
 */
export function renderOutcome(outcome, preview, stats, timeZone) {
  const name = (/** @type {string | null | undefined} */ id) => nameOf(preview, id);
  const status = /** @type {Record<string, string>} */ ({
    sent: "ok",
    failed: "bad",
    unknown: "warn",
    deferred: "warn",
  })[outcome.status];
  fill(
    byId("send-result"),
    h(
      "div",
      {
        class: "outcome",
        "data-testid": "outcome",
        dataset: {status: outcome.status, provider: outcome.provider ?? ""},
      },
      h(
        "p",
        {class: "outcome-line"},
        h("span", {class: `badge ${status}`}, t(`status.${outcome.status}`)),
        " ",
        outcome.provider ? t("via", {name: name(outcome.provider)}) : "",
        outcome.code ? [" ", h("code", {class: "code"}, outcome.code)] : null
      ),
      outcome.message ? h("p", {class: "detail"}, mask(outcome.message)) : null,
      outcome.messageIds.length
        ? h(
            "p",
            null,
            `${t("messageIds")}: `,
            h("code", null, outcome.messageIds.join(", "))
          )
        : null,
      outcome.retryAtMs
        ? h("p", null, t("retryAt", {time: retryTime(outcome.retryAtMs, timeZone)}))
        : null,
      h("h3", {class: "subhead"}, t("attempts")),
      h(
        "ol",
        {class: "attempts"},
        outcome.attempts.map((a, i) =>
          h(
            "li",
            {
              "data-testid": "attempt",
              dataset: {provider: a.provider, classification: a.classification},
            },
            h(
              "p",
              null,
              h("strong", null, name(a.provider)),
              " — ",
              h(
                "span",
                {class: `pill cls-${a.classification}`},
                classificationText(a.classification)
              ),
              a.code ? [" ", h("code", {class: "code"}, a.code)] : null
            ),
            h("p", {class: "detail"}, mask(a.detail)),
            a.transportError
              ? h(
                  "p",
                  {class: "detail"},
                  `${t("transportError")}: ${mask(a.transportError.message ?? a.transportError.kind)}`
                )
              : null,
            details(
              `attempt:${i}`,
              false,
              t("attemptDetails"),
              a.request ? [h("h4", null, t("request")), requestView(a.request)] : null,
              a.response
                ? [h("h4", null, t("response")), responseView(a.response)]
                : null
            )
          )
        )
      ),
      stats
        ? h(
            "p",
            {
              class: "hint sim-stats",
              "data-testid": "sim-stats",
              dataset: {duplicates: String(stats.duplicates)},
            },
            t("simStats", stats)
          )
        : null
    )
  );
}

/** An error that stopped a send (bad input, simulator control unreachable). */
export function renderSendError(
  /** @type {{title: string, detail: string, code?: string}} */ e
) {
  fill(
    byId("send-result"),
    h(
      "p",
      {class: "field-error inline", role: "alert"},
      h("strong", null, e.title),
      e.detail ? ` — ${mask(e.detail)}` : "",
      e.code ? h("code", {class: "code"}, e.code) : null
    )
  );
}
