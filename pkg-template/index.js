// sicantik-whatsapp: the ES module entry (browsers, bundlers, workers, node's `import`).
//
// A thin facade over wasm-bindgen's `--target web` glue in ./web/: one idempotent `init()` that
// takes whatever the host has (nothing, a URL, a Response, bytes, a compiled module), and
// functions that fail with a clear `engine.not_initialized` error instead of a null-pointer
// TypeError from deep inside the glue when called too early. node's `require` gets the
// self-initializing nodejs build instead (./node/), so it never needs `init()`.

import initGlue, * as glue from "./web/sicantik_whatsapp.js";
import CATALOGUE from "./catalogue.js";

let pending = null; // the in-flight or settled init, shared by every caller
let ready = false;

const NODE_FS = "node:fs/promises";
const isNode = () => typeof process !== "undefined" && typeof process.versions?.node === "string";

/** In node, a file: URL or a plain path (not http(s), not data:) names a file to read. */
function isFileLocation(input) {
  if (input instanceof URL) return input.protocol === "file:";
  if (typeof input !== "string") return false;
  return !/^(https?|data|blob):/i.test(input);
}

async function instantiate(input) {
  input = await input; // a Promise<Response> from fetch()
  if (input instanceof WebAssembly.Module) {
    glue.initSync({ module: input });
  } else if (ArrayBuffer.isView(input) || input instanceof ArrayBuffer) {
    glue.initSync({ module: await WebAssembly.compile(input) });
  } else if (isNode() && (input === undefined || isFileLocation(input))) {
    // node's fetch cannot read file: URLs, so read the bytes ourselves. A dynamic import of a
    // specifier that bundlers are told to leave alone: browser builds never see node:fs.
    const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_FS);
    const bytes = await readFile(input ?? new URL("./web/sicantik_whatsapp_bg.wasm", import.meta.url));
    glue.initSync({ module: await WebAssembly.compile(bytes) });
  } else {
    // A URL to fetch, a Request or a Response. The literal `new URL(…, import.meta.url)` is the
    // pattern bundlers recognise to ship the .wasm as an asset.
    await initGlue({
      module_or_path: input ?? new URL("./web/sicantik_whatsapp_bg.wasm", import.meta.url),
    });
  }
}

/**
 * Load and instantiate the engine once. Later and concurrent calls share the first call's
 * promise (a second call's `input` is ignored); a failed init may be retried.
 * @param {string | URL | Request | Response | Promise<Response> | BufferSource | WebAssembly.Module} [input]
 * @returns {Promise<void>}
 */
export function init(input) {
  pending ??= instantiate(input).then(
    () => {
      ready = true;
    },
    (e) => {
      pending = null;
      throw e;
    },
  );
  return pending;
}

function notInitialized(what) {
  const e = new Error(
    `sicantik-whatsapp: ${what} was used before init() resolved; call \`await init()\` first`,
  );
  e.name = "SicantikError";
  e.code = "engine.not_initialized";
  return e;
}

function assertReady(what) {
  if (!ready) throw notInitialized(what);
}

/**
 * Whether `e` is an error thrown by the engine (or this facade): an `Error` named
 * `SicantikError` with a stable string `code` such as `phone.invalid`.
 */
export function isSicantikError(e) {
  return e instanceof Error && e.name === "SicantikError" && typeof e.code === "string";
}

/** The engine for one configuration; `new Engine(config)` works once `init()` has resolved. */
export class Engine extends glue.Engine {
  constructor(config) {
    assertReady("new Engine()");
    super(config);
  }
}

/** Normalize a phone number as typed (`0812-…`, `+62 812…`) to digits with country code. */
export function normalizePhone(text, defaultCountry) {
  assertReady("normalizePhone()");
  return glue.normalizePhone(text, defaultCountry);
}

/**
 * The engine's catalogue (its `catalogue` op, generated into ./catalogue.js at build time: the
 * sentences stay out of the web .wasm). Every code's Indonesian and English sentence with its
 * arguments, each provider kind's credential fields (secret or public), and the defaults.
 * Needs no `init()`.
 */
export function catalogue() {
  return CATALOGUE;
}

/**
 * The sentence of `code` in `lang` (`"id"` or `"en"`), each `{arg}` filled from `args`; `null`
 * when the catalogue has no such code.
 * @param {string} code
 * @param {"id" | "en"} lang
 * @param {Record<string, unknown>} [args]
 */
export function sentence(code, lang, args = {}) {
  const entry = CATALOGUE.codes[code];
  if (!entry) return null;
  return entry[lang].replace(/\{(\w+)\}/g, (m, name) => (args[name] ?? "") === "" ? m : String(args[name]));
}

/** Template validation errors and Meta lint issues. */
export function lintTemplate(template) {
  assertReady("lintTemplate()");
  return glue.lintTemplate(template);
}

/** Lint of a provider profile at `nowMs` (a Meta profile's Graph API version). */
export function lintProfile(provider, nowMs) {
  assertReady("lintProfile()");
  return glue.lintProfile(provider, nowMs);
}

/** The engine's version. */
export function version() {
  assertReady("version()");
  return glue.version();
}

/** Route Rust panics to `console.error` (only in builds with the `panic-hook` feature). */
export function initLogging() {
  assertReady("initLogging()");
  glue.initLogging();
}
