// The test page: a case in a form, the engine's answer while typing, and "Kirim" (dry run, or live
// to the provider simulator through the engine's fetch transport).
//
// The engine is the npm package's web build ("sicantik-whatsapp", mapped to /pkg/index.js by the
// import map in index.html). /config.js, served by www/serve.mjs, says where the simulator is.

import {
  Engine,
  init,
  normalizePhone,
  lintTemplate,
  lintProfile,
} from "sicantik-whatsapp";
import {byId, h} from "./dom.js";
import {
  bindForm,
  clearFieldErrors,
  renderForm,
  renderValues,
  showFieldError,
  syncFields,
} from "./form.js";
import {describeError, setLang, t, translatePage} from "./i18n.js";
import {armFaults, isLoopback, stats, statsDelta} from "./live.js";
import {
  clearPreview,
  renderDecision,
  renderDryRun,
  renderLint,
  renderOutcome,
  renderRequests,
  renderSendError,
  setSecrets,
} from "./render.js";
import {
  CUSTOM,
  SIM_CREDENTIALS,
  secretValues,
  currentTemplate,
  customTemplate,
  decodeCase,
  defaultCase,
  encodeCase,
  engineConfig,
  notification,
  simBaseUrl,
} from "./state.js";

/** @typedef {import("sicantik-whatsapp").Preview} Preview */
/** @typedef {{title: string, detail: string, code?: string}} Shown */

/** Where the simulator is: ?sim=URL, else /config.js from the demo server, else unknown. */
async function loadPageConfig() {
  /** @type {{simulatorUrl?: string, credentials?: Record<string, Record<string, string>>}} */
  let config = {};
  try {
    config = (await import(new URL("./config.js", import.meta.url).href)).default ?? {};
  } catch {
    // Served without the demo server: dry runs still work.
  }
  const fromQuery = new URLSearchParams(location.search).get("sim");
  const simulatorUrl =
    (fromQuery ?? config.simulatorUrl ?? "").replace(/\/+$/, "") || null;
  return {simulatorUrl, credentials: config.credentials ?? SIM_CREDENTIALS};
}

const page = await loadPageConfig();
let state = decodeCase(location.hash) ?? defaultCase();
/** Credentials as typed, by provider id; never in the URL. */
/** @type {Record<string, Record<string, string>>} */
const credentialsByKind = page.credentials;
const credentials = Object.fromEntries(
  state.providers.map((p) => [p.id, {...(credentialsByKind[p.kind] ?? {})}])
);

/** @type {Engine | null} */
let engine = null;
/** An engine without configuration: describes the template being edited, whatever the case's
 * configuration (which may not build). */
/** @type {Engine | null} */
let describer = null;
let engineKey = "";
/** @type {Preview | null} */
let lastPreview = null;
let writtenHash = "";
/** @type {ReturnType<typeof setTimeout> | null} */
let timer = null;
let sending = false;
/**
 * Redraws the last send result (after a language switch); nothing before the first send.
 * @type {() => void}
 */
let redrawSend = () => undefined;

/** Show a send result and remember how to draw it again. */
function showSend(/** @type {() => void} */ draw) {
  redrawSend = draw;
  draw();
}

/**
 * A template's parameters, as the engine reads them.
 * @param {import("sicantik-whatsapp").MasterTemplate} template
 * @returns {import("sicantik-whatsapp").TemplateParam[]}
 */
function templateParams(template) {
  describer ??= new Engine({});
  return describer.call("describeTemplate", {template}).params;
}

/** The names of the current template's parameters, as the engine reads them. */
function usedParams() {
  return templateParams(currentTemplate(state)).map((p) => p.name);
}

// --- errors ---------------------------------------------------------------------------------------

/** @param {any} err @returns {Shown} */
function shown(err) {
  return {...describeError(err), code: err?.code};
}

/** The page's form field of each configuration field the engine may name in an error. */
/** @type {Record<string, string>} */
const CONFIG_FIELDS = {defaultProvider: "defaultProvider", fallbackOrder: "fallback"};

/** The form field an engine error concerns, or null for the general area. */
function fieldFor(/** @type {any} */ err) {
  switch (err?.code) {
    case "phone.invalid":
    case "phone.trunk_zero_doubled":
      return "phone";
    case "template.missing_param":
      return err.args?.param ? `value:${err.args.param}` : "template";
    case "template.unknown":
      return "template";
    case "template.unknown_placeholder":
    case "template.malformed":
    case "template.empty":
    case "template.mapping":
      return state.template === CUSTOM ? "customBody" : "template";
    case "provider.unknown":
      return state.forceProvider ? "forceProvider" : "defaultProvider";
    case "config.invalid":
      // The engine names the configuration field at fault (its `field` argument).
      return CONFIG_FIELDS[err.args?.field] ?? null;
    default:
      return null;
  }
}

/** @type {Shown[]} */
let general = [];

function placeError(/** @type {any} */ err) {
  const key = fieldFor(err);
  if (!(key && showFieldError(key, shown(err)))) general.push(shown(err));
}

function renderGeneral() {
  const box = byId("general-error");
  box.replaceChildren(
    ...general.map((e) =>
      h(
        "p",
        null,
        h("strong", null, e.title),
        e.detail ? ` — ${e.detail}` : "",
        e.code ? h("code", {class: "code"}, e.code) : null
      )
    )
  );
  box.hidden = general.length === 0;
}

// --- the live output ------------------------------------------------------------------------------

function writeHash() {
  const hash = encodeCase(state);
  if (hash !== location.hash) history.replaceState(null, "", hash);
  writtenHash = hash;
}

/** What the output shows now, so an unchanged preview is not redrawn (keeps selection, no flicker). */
let renderedKey = "";

function update() {
  if (timer !== null) clearTimeout(timer);
  delete document.body.dataset.pending;
  general = [];
  clearFieldErrors();
  setSecrets(secretValues(credentials, state.providers));

  // The phone on its own, so its verdict shows whatever else is wrong.
  const phoneOut = byId("f-phone-out");
  let phoneBad = false;
  try {
    phoneOut.textContent = `→ ${normalizePhone(state.recipient.phone)}`;
  } catch (e) {
    phoneOut.textContent = "";
    phoneBad = true;
    placeError(e);
  }

  // Blank values: every one is reported at its field (the engine stops at the first).
  const tpl = currentTemplate(state);
  const missing = new Set();
  for (const {name, role} of templateParams(tpl)) {
    if (role === "optInLink" && state.optIn.url.trim()) continue; // the engine fills it
    if (!(state.values[name] ?? "").trim()) {
      missing.add(name);
      placeError({
        code: "template.missing_param",
        message: `{{${name}}}`,
        args: {template: tpl.code, param: name},
      });
    }
  }
  // A custom body's own errors, before any value is involved.
  let templateBad = false;
  if (state.template === CUSTOM) {
    for (const issue of lintTemplate(customTemplate(state))) {
      if (issue.severity !== "error") continue; // warnings stay in the lint card
      if (issue.code.startsWith("meta.")) {
        showFieldError(
          issue.field?.startsWith("meta.") ? "customMeta" : "customBody",
          shown(issue)
        );
      } else {
        templateBad = true;
        placeError(issue);
      }
    }
  }

  // Live mode sends only to this machine.
  if (state.live) {
    for (const p of state.providers) {
      const url = p.baseUrl ?? simBaseUrl(page.simulatorUrl, p.kind);
      if (!isLoopback(url))
        showFieldError(`baseUrl:${p.id}`, {title: t("liveNotLoopback"), detail: url});
    }
  }

  const config = engineConfig(state, credentials, page.simulatorUrl);
  // Each profile's lint at today's date (a Meta Graph API version ending or ended).
  for (const p of config.providers ?? []) {
    for (const issue of lintProfile(
      {id: p.id, kind: p.kind, apiVersion: p.apiVersion},
      Date.now()
    )) {
      showFieldError(`${issue.field ?? "provider"}:${p.id}`, shown(issue));
    }
  }
  const key = JSON.stringify(config);
  if (key !== engineKey) {
    try {
      engine = new Engine(config);
      engineKey = key;
    } catch (e) {
      engine = null;
      engineKey = "";
      placeError(e);
    }
  }

  lastPreview = null;
  if (engine) {
    try {
      lastPreview = engine.preview(notification(state, usedParams()));
    } catch (e) {
      const err = /** @type {any} */ (e);
      const already =
        (String(err.code).startsWith("phone.") && phoneBad) ||
        (err.code === "template.missing_param" && missing.has(err.args?.param)) ||
        (templateBad && String(err.code).startsWith("template."));
      if (!already) placeError(err);
    }
  }
  if (lastPreview) {
    const key = JSON.stringify([state.lang, lastPreview]);
    if (key !== renderedKey) {
      renderedKey = key;
      renderDecision(lastPreview);
      renderLint(lastPreview);
      renderRequests(lastPreview);
    }
    // A profile that cannot build its request (a missing credential) is shown at its form; other
    // reasons (no Meta mapping for this template) are about the template, shown in its card.
    for (const p of lastPreview.providers) {
      if (p.error?.code === "config.invalid")
        showFieldError(`provider:${p.provider}`, shown(p.error));
    }
  } else {
    renderedKey = "";
    clearPreview();
  }
  renderGeneral();
  writeHash();
}

const ctx = {
  get state() {
    return state;
  },
  credentials,
  simulatorUrl: page.simulatorUrl,
  params: templateParams,
  onChange: (/** @type {boolean} */ structural = false) => {
    if (structural) {
      renderValues(ctx);
      syncFields(ctx);
    }
    if (timer !== null) clearTimeout(timer);
    document.body.dataset.pending = "true"; // tests wait for the output to settle
    timer = setTimeout(update, 120);
  },
};

// --- Kirim ----------------------------------------------------------------------------------------

async function send() {
  if (sending) return;
  update();
  if (!engine || !lastPreview) {
    // The case has errors, shown at their fields (or on top): nothing to send.
    const first = general[0];
    return showSend(() =>
      renderSendError({title: t("sendFailed"), detail: first?.title ?? t("fixFields")})
    );
  }
  const n = notification(state, usedParams());
  if (!state.live) {
    try {
      const plan = engine.call("plan", n);
      const preview = lastPreview;
      showSend(() => renderDryRun(plan, preview));
    } catch (e) {
      showSend(() => renderSendError(shown(e)));
    }
    return;
  }
  const sim = page.simulatorUrl;
  if (!sim)
    return showSend(() => renderSendError({title: t("simUnavailable"), detail: ""}));
  const far = state.providers
    .map((p) => p.baseUrl ?? simBaseUrl(sim, p.kind))
    .find((u) => !isLoopback(u));
  if (far !== undefined)
    return showSend(() => renderSendError({title: t("liveNotLoopback"), detail: far}));

  const button = /** @type {HTMLButtonElement} */ (byId("send"));
  const result = byId("send-result");
  sending = true;
  button.disabled = true;
  button.textContent = t("sending");
  result.setAttribute("aria-busy", "true");
  const active = engine; // a re-render while sending must not swap the engine under this send
  const preview = lastPreview;
  try {
    let before = null;
    try {
      await armFaults(
        sim,
        Object.fromEntries(
          state.providers.map((p) => [p.kind, state.faults[p.id] ?? ""])
        ),
        Object.fromEntries(state.providers.map((p) => [p.kind, p.timeoutMs]))
      );
      before = await stats(sim);
    } catch (e) {
      const detail = String(/** @type {any} */ (e)?.message ?? e);
      return showSend(() =>
        renderSendError({title: t("simControlFailed", {url: sim}), detail})
      );
    }
    const outcome = await active.send({
      ...n,
      idempotencyKey: `page-${Date.now().toString(36)}`,
    });
    const after = await stats(sim).catch(() => null);
    const delta = after ? statsDelta(before, after) : null;
    showSend(() => renderOutcome(outcome, preview, delta, state.recipient.timeZone));
  } catch (e) {
    showSend(() => renderSendError(shown(e)));
  } finally {
    sending = false;
    button.disabled = false;
    button.textContent = t("send");
    result.removeAttribute("aria-busy");
  }
}

// --- page chrome ----------------------------------------------------------------------------------

function applyLang() {
  setLang(state.lang);
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === state.lang));
  }
  document.title = `${t("title")} — SiCantik`;
  translatePage();
  byId("sim-url").textContent = page.simulatorUrl
    ? `${t("simUrl")}: ${page.simulatorUrl}`
    : t("simUnavailable");
}

function rebuild() {
  applyLang();
  renderForm(ctx);
  update();
  if (!sending) redrawSend();
}

async function share() {
  writeHash();
  const status = byId("share-status");
  try {
    await navigator.clipboard.writeText(location.href);
    status.textContent = t("shared");
  } catch {
    status.textContent = t("sharedManual");
  }
  setTimeout(() => (status.textContent = ""), 2500);
}

async function main() {
  applyLang();
  try {
    await init();
  } catch (e) {
    const boot = byId("boot");
    boot.textContent = `${t("loadFailed")}: ${String(/** @type {any} */ (e)?.message ?? e)}`;
    boot.classList.add("field-error");
    return;
  }
  bindForm(ctx);
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.addEventListener("click", () => {
      state.lang = b.getAttribute("data-lang") === "en" ? "en" : "id";
      rebuild();
    });
  }
  byId("share").addEventListener("click", share);
  byId("send").addEventListener("click", send);
  window.addEventListener("hashchange", () => {
    if (location.hash === writtenHash) return;
    const next = decodeCase(location.hash);
    if (next) {
      state = next;
      rebuild();
    }
  });
  rebuild();
  byId("boot").hidden = true;
  byId("layout").hidden = false;
  document.body.dataset.ready = "true";
}

main();
