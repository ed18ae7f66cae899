// What each injected fault answers. `slow` and `drop` are about timing and the socket, so the
// server handles those itself; everything here is a reply that replaces the provider's own.

import {metaError, metaErrorFor} from "./meta.mjs";

/** Faults after which the message may still go out: the client just cannot tell. */
export const AMBIGUOUS = new Set(["slow", "drop", "malformed"]);

/** Faults that answer instead of the provider (the message is not taken). */
export const REPLACING = new Set([
  "http500",
  "http503",
  "http429",
  "fonnteStatusFalse",
  "metaError",
]);

// The gateways sit behind ordinary web servers, whose error pages are HTML; clients must cope
// with a non-JSON body on 5xx and 429.
const page = (status, title) =>
  `<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>`;
const html = {"content-type": "text/html; charset=utf-8"};

/**
 * The reply for a replacing fault, or for `malformed`.
 * @returns {{status: number, body: object|string, headers?: object}}
 */
export function faultReply(provider, f) {
  const isMeta = provider === "meta";
  switch (f.fault) {
    case "http500":
      return isMeta
        ? metaError(
            500,
            131000,
            "(#131000) Something went wrong",
            f.reason ?? "Simulated server error"
          )
        : {status: 500, body: page(500, "Internal Server Error"), headers: html};
    case "http503":
      return isMeta
        ? metaError(
            503,
            131016,
            "(#131016) Service unavailable",
            f.reason ?? "Simulated outage"
          )
        : {status: 503, body: page(503, "Service Unavailable"), headers: html};
    case "http429": {
      const r = isMeta
        ? metaError(
            429,
            4,
            "(#4) Application request limit reached",
            f.reason ?? "Simulated throttling"
          )
        : {status: 429, body: page(429, "Too Many Requests"), headers: html};
      return {...r, headers: {...r.headers, "retry-after": "1"}};
    }
    case "malformed":
      return {
        status: 200,
        body: '{"status": tru',
        headers: {"content-type": "application/json; charset=utf-8"},
      };
    case "fonnteStatusFalse":
      return {
        status: 200,
        body: {status: false, reason: f.reason ?? "device disconnected"},
      };
    case "metaError":
      return metaErrorFor(f.code, f.reason ?? undefined);
    default:
      throw new Error(`no reply for fault ${f.fault}`);
  }
}
