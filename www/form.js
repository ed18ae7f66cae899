// The form: static fields bound by `data-bind="path.in.case"`, plus the parts generated from the
// case (value fields from the template's placeholders, provider profiles, fallback order, fault
// toggles). Every change updates the case and calls `onChange`; the output is computed elsewhere.

import {catalogue} from "sicantik-whatsapp";
import {byId, fill, h} from "./dom.js";
import {t} from "./i18n.js";
import {
  CREDENTIAL_FIELDS,
  CUSTOM,
  FAULTS,
  TEMPLATES,
  currentTemplate,
  simBaseUrl,
} from "./state.js";

/** @typedef {import("./state.js").Case} Case */

/**
 * @typedef {object} FormContext
 * @property {Case} state
 * @property {Record<string, Record<string, string>>} credentials  by provider id (never in the case)
 * @property {string | null} simulatorUrl
 * @property {(structural?: boolean) => void} onChange
 * @property {(template: import("sicantik-whatsapp").MasterTemplate) => import("sicantik-whatsapp").TemplateParam[]} params
 *   the template's parameters as the engine reads them (`describeTemplate`)
 */

/** Read a dotted path of the case. */
function getPath(/** @type {any} */ obj, /** @type {string} */ path) {
  return path.split(".").reduce((o, k) => o?.[k], obj);
}

function setPath(
  /** @type {any} */ obj,
  /** @type {string} */ path,
  /** @type {unknown} */ value
) {
  const keys = path.split(".");
  const last = /** @type {string} */ (keys.pop());
  const target = keys.reduce((o, k) => o[k], obj);
  target[last] = value;
}

/** Wire the static fields once. */
export function bindForm(/** @type {FormContext} */ ctx) {
  const form = byId("case-form");
  const onInput = (/** @type {Event} */ ev) => {
    const el = /** @type {HTMLInputElement} */ (ev.target);
    if (el.dataset.cred) {
      const [id, field] = el.dataset.cred.split(".");
      ctx.credentials[id][field] = el.value;
      return ctx.onChange();
    }
    const path = el.dataset.bind;
    if (!path) return;
    let value = null;
    if (el.type === "checkbox") value = el.checked;
    else if (el.type === "radio") {
      if (!el.checked) return;
      value =
        el.dataset.value === "true"
          ? true
          : el.dataset.value === "false"
            ? false
            : el.value;
    } else if (el.type === "number")
      value = Math.max(1, Math.round(Number(el.value) || 0)) || 1;
    else if (el.dataset.baseUrl !== undefined) {
      // The simulator's own endpoint (or nothing) is stored as "the default", so a shared link
      // follows the simulator of whoever opens it.
      const dflt = simBaseUrl(ctx.simulatorUrl, el.dataset.baseUrl);
      value =
        el.value.trim() === "" || el.value.trim() === dflt ? null : el.value.trim();
    } else value = el.value;
    setPath(ctx.state, path, value);
    const structural = path === "template" || path === "custom.body" || path === "live";
    ctx.onChange(structural);
  };
  form.addEventListener("input", onInput);
  form.addEventListener("change", onInput);
  // The send card's controls sit outside the form but bind the same way.
  byId("send-card").addEventListener("change", onInput);
}

function renderProviders(/** @type {FormContext} */ ctx) {
  fill(
    byId("providers"),
    ctx.state.providers.map((p, i) => {
      const pre = `f-p-${p.id}`;
      const creds = CREDENTIAL_FIELDS[p.kind].map(([field, secret]) =>
        h(
          "div",
          {class: "field"},
          h("label", {for: `${pre}-${field}`}, t(/** @type {string} */ (field))),
          h(
            "div",
            {class: secret ? "secret" : null},
            h("input", {
              id: `${pre}-${field}`,
              type: secret ? "password" : "text",
              "data-cred": `${p.id}.${field}`,
              autocomplete: "off",
              spellcheck: "false",
            }),
            secret &&
              h(
                "button",
                {
                  type: "button",
                  class: "ghost",
                  "aria-pressed": "false",
                  "aria-controls": `${pre}-${field}`,
                  "aria-label": `${t("showSecret")}: ${t(/** @type {string} */ (field))} ${p.name}`,
                  onclick: (/** @type {MouseEvent} */ ev) => {
                    const btn = /** @type {HTMLButtonElement} */ (ev.currentTarget);
                    const input = /** @type {HTMLInputElement} */ (
                      document.getElementById(`${pre}-${field}`)
                    );
                    const show = input.type === "password";
                    input.type = show ? "text" : "password";
                    btn.setAttribute("aria-pressed", String(show));
                  },
                },
                t("showSecret")
              )
          )
        )
      );
      return h(
        "section",
        {
          class: "provider-form",
          dataset: {provider: p.id},
          "aria-labelledby": `${pre}-title`,
        },
        h("h3", {id: `${pre}-title`}, p.name, " ", h("span", {class: "kind"}, p.kind)),
        h(
          "div",
          {class: "field-row"},
          h(
            "div",
            {class: "field"},
            h("label", {for: `${pre}-state`}, t("state")),
            h(
              "select",
              {id: `${pre}-state`, "data-bind": `providers.${i}.state`},
              h("option", {value: "configured"}, t("stateConfigured")),
              h("option", {value: "draft"}, t("stateDraft")),
              h("option", {value: "error"}, t("stateError"))
            )
          ),
          h(
            "div",
            {class: "field"},
            h("label", {for: `${pre}-timeout`}, t("timeoutMs")),
            h("input", {
              id: `${pre}-timeout`,
              type: "number",
              min: "1",
              step: "500",
              "data-bind": `providers.${i}.timeoutMs`,
            })
          )
        ),
        h(
          "div",
          {class: "field", dataset: {field: `baseUrl:${p.id}`}},
          h("label", {for: `${pre}-base`}, t("baseUrl")),
          h("input", {
            id: `${pre}-base`,
            type: "url",
            spellcheck: "false",
            "data-bind": `providers.${i}.baseUrl`,
            "data-base-url": p.kind,
            "aria-describedby": `${pre}-base-hint err-baseUrl-${p.id}`,
          }),
          h("p", {class: "hint", id: `${pre}-base-hint`}, t("baseUrlHint")),
          h("p", {class: "field-error", id: `err-baseUrl-${p.id}`, hidden: true})
        ),
        p.kind === "meta" &&
          h(
            "div",
            {class: "field", dataset: {field: `apiVersion:${p.id}`}},
            h("label", {for: `${pre}-version`}, t("apiVersion")),
            h("input", {
              id: `${pre}-version`,
              type: "text",
              spellcheck: "false",
              placeholder: catalogue().defaults.metaApiVersion,
              "data-bind": `providers.${i}.apiVersion`,
              "aria-describedby": `err-apiVersion-${p.id}`,
            }),
            // The engine's profile lint (a version ending soon or ended) is shown here.
            h("p", {class: "field-error", id: `err-apiVersion-${p.id}`, hidden: true})
          ),
        creds,
        h("p", {class: "field-error", id: `err-provider-${p.id}`, hidden: true})
      );
    })
  );
}

/** The fallback order: ticked providers in order, then the others; up/down buttons reorder. */
export function renderFallback(/** @type {FormContext} */ ctx) {
  const {state} = ctx;
  const rest = state.providers
    .map((p) => p.id)
    .filter((id) => !state.fallbackOrder.includes(id));
  const order = [...state.fallbackOrder, ...rest];
  const name = (/** @type {string} */ id) =>
    state.providers.find((p) => p.id === id)?.name ?? id;
  const commit = (/** @type {string[]} */ ids, /** @type {Set<string>} */ ticked) => {
    state.fallbackOrder = ids.filter((id) => ticked.has(id));
    renderFallback(ctx);
    ctx.onChange();
  };
  const ticked = new Set(state.fallbackOrder);
  const move = (/** @type {number} */ i, /** @type {number} */ by) => () => {
    const ids = order.slice();
    [ids[i], ids[i + by]] = [ids[i + by], ids[i]];
    commit(ids, ticked);
    /** @type {HTMLElement | null} */ (
      document.querySelector(`#fallback [data-move="${ids[i + by]}:${by}"]`)
    )?.focus();
  };
  fill(
    byId("fallback"),
    order.map((id, i) =>
      h(
        "li",
        {dataset: {provider: id}},
        h(
          "span",
          {class: "check"},
          h("input", {
            type: "checkbox",
            id: `f-fb-${id}`,
            checked: ticked.has(id),
            "aria-label": t("inFallback", {name: name(id)}),
            onchange: (/** @type {Event} */ ev) => {
              ev.stopPropagation();
              if (/** @type {HTMLInputElement} */ (ev.target).checked) ticked.add(id);
              else ticked.delete(id);
              commit(order, ticked);
              document.getElementById(`f-fb-${id}`)?.focus();
            },
          }),
          h("label", {for: `f-fb-${id}`}, name(id))
        ),
        h(
          "span",
          {class: "move"},
          h(
            "button",
            {
              type: "button",
              class: "ghost",
              disabled: i === 0,
              "data-move": `${id}:-1`,
              "aria-label": t("moveUp", {name: name(id)}),
              onclick: move(i, -1),
            },
            "↑"
          ),
          h(
            "button",
            {
              type: "button",
              class: "ghost",
              disabled: i === order.length - 1,
              "data-move": `${id}:1`,
              "aria-label": t("moveDown", {name: name(id)}),
              onclick: move(i, 1),
            },
            "↓"
          )
        )
      )
    )
  );
}

/** Value fields for the current template's parameters (rebuilt only when they change). */
export function renderValues(/** @type {FormContext} */ ctx) {
  const params = ctx.params(currentTemplate(ctx.state));
  const names = params.map((p) => p.name);
  const box = byId("values");
  if (
    box.dataset.names === names.join(",") &&
    box.dataset.lang === document.documentElement.lang
  )
    return;
  box.dataset.names = names.join(",");
  box.dataset.lang = document.documentElement.lang;
  if (names.length === 0)
    return fill(box, h("p", {class: "hint"}, t("noPlaceholders")));
  fill(
    box,
    params.map(({name, role}) => {
      const id = `f-value-${name}`;
      const auto = role === "optInLink"; // the engine fills it when left blank
      return h(
        "div",
        {class: "field", dataset: {field: `value:${name}`}},
        h("label", {for: id}, h("code", null, `{{${name}}}`)),
        h("input", {
          id,
          "data-bind": `values.${name}`,
          value: ctx.state.values[name] ?? "",
          placeholder: auto ? t("optInLinkAuto") : null,
          "aria-describedby": `err-value-${name}`,
        }),
        h("p", {class: "field-error", id: `err-value-${name}`, hidden: true})
      );
    })
  );
}

/** One fault select per provider (live mode). */
function renderFaults(/** @type {FormContext} */ ctx) {
  fill(
    byId("fault-fields"),
    ctx.state.providers.map((p) =>
      h(
        "div",
        {class: "field"},
        h("label", {for: `f-fault-${p.id}`}, p.name),
        h(
          "select",
          {
            id: `f-fault-${p.id}`,
            "data-bind": `faults.${p.id}`,
            "data-testid": `fault-${p.id}`,
            "aria-label": t("faultFor", {name: p.name}),
          },
          h("option", {value: ""}, t("faultNone")),
          FAULTS[p.kind].map((f) => h("option", {value: f}, f.replace(":", " ")))
        )
      )
    )
  );
}

// --- errors next to fields ------------------------------------------------------------------------

/** Put the case's values into the static fields. */
export function syncFields(/** @type {FormContext} */ ctx) {
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (
    document.querySelectorAll("[data-bind]")
  )) {
    const path = /** @type {string} */ (el.dataset.bind);
    const value = getPath(ctx.state, path);
    if (el.type === "checkbox") el.checked = Boolean(value);
    else if (el.type === "radio")
      el.checked = String(value) === (el.dataset.value ?? el.value);
    else if (el.dataset.baseUrl !== undefined)
      el.value = value ?? simBaseUrl(ctx.simulatorUrl, el.dataset.baseUrl);
    else el.value = value ?? "";
  }
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (
    document.querySelectorAll("[data-cred]")
  )) {
    const [id, field] = /** @type {string} */ (el.dataset.cred).split(".");
    el.value = ctx.credentials[id]?.[field] ?? "";
  }
  const custom = ctx.state.template === CUSTOM;
  byId("custom-fields").hidden = !custom;
  const body = byId("template-body");
  body.hidden = custom;
  body.textContent = custom ? "" : currentTemplate(ctx.state).body;
  byId("faults").hidden = !ctx.state.live;
}

/** (Re)build every generated part and put the case's values into every field. */
export function renderForm(/** @type {FormContext} */ ctx) {
  const {state} = ctx;
  fill(
    byId("f-template"),
    TEMPLATES.map((tpl) => h("option", {value: tpl.code}, `${tpl.name} (${tpl.code})`)),
    h("option", {value: CUSTOM}, t("customTemplate"))
  );
  const providerOptions = (/** @type {string} */ autoLabel) => [
    h("option", {value: ""}, autoLabel),
    state.providers.map((p) => h("option", {value: p.id}, p.name)),
  ];
  fill(byId("f-default"), providerOptions(t("defaultAuto")));
  fill(byId("f-force"), providerOptions(t("forceAuto")));
  renderProviders(ctx);
  renderFallback(ctx);
  renderValues(ctx);
  renderFaults(ctx);
  syncFields(ctx);
}

/** Clear every field error. */
export function clearFieldErrors() {
  for (const el of document.querySelectorAll("#case-form .field-error")) {
    el.replaceChildren();
    /** @type {HTMLElement} */ (el).hidden = true;
  }
  for (const el of document.querySelectorAll("#case-form [aria-invalid]"))
    el.removeAttribute("aria-invalid");
}

/**
 * Show an error under a field; false when the page has no such field (the caller shows it in the
 * general error area instead).
 * @param {string} key  phone, template, customBody, value:<name>, defaultProvider, forceProvider,
 *   fallback, optIn, baseUrl:<id>, provider:<id>
 * @param {{title: string, detail: string, code?: string}} error
 */
export function showFieldError(key, error) {
  const el = document.getElementById(`err-${key.replace(":", "-")}`);
  if (!el) return false;
  if (!el.hidden) {
    // Several errors for one field: keep them all.
    el.append(h("br"));
  }
  el.append(h("strong", null, error.title), error.detail ? ` — ${error.detail}` : "");
  if (error.code) el.append(h("code", {class: "code"}, error.code));
  el.hidden = false;
  for (const input of document.querySelectorAll(`[aria-describedby~="${el.id}"]`))
    input.setAttribute("aria-invalid", "true");
  return true;
}
