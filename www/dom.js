// A tiny element builder: h("p", {class: "x", dataset: {provider: "fonnte"}}, "text", child).
// Text goes in as text nodes, never as HTML: nothing the engine or a provider returns is parsed.

/**
 * @typedef {Node | string | number | null | undefined | false | any[]} Child  (arrays nest)
 */

/** @param {Node} el @param {Child[]} children */
function append(el, children) {
  for (const c of /** @type {(Node | string | number | null | undefined | false)[]} */ (
    children.flat(Infinity)
  )) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

/**
 * @param {string} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "class") el.className = v;
    else if (k.startsWith("on") && typeof v === "function")
      el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== "string") /** @type {any} */ (el)[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

/** Replace an element's children. */
export function fill(/** @type {Element} */ el, /** @type {Child[]} */ ...children) {
  el.replaceChildren();
  append(el, children);
}

/** The element with this id (the page's static skeleton always has it). */
export function byId(/** @type {string} */ id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page skeleton lacks #${id}`);
  return el;
}
