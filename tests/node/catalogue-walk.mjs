// The rules every host's catalogue test follows (node, the page; Python and Odoo repeat them in
// a few lines): a code is an engine code when its family is one of the catalogue's families and
// its name is a plain identifier (`route.fallback`; not a provider's `meta.131026`, not
// `transport.timeout`); its sentences must exist in Indonesian and English and name only its
// declared arguments; a trace step or an error must give every argument its sentence names
// (`provider` from the step's own field).

const ARG = /\{(\w+)\}/g;
const PLAIN = /^[a-z][a-z_]*$/;

/** The families of the catalogue's codes (`route`, `template`…). */
function families(catalogue) {
  return new Set(Object.keys(catalogue.codes).map((c) => c.split(".")[0]));
}

/** Whether `code` has the shape of an engine code of the catalogue's families. */
export function isEngineCode(code, catalogue) {
  if (typeof code !== "string") return false;
  const parts = code.split(".");
  return (
    parts.length === 2 && families(catalogue).has(parts[0]) && PLAIN.test(parts[1])
  );
}

/** The argument names a sentence uses. */
export function sentenceArgs(text) {
  return [...text.matchAll(ARG)].map((m) => m[1]);
}

/** Every problem of the catalogue's own entries, as sentences for a failing assertion. */
export function missingSentences(catalogue) {
  const problems = [];
  for (const [code, entry] of Object.entries(catalogue.codes)) {
    for (const lang of ["id", "en"]) {
      const text = entry[lang];
      if (typeof text !== "string" || !text.trim()) {
        problems.push(`${code}: no ${lang} sentence`);
        continue;
      }
      for (const name of sentenceArgs(text)) {
        if (!entry.args.includes(name))
          problems.push(`${code} (${lang}): {${name}} is not among its arguments`);
      }
    }
  }
  return problems;
}

/** Every engine-shaped `code` value anywhere in `value` (a fixture's cases). */
export function engineCodesIn(value, catalogue, found = new Set()) {
  if (Array.isArray(value)) for (const v of value) engineCodesIn(v, catalogue, found);
  else if (value && typeof value === "object") {
    if (isEngineCode(value.code, catalogue)) found.add(value.code);
    for (const v of Object.values(value)) engineCodesIn(v, catalogue, found);
  }
  return found;
}

/** The trace steps (any `trace` array) and errors (any `error` object) of an answer. */
export function stepsAndErrors(value, out = []) {
  if (Array.isArray(value)) for (const v of value) stepsAndErrors(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "trace" && Array.isArray(v)) out.push(...v.filter((s) => s?.code));
      else if (
        k === "error" &&
        v &&
        typeof v.code === "string" &&
        !v.code.startsWith("fixture.")
      )
        out.push(v);
      stepsAndErrors(v, out);
    }
  }
  return out;
}

/** Null when `item` (a step or an error) can be written from the catalogue, else why not. */
export function codeProblems(item, catalogue) {
  if (!isEngineCode(item.code, catalogue)) return null; // a provider's own code
  const entry = catalogue.codes[item.code];
  if (!entry) return `${item.code} has no sentence in the catalogue`;
  for (const lang of ["id", "en"]) {
    for (const name of sentenceArgs(entry[lang])) {
      const given =
        name === "provider"
          ? (item.provider ?? item.args?.provider)
          : item.args?.[name];
      if (given === undefined || given === null || given === "")
        return `${item.code} lacks {${name}} (${lang}): ${JSON.stringify(item)}`;
    }
  }
  return null;
}
