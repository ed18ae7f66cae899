// Mutable state of one simulator instance: recorded requests, armed faults, delivery counters.
// Kept apart from the HTTP code so tests that embed the simulator can read and drive it directly.

export const PROVIDERS = ["meta", "watzap", "fonnte"];
export const FAULTS = [
  "http500",
  "http503",
  "http429",
  "slow",
  "drop",
  "malformed",
  "fonnteStatusFalse",
  "metaError",
];
/** Endpoint kinds a fault can target; `send` is the default. */
export const ENDPOINTS = ["send", "health", "validate", "templates", "any"];

// Oldest records are dropped beyond this, so a long demo session cannot grow without bound.
const MAX_RECORDS = 10_000;
// Arrival times kept per provider (a pacing bench sends a few hundred; a long session is capped).
const MAX_ARRIVALS = 100_000;

/** Digits only, national trunk 0 → 62, so `0812…`, `+62 812…` and `62812…` count as one recipient. */
export function normalizeRecipient(to) {
  const digits = String(to ?? "").replace(/\D/g, "");
  return digits.startsWith("0") ? `62${digits.slice(1)}` : digits;
}

export class SimState {
  constructor() {
    this.requests = [];
    this.faults = [];
    this.seq = {
      request: 0,
      fault: 0,
      wamid: 0,
      fonnteId: 100_000_000,
      fonnteRequest: 500_000_000,
    };
    this.clearStats();
  }

  // --- recorder -------------------------------------------------------------------------------

  /** Store an already redacted record; returns it so the caller can fill in the outcome later. */
  record(entry) {
    const rec = {id: ++this.seq.request, ...entry};
    this.requests.push(rec);
    if (this.requests.length > MAX_RECORDS)
      this.requests.splice(0, this.requests.length - MAX_RECORDS);
    return rec;
  }

  listRequests(provider) {
    return provider
      ? this.requests.filter((r) => r.provider === provider)
      : this.requests.slice();
  }

  /** Forget recorded requests and the delivery counters derived from the same traffic. */
  clearRequests() {
    this.requests = [];
    this.clearStats();
  }

  // --- faults ---------------------------------------------------------------------------------

  /**
   * Validate and arm a fault. Faults queue in arrival order; the first live one matching a request
   * applies, so `{times: 1}` faults can be chained into a scripted sequence.
   * @throws {Error} with a message fit for a 400 answer
   */
  addFault(spec) {
    if (!spec || typeof spec !== "object")
      throw new Error("fault must be a JSON object");
    const {provider, fault} = spec;
    if (!PROVIDERS.includes(provider))
      throw new Error(`provider must be one of ${PROVIDERS.join(", ")}`);
    if (!FAULTS.includes(fault))
      throw new Error(`fault must be one of ${FAULTS.join(", ")}`);
    if (fault === "metaError" && provider !== "meta")
      throw new Error("metaError applies to provider meta only");
    if (fault === "fonnteStatusFalse" && provider !== "fonnte") {
      throw new Error("fonnteStatusFalse applies to provider fonnte only");
    }
    const endpoint = spec.endpoint ?? "send";
    if (!ENDPOINTS.includes(endpoint))
      throw new Error(`endpoint must be one of ${ENDPOINTS.join(", ")}`);
    const times = spec.times ?? null;
    if (times !== null && !(Number.isInteger(times) && times > 0))
      throw new Error("times must be a positive integer");
    const delayMs = spec.delayMs ?? 5000;
    if (!(Number.isInteger(delayMs) && delayMs >= 0 && delayMs <= 600_000)) {
      throw new Error("delayMs must be an integer between 0 and 600000");
    }
    const code = spec.code ?? (fault === "metaError" ? 131026 : null);
    if (code !== null && !Number.isInteger(code))
      throw new Error("code must be an integer");
    if (spec.reason !== undefined && typeof spec.reason !== "string")
      throw new Error("reason must be a string");
    const armed = {
      id: ++this.seq.fault,
      provider,
      fault,
      endpoint,
      times,
      remaining: times,
      delayMs,
      code,
      reason: spec.reason ?? null,
      applied: 0,
    };
    this.faults.push(armed);
    return armed;
  }

  /** The fault to apply to this request, if any; consumes one of its `times`. */
  takeFault(provider, endpoint) {
    const f = this.faults.find(
      (x) =>
        x.provider === provider && (x.endpoint === endpoint || x.endpoint === "any")
    );
    if (!f) return null;
    f.applied += 1;
    if (f.remaining !== null && --f.remaining <= 0)
      this.faults.splice(this.faults.indexOf(f), 1);
    return {...f};
  }

  clearFaults(provider) {
    this.faults = provider ? this.faults.filter((f) => f.provider !== provider) : [];
  }

  // --- delivery statistics --------------------------------------------------------------------

  clearStats() {
    this.counts = Object.fromEntries(
      PROVIDERS.map((p) => [p, {received: 0, accepted: 0, ambiguous: 0}])
    );
    this.deliveries = new Map(); // "recipient\u0000text" → {to, text, count, providers}
    this.arrivals = Object.fromEntries(PROVIDERS.map((p) => [p, []])); // ms since the epoch, sub-ms
  }

  /**
   * A send request reached the provider at `atMs` (ms since the epoch, high resolution): the
   * arrival times let a bench measure the spacing a rate-limited sender achieved.
   */
  countReceived(provider, atMs = performance.timeOrigin + performance.now()) {
    this.counts[provider].received += 1;
    const times = this.arrivals[provider];
    if (times.length < MAX_ARRIVALS) times.push(atMs);
  }

  /** Each provider's send arrival times in order, with the gaps between them (ms). */
  arrivalTimes(provider) {
    const one = (p) => {
      const times = this.arrivals[p];
      return {
        count: times.length,
        times: times.slice(),
        gaps: times.slice(1).map((t, i) => t - times[i]),
      };
    };
    return provider
      ? {[provider]: one(provider)}
      : Object.fromEntries(PROVIDERS.map((p) => [p, one(p)]));
  }

  /**
   * The provider took a send request for delivery. `ambiguous` marks the fault cases where the
   * client got no usable answer (slow, drop, malformed) although the message may well go out.
   * @param {{to: string, text: string}[]} messages one per recipient
   */
  countAccepted(provider, messages, ambiguous = false) {
    this.counts[provider].accepted += 1;
    if (ambiguous) this.counts[provider].ambiguous += 1;
    for (const {to, text} of messages) {
      const key = `${normalizeRecipient(to)}\u0000${text}`;
      const d = this.deliveries.get(key) ?? {
        to: normalizeRecipient(to),
        text,
        count: 0,
        providers: [],
      };
      d.count += 1;
      d.providers.push(provider);
      this.deliveries.set(key, d);
    }
  }

  /** Per-provider counters plus the recipient+text pairs accepted more than once (any provider). */
  stats() {
    const duplicatePairs = [...this.deliveries.values()].filter((d) => d.count > 1);
    return {
      ...structuredClone(this.counts),
      duplicates: duplicatePairs.length,
      duplicatePairs,
    };
  }
}
