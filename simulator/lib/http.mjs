// HTTP plumbing for the provider simulator: body reading with a size cap, body parsing, replies
// with CORS, and the redaction that keeps secrets out of the request recorder.

/** Largest request body the simulator reads; bigger bodies get 413 (real gateways cap too). */
export const BODY_LIMIT = 1024 * 1024;
// Past this we stop draining an oversized upload and cut the connection instead.
const DRAIN_LIMIT = 8 * BODY_LIMIT;

export const REDACTED = "•••";

// Headed on every answer: the test page calls the simulator from another origin, and it must be
// able to read Retry-After on a simulated 429.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "Authorization, Content-Type",
  "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
  "access-control-expose-headers": "Retry-After",
  "access-control-max-age": "600",
};

/**
 * Read the whole body. Oversized bodies are drained (so the client gets to read the 413 instead
 * of a reset while it is still uploading) and reported as `tooLarge`.
 * @returns {Promise<{raw: Buffer, tooLarge: boolean}>}
 */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let tooLarge = Number(req.headers["content-length"]) > BODY_LIMIT;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > BODY_LIMIT) tooLarge = true;
      if (size > DRAIN_LIMIT) req.socket.destroy();
      else if (!tooLarge) chunks.push(chunk);
    });
    req.on("end", () =>
      resolve({raw: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge})
    );
    req.on("error", reject);
  });
}

/**
 * The text fields of a `multipart/form-data` body (RFC 7578): each part's `name` → its value.
 * A part with a file (`filename`) keeps its content as text; the simulator only checks fields.
 * @returns {{body: object|null, error: string|null}}
 */
export function parseMultipart(text, contentType) {
  const fail = (error) => ({body: null, error});
  const b = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!b) return fail("multipart body without a boundary parameter");
  const parts = text.split(`--${b[1] ?? b[2]}`);
  // parts[0] is the preamble; the part after the last delimiter starts with "--" (the close).
  if (parts.length < 2 || !parts[parts.length - 1].startsWith("--"))
    return fail("multipart body without its closing boundary");
  const body = {};
  for (const part of parts.slice(1, -1)) {
    if (!part.startsWith("\r\n") || !part.endsWith("\r\n"))
      return fail("multipart part not delimited by CRLF");
    const inner = part.slice(2, -2);
    const end = inner.indexOf("\r\n\r\n");
    if (end < 0) return fail("multipart part without a blank line after its headers");
    const name =
      /^content-disposition:\s*form-data\s*;(?:.*;)?\s*name="([^"]*)"/im.exec(
        inner.slice(0, end)
      );
    if (!name) return fail("multipart part without a form-data name");
    body[name[1]] = inner.slice(end + 4);
  }
  return {body, error: null};
}

/**
 * Parse a body by its content type: JSON, form-urlencoded, multipart/form-data (text fields, as
 * the engine sends Fonnte's), or (no/unknown type) whichever fits.
 * @returns {{body: object|null, error: string|null}}
 */
export function parseBody(raw, contentType = "") {
  const text = raw.toString("utf8");
  if (text.trim() === "") return {body: null, error: null};
  const type = contentType.split(";")[0].trim().toLowerCase();
  const asJson = () => {
    try {
      const value = JSON.parse(text);
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return {body: null, error: "body must be a JSON object"};
      }
      return {body: value, error: null};
    } catch (e) {
      // Not e.message: node quotes the offending text there, and it may hold a credential.
      const at = /position (\d+)/.exec(e.message);
      return {body: null, error: `invalid JSON${at ? ` at position ${at[1]}` : ""}`};
    }
  };
  const asForm = () => ({
    body: Object.fromEntries(new URLSearchParams(text)),
    error: null,
  });
  if (type === "application/json" || type.endsWith("+json")) return asJson();
  // A JSON text sent as a form (curl -d does that) is read as JSON: no real form starts with "{".
  if (type === "application/x-www-form-urlencoded")
    return /^\s*\{/.test(text) ? asJson() : asForm();
  if (type === "multipart/form-data") return parseMultipart(text, contentType);
  return /^\s*[{[]/.test(text) ? asJson() : asForm();
}

/** Write a reply (object → JSON) unless the client is already gone. Returns whether it was sent. */
export function reply(res, status, body, headers = {}) {
  if (res.destroyed || res.headersSent) return false;
  const isText = typeof body === "string";
  const payload = body === undefined ? "" : isText ? body : JSON.stringify(body);
  const type = isText ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
  res.writeHead(status, {...CORS, "content-type": type, ...headers});
  res.end(payload);
  return true;
}

/** Answer a CORS preflight. */
export function replyPreflight(res) {
  res.writeHead(204, CORS);
  res.end();
}

const SECRET_KEY =
  /^(api[_-]?key|number[_-]?key|token|access[_-]?token|password|secret|app[_-]?secret|authorization)$/i;
const SECRET_HEADER = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
]);

/** Whether a body field or query parameter name holds a credential. */
export const isSecretKey = (key) => SECRET_KEY.test(key);

/**
 * Collect every secret value a request presents (header tokens, secret body fields, secret query
 * parameters), right or wrong: a wrong token may still be someone's real token.
 */
export function presentedSecrets(headers, body, query) {
  const found = [];
  for (const name of SECRET_HEADER) {
    const value = headers[name];
    if (typeof value === "string" && value)
      found.push(value, value.replace(/^\s*\w+\s+/, ""));
  }
  const walk = (v) => {
    if (!v || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v)) {
      if (isSecretKey(k) && typeof x === "string" && x) found.push(x);
      else walk(x);
    }
  };
  walk(body);
  for (const [k, x] of query) if (isSecretKey(k) && x) found.push(x);
  return found;
}

/**
 * `redact` for many values with the same secrets: the needles are sorted once, and a string is
 * only rebuilt when it holds one (the recorder runs this on every request of a bench).
 */
function redactor(secrets) {
  const needles = [...new Set(secrets)]
    .filter((s) => typeof s === "string" && s.length >= 4)
    .sort((a, b) => b.length - a.length);
  const scrub = (s) =>
    needles.reduce(
      (acc, n) => (acc.includes(n) ? acc.split(n).join(REDACTED) : acc),
      s
    );
  const walk = (v, key) => {
    if (
      key !== undefined &&
      isSecretKey(key) &&
      v !== null &&
      v !== undefined &&
      v !== ""
    )
      return REDACTED;
    if (typeof v === "string") return scrub(v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [scrub(k), walk(x, k)])
      );
    }
    return v;
  };
  return (value) => walk(value);
}

/**
 * Deep-copy `value` with secret fields replaced by `•••`, and every occurrence of a known secret
 * string (shorter ones ignored: too likely to be ordinary text) replaced inside other strings.
 */
export function redact(value, secrets) {
  return redactor(secrets)(value);
}

/** Request headers for the recorder: credentials replaced, the auth scheme kept for debugging. */
export function redactHeaders(headers, secrets) {
  const out = {};
  const scrub = redactor(secrets);
  for (const [name, value] of Object.entries(headers)) {
    if (SECRET_HEADER.has(name)) {
      const scheme = /^\s*(Bearer|Basic)\s+/i.exec(String(value));
      out[name] = scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
    } else {
      out[name] = scrub(value);
    }
  }
  return out;
}

/** The path with secret query parameters (Graph's `access_token`, Fonnte's `token`) redacted. */
export function redactPath(pathname, query, secrets) {
  if ([...query.keys()].length === 0) return pathname;
  const q = new URLSearchParams();
  for (const [k, v] of query)
    q.append(k, isSecretKey(k) ? REDACTED : redact(v, secrets));
  return `${pathname}?${q.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED)}`;
}
