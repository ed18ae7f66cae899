// The provider simulator's control API (/_sim, simulator/index.mjs): arm faults, read counters.
// Only the page's voice to the simulator; messages themselves go through the engine's transport.

/**
 * @typedef {{received: number, accepted: number, ambiguous: number}} Counts
 * @typedef {{meta: Counts, watzap: Counts, fonnte: Counts, duplicates: number}} SimStats
 */

/** Whether a URL points at this machine's loopback (the only place live mode sends to). */
export function isLoopback(/** @type {string} */ url) {
  try {
    const {hostname, protocol} = new URL(url);
    return (
      (protocol === "http:" || protocol === "https:") &&
      ["127.0.0.1", "localhost", "[::1]"].includes(hostname)
    );
  } catch {
    return false;
  }
}

/**
 * @param {string} sim
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
async function control(sim, method, path, body) {
  const resp = await fetch(`${sim}/_sim/${path}`, {
    method,
    headers: body === undefined ? {} : {"content-type": "application/json"},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error(data.error ?? `HTTP ${resp.status}`);
  return data;
}

/**
 * Replace the simulator's armed faults with the page's toggles: one fault per provider, on its
 * send endpoint, until the next Kirim re-arms them. `slow` outlasts the provider's timeout, so it
 * shows an `unknown` outcome.
 * @param {string} sim  simulator base URL
 * @param {Record<string, string>} faults  provider kind → "" | fault | "metaError:<code>"
 * @param {Record<string, number>} timeouts  provider kind → timeout ms
 */
export async function armFaults(sim, faults, timeouts) {
  await control(sim, "DELETE", "faults");
  for (const [provider, spec] of Object.entries(faults)) {
    if (!spec) continue;
    const [fault, code] = spec.split(":");
    await control(sim, "POST", "faults", {
      provider,
      fault,
      ...(code ? {code: Number(code)} : {}),
      ...(fault === "slow"
        ? {delayMs: Math.min(600_000, (timeouts[provider] ?? 4000) + 2000)}
        : {}),
    });
  }
}

/** @returns {Promise<SimStats>} */
export function stats(/** @type {string} */ sim) {
  return control(sim, "GET", "stats");
}

/** Totals of a stats delta, over all providers. */
export function statsDelta(
  /** @type {SimStats} */ before,
  /** @type {SimStats} */ after
) {
  let received = 0;
  let accepted = 0;
  for (const p of /** @type {const} */ (["meta", "watzap", "fonnte"])) {
    received += (after[p]?.received ?? 0) - (before[p]?.received ?? 0);
    accepted += (after[p]?.accepted ?? 0) - (before[p]?.accepted ?? 0);
  }
  return {received, accepted, duplicates: after.duplicates ?? 0};
}
