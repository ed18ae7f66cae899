// engine.send() against the provider simulator: the global fetch transport (success, fallback
// after a refused connection, unknown after a timeout, fallback after a 5xx), a custom JS-object
// transport, and credentials never leaking into outcomes.

import {test, before, after, beforeEach} from "node:test";
import assert from "node:assert/strict";
import {createHash} from "node:crypto";
import {
  assertNoSecrets,
  closedPort,
  loadPkg,
  permitReady,
  simConfig,
  startSim,
} from "./helpers.mjs";

const pkg = await loadPkg();
let sim = null;
before(async () => {
  sim = await startSim();
});
after(() => sim.close());
beforeEach(() => sim.reset());

test("success via Meta over the global fetch", async () => {
  const engine = new pkg.Engine(simConfig(sim));
  const outcome = await engine.send(permitReady({idempotencyKey: "karo-503-0142"}));
  assert.equal(outcome.status, "sent", JSON.stringify(outcome));
  assert.equal(outcome.provider, "meta");
  assert.match(outcome.messageIds[0], /^wamid\./);
  assert.equal(outcome.idempotencyKey, "karo-503-0142");
  assert.equal(outcome.attempts.length, 1);
  assert.equal(outcome.attempts[0].classification, "accepted");
  const requests = await sim.requests();
  assert.equal(requests.length, 1);
  assert.equal(requests[0].provider, "meta");
  assert.equal(requests[0].status, 200);
});

test("a gateway send for a recipient without opt-in", async () => {
  const engine = new pkg.Engine(simConfig(sim));
  const outcome = await engine.send(permitReady({optIn: false}));
  assert.equal(outcome.status, "sent", JSON.stringify(outcome));
  assert.equal(outcome.provider, "watzap");
  assert.deepEqual(
    (await sim.requests()).map((r) => r.provider),
    ["watzap"]
  );
});

test("connection refused on Meta falls back to Watzap (nothing was sent)", async () => {
  const port = await closedPort();
  const engine = new pkg.Engine(
    simConfig(sim, {metaBaseUrl: `http://127.0.0.1:${port}/meta`})
  );
  const outcome = await engine.send(permitReady());
  assert.equal(outcome.status, "sent", JSON.stringify(outcome));
  assert.equal(outcome.provider, "watzap");
  assert.equal(outcome.attempts.length, 2);
  assert.equal(outcome.attempts[0].provider, "meta");
  assert.equal(outcome.attempts[0].classification, "provider_down");
  assert.equal(outcome.attempts[0].transportError.kind, "connect");
  assert.equal(outcome.attempts[0].transportError.maybeSent, false);
  assert.equal(outcome.attempts[1].classification, "accepted");
});

test("a timeout after the request reached Meta is unknown and never resent elsewhere", async () => {
  // The answer comes far later than timeoutMs: "unknown" (not "sent") proves the transport gave up.
  await sim.fault({provider: "meta", fault: "slow", delayMs: 10000, times: 1});
  const engine = new pkg.Engine(simConfig(sim, {timeoutMs: 300}));
  const outcome = await engine.send(permitReady());
  assert.equal(outcome.status, "unknown", JSON.stringify(outcome));
  assert.equal(outcome.provider, "meta");
  assert.equal(outcome.attempts.length, 1);
  assert.equal(outcome.attempts[0].classification, "unknown");
  assert.equal(outcome.attempts[0].transportError.kind, "timeout");
  assert.equal(outcome.attempts[0].transportError.maybeSent, true);
  const requests = await sim.requests();
  assert.deepEqual(
    requests.map((r) => r.provider),
    ["meta"],
    "nothing went to another provider"
  );
});

test("a 503 from Meta falls back to the next provider", async () => {
  await sim.fault({provider: "meta", fault: "http503", times: 1});
  const engine = new pkg.Engine(simConfig(sim));
  const outcome = await engine.send(permitReady());
  assert.equal(outcome.status, "sent", JSON.stringify(outcome));
  assert.equal(outcome.provider, "watzap");
  assert.deepEqual(
    outcome.attempts.map((a) => a.classification),
    ["provider_down", "accepted"]
  );
});

test("Meta 131026 (not on WhatsApp) fails without fallback", async () => {
  await sim.fault({provider: "meta", fault: "metaError", code: 131026, times: 1});
  const engine = new pkg.Engine(simConfig(sim));
  const outcome = await engine.send(permitReady());
  assert.equal(outcome.status, "failed", JSON.stringify(outcome));
  assert.equal(outcome.attempts.length, 1);
  assert.equal(outcome.attempts[0].classification, "rejected");
  assert.deepEqual(
    (await sim.requests()).map((r) => r.provider),
    ["meta"]
  );
});

test("Fonnte status:false (HTTP 200) is a failure read from the body", async () => {
  await sim.fault({provider: "fonnte", fault: "fonnteStatusFalse", times: 1});
  const engine = new pkg.Engine(simConfig(sim));
  const outcome = await engine.send(permitReady({forceProvider: "fonnte"}));
  assert.notEqual(outcome.status, "sent", JSON.stringify(outcome));
  assert.equal(outcome.attempts[0].provider, "fonnte");
  assert.notEqual(outcome.attempts[0].classification, "accepted");
});

test("the fetch transport delivers Fonnte's multipart body and Content-Type byte for byte", async () => {
  const engine = new pkg.Engine(simConfig(sim));
  const notification = permitReady({
    forceProvider: "fonnte",
    values: {...permitReady().values, partner_name: "Budi & Ani ✓"},
  });
  const built = engine.render(notification, "fonnte").request;
  assert.match(built.headers["Content-Type"], /^multipart\/form-data; boundary=/);
  const outcome = await engine.send(notification);
  assert.equal(outcome.status, "sent", JSON.stringify(outcome));
  const [got] = await sim.requests("fonnte");
  assert.equal(got.headers["content-type"], built.headers["Content-Type"]);
  assert.equal(got.bodyBytes, Buffer.byteLength(built.body, "utf8"));
  assert.equal(
    got.bodySha256,
    createHash("sha256").update(built.body, "utf8").digest("hex")
  );
  assert.equal(got.body.target, "6281234567890");
  assert.match(got.body.message, /^Yth\. Budi & Ani ✓, izin PBG/);
});

/** Perform a request with fetch, in the transport's answer shape. */
async function forward(request) {
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body ?? undefined,
  });
  return {
    status: res.status,
    headers: Object.fromEntries(res.headers),
    body: await res.text(),
  };
}

test("a custom JS-object transport carries every request", async () => {
  const engine = new pkg.Engine(simConfig(sim));
  const seen = [];
  const transport = {
    calls: 0,
    // `this` is the transport object (a method, not a detached function).
    async send(request) {
      this.calls += 1;
      seen.push(request);
      return forward(request);
    },
  };
  const outcome = await engine.send(permitReady({optIn: false}), {
    transport,
    now: () => 1_764_000_000_000,
  });
  assert.equal(outcome.status, "sent", JSON.stringify(outcome));
  assert.equal(outcome.provider, "watzap");
  assert.equal(transport.calls, 1);
  assert.equal(outcome.attempts[0].atMs, 1_764_000_000_000, "the injected clock");
  // The transport gets the real request (it must send it); the outcome only a masked copy.
  assert.ok(seen[0].url.startsWith(`${sim.url}/watzap/`));
  assert.ok(
    JSON.stringify(seen[0]).includes("sim-watzap-key"),
    "the transport's request carries the credential"
  );
  assertNoSecrets(JSON.stringify(outcome), "outcome");
});

test("a custom transport's rejections decide between fallback and unknown", async () => {
  const engine = new pkg.Engine(simConfig(sim));
  // Meta "refused" (certainly not sent); the rest really goes to the simulator.
  const transport = {
    send: (r) =>
      new URL(r.url).pathname.startsWith("/meta/")
        ? Promise.reject({kind: "connect", maybeSent: false, message: "refused"})
        : forward(r),
  };
  const fallback = await engine.send(permitReady(), {transport});
  assert.equal(
    fallback.attempts[0].classification,
    "provider_down",
    JSON.stringify(fallback)
  );
  assert.equal(fallback.attempts[1].provider, "watzap");

  // A plain Error may have happened after sending: unknown, no fallback.
  const calls = [];
  const unsure = {
    send: async (r) => {
      calls.push(r.url);
      throw new Error("socket hang up");
    },
  };
  const outcome = await engine.send(permitReady(), {transport: unsure});
  assert.equal(outcome.status, "unknown", JSON.stringify(outcome));
  assert.equal(calls.length, 1);
});

test("credentials never appear in outcomes, attempts or previews (every path)", async () => {
  const engine = new pkg.Engine(simConfig(sim, {timeoutMs: 300}));
  const outcomes = [];
  outcomes.push(await engine.send(permitReady()));
  outcomes.push(await engine.send(permitReady({optIn: false})));
  outcomes.push(await engine.send(permitReady({forceProvider: "fonnte"})));
  await sim.fault({provider: "meta", fault: "metaError", code: 190, times: 1});
  outcomes.push(await engine.send(permitReady()));
  await sim.fault({provider: "watzap", fault: "http500", times: 1});
  await sim.fault({provider: "fonnte", fault: "malformed", times: 1});
  outcomes.push(await engine.send(permitReady({optIn: false})));
  await sim.fault({provider: "meta", fault: "slow", delayMs: 1000, times: 1});
  outcomes.push(await engine.send(permitReady()));
  const text = JSON.stringify(outcomes);
  assertNoSecrets(text, "outcomes");
  assert.ok(outcomes.flatMap((o) => o.attempts).length >= 8);
  for (const n of [permitReady(), permitReady({optIn: false})]) {
    assertNoSecrets(JSON.stringify(engine.preview(n)), "preview");
    assertNoSecrets(JSON.stringify(engine.planBatch([n])), "planBatch");
    for (const p of ["meta", "watzap", "fonnte"])
      assertNoSecrets(JSON.stringify(engine.render(n, p)), `render ${p}`);
  }
});

test("concurrent sends on one engine", async () => {
  const engine = new pkg.Engine(simConfig(sim));
  const phones = Array.from({length: 12}, (_, i) => `0812-0000-${String(1000 + i)}`);
  const outcomes = await Promise.all(
    phones.map((phone, i) => engine.send(permitReady({phone, optIn: i % 2 === 0})))
  );
  assert.deepEqual([...new Set(outcomes.map((o) => o.status))], ["sent"]);
  assert.equal((await sim.requests()).length, 12);
});

test("a redirect from a provider is never followed: the send is unknown, nothing is resent", async () => {
  // node's fetch is asked not to follow redirects (it then skips cloning every request); the
  // provider answered, so the request reached it: maybe sent, never sent elsewhere.
  const {createServer} = await import("node:http");
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    req.resume();
    req.on("end", () => {
      res.writeHead(307, {location: `${sim.url}/watzap/api/send`});
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const engine = new pkg.Engine(
      simConfig(sim, {metaBaseUrl: `http://127.0.0.1:${server.address().port}/meta`})
    );
    const outcome = await engine.send(permitReady());
    assert.equal(outcome.status, "unknown", JSON.stringify(outcome));
    assert.equal(outcome.attempts.length, 1);
    assert.equal(outcome.attempts[0].transportError.maybeSent, true);
    assert.equal(hits.length, 1, "the redirect was not followed");
    assert.deepEqual(await sim.requests(), [], "nothing reached another provider");
  } finally {
    server.close();
  }
});
