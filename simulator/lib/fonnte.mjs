// Fonnte stand-in (providers.md §A): raw `Authorization: <token>` header, multipart/form-data (what
// Fonnte's docs post and the engine sends), form-urlencoded or JSON bodies, and HTTP 200 on every
// answer — the boolean `status` in the body is the only verdict.

const fail = (reason) => ({status: 200, body: {reason, status: false}});

// Exact match on purpose: Fonnte takes the raw token, so a client that sends `Bearer <token>`
// has a bug the simulator should surface.
const authorized = (ctx) => ctx.headers.authorization === ctx.creds.fonnte.token;

/**
 * Split a `target` list: comma-separated entries, each `number|name|var1|…`. Numbers are
 * normalised the way Fonnte does with `countryCode` (leading 0 replaced, unless countryCode is 0).
 * @returns {{number: string, vars: string[]}[]} the valid entries only
 */
function targets(raw, countryCode) {
  const cc =
    countryCode === undefined || countryCode === "" ? "62" : String(countryCode);
  return String(raw ?? "")
    .split(",")
    .map((entry) => {
      const [num, ...vars] = entry.split("|");
      let digits = num
        .trim()
        .replace(/[\s().-]/g, "")
        .replace(/^\+/, "");
      if (digits.startsWith("0") && cc !== "0") digits = cc + digits.slice(1);
      return {number: digits, vars};
    })
    .filter((t) => /^\d{8,15}$/.test(t.number));
}

/** `{name}`, `{var1}`, `{var2}`… filled from the target entry, as Fonnte does. */
function personalise(message, vars) {
  return message.replace(/\{(name|var\d+)\}/g, (whole, key) => {
    const i = key === "name" ? 0 : Number(key.slice(3));
    return vars[i] !== undefined ? vars[i] : whole;
  });
}

function send(ctx) {
  if (!authorized(ctx)) return fail("invalid token"); // wording of a real /send answer (§A.4)
  if (ctx.bodyError) return fail(`invalid request body: ${ctx.bodyError}`);
  const b = ctx.body ?? {};
  const list = targets(b.target, b.countryCode);
  if (list.length === 0) return fail("target invalid");
  const message = typeof b.message === "string" ? b.message : "";
  const ids = list.map(() => ++ctx.state.seq.fonnteId);
  return {
    status: 200,
    body: {
      detail: "success! message in queue",
      id: ids,
      process: "pending",
      requestid: ++ctx.state.seq.fonnteRequest,
      status: true,
      target: list.map((t) => t.number),
    },
    accepted: list.map((t) => ({to: t.number, text: personalise(message, t.vars)})),
  };
}

function device(ctx) {
  if (!authorized(ctx)) return fail("token invalid"); // wording of the /device docs (§A.6)
  return {
    status: 200,
    body: {
      device: "6281200000003",
      device_status: "connect",
      expired: "31 December 2099",
      messages: ctx.state.counts.fonnte.accepted,
      name: "DPMPTSP Simulator",
      package: "Simulator",
      quota: "1000",
      status: true,
    },
  };
}

function validate(ctx) {
  if (!authorized(ctx)) return fail("token invalid");
  if (ctx.bodyError) return fail(`invalid request body: ${ctx.bodyError}`);
  const b = ctx.body ?? {};
  if (b.target === undefined || String(b.target).trim() === "")
    return fail("target required");
  const list = targets(b.target, b.countryCode);
  if (list.length === 0) return fail("target invalid");
  const numbers = list.map((t) => t.number);
  return {
    status: 200,
    body: {
      not_registered: numbers.filter((n) => ctx.unregistered.has(n)),
      registered: numbers.filter((n) => !ctx.unregistered.has(n)),
      status: true,
    },
  };
}

const ROUTES = {
  "/send": {kind: "send", handle: send},
  "/device": {kind: "health", handle: device},
  "/validate": {kind: "validate", handle: validate},
};

/** Route a path below `/fonnte`; Fonnte's API is POST throughout. */
export function route(method, path) {
  const r = ROUTES[path.replace(/\/$/, "")];
  if (!r) return null;
  return method === "POST" ? r : {allow: ["POST"]};
}
