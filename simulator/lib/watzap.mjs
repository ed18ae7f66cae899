// Watzap.id stand-in (providers.md §B): JSON bodies, credentials in the body, string status codes.
//
// The HTTP status of Watzap failures is NOT CONFIRMED (providers.md §B.1): the documented code table
// only names the body `status` values. The simulator answers failures with HTTP 200 and the code in
// the body, the variant that a client checking only `response.ok` would get wrong.

const ok = (message, extra = {}) => ({
  status: 200,
  body: {status: "200", message, ack: "successfully", ...extra},
});
const fail = (code, message, http = 200) => ({
  status: http,
  body: {status: code, message},
});

// A body that is not JSON at all is a client bug rather than a credential problem, so it gets a
// 400 with the documented "Fatal Error" code instead of a misleading 1002.
function parsed(ctx) {
  if (ctx.bodyError) return fail("1005", `Fatal Error: ${ctx.bodyError}`, 400);
  return null;
}

/** 1002 for a wrong account key, 1003 for a wrong number key, in that order. */
function checkKeys(ctx, apiKey) {
  const {watzap} = ctx.creds;
  if (apiKey !== watzap.apiKey) return fail("1002", "Invalid API Key");
  if (ctx.body?.number_key !== watzap.numberKey)
    return fail("1003", "Invalid Number Key");
  return null;
}

const validPhone = (p) => typeof p === "string" && /^\d{8,15}$/.test(p);

function sendMessage(ctx) {
  const b = ctx.body ?? {};
  const denied = parsed(ctx) ?? checkKeys(ctx, b.api_key);
  if (denied) return denied;
  if (!validPhone(b.phone_no))
    return fail("1006", "phone_no is required (digits, e.g. 628xxxx)");
  if (typeof b.message !== "string" || b.message === "")
    return fail("1006", "message is required");
  return {...ok("Successfully"), accepted: [{to: b.phone_no, text: b.message}]};
}

function checkingKey(ctx) {
  const b = ctx.body ?? {};
  const denied = parsed(ctx);
  if (denied) return denied;
  // Watzap's own docs spell the field both ways (providers.md §B.2).
  if ((b.api_key ?? b["api-key"]) !== ctx.creds.watzap.apiKey)
    return fail("1002", "Invalid API Key");
  return {
    status: 200,
    body: {
      data: {
        id: 1,
        name: "DPMPTSP Simulator",
        email: "simulator@example.invalid",
        expires_on: "2099-12-31 23:59:59",
        plan: "Simulator",
        total_legacy_licenses: 1,
        licenses_key: [
          {
            id: 1,
            key: ctx.creds.watzap.numberKey,
            plan: "Simulator",
            active_from: "2025-01-01 00:00:00",
            active_until: "2099-12-31 23:59:59",
            limit_message_per_day: 0,
            expires_on: "2099-12-31 23:59:59",
            limit_domain: 0,
            wa_number: "6281200000002",
            is_connected: true,
          },
        ],
      },
      status: true, // boolean on this endpoint only, as documented
      message: "Successfully",
    },
  };
}

function validateNumber(ctx) {
  const b = ctx.body ?? {};
  const denied = parsed(ctx) ?? checkKeys(ctx, b.api_key);
  if (denied) return denied;
  if (!validPhone(b.phone_no))
    return fail("1006", "phone_no is required (digits, e.g. 628xxxx)");
  // The negative shape is NOT CONFIRMED (providers.md §B.2).
  if (ctx.unregistered.has(b.phone_no))
    return {
      status: 200,
      body: {status: "1006", message: "Invalid WhatsApp Number", ack: "failed"},
    };
  return ok("Valid WhatsApp Number");
}

const ROUTES = {
  "/send_message": {kind: "send", handle: sendMessage},
  "/checking_key": {kind: "health", handle: checkingKey},
  "/validate_number": {kind: "validate", handle: validateNumber},
};

/** Route a path below `/watzap`; every Watzap endpoint is a POST. */
export function route(method, path) {
  const r = ROUTES[path.replace(/\/$/, "")];
  if (!r) return null;
  return method === "POST" ? r : {allow: ["POST"]};
}
