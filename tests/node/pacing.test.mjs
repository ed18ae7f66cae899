// Gateway pacing in engine.send: a provider's ratePerMinute spaces its sends (strict spacing, no
// burst), shared by the concurrent sends of one Engine. Checked against a scripted transport on
// a fake clock (the transport's own `sleep` moves it), so nothing depends on wall time; one test
// uses the real global setTimeout with lower bounds only (a loaded CI is late, never early).

import {test} from "node:test";
import assert from "node:assert/strict";
import {demoConfig, loadPkg, permitReady, startSim} from "./helpers.mjs";

const pkg = await loadPkg();
const T = 1_764_000_000_000;

const WATZAP_OK = {
  status: 200,
  headers: {"content-type": "application/json"},
  body: '{"status":"200","message":"Successfully"}',
};
const META_OK = {
  status: 200,
  headers: {"content-type": "application/json"},
  body: '{"messaging_product":"whatsapp","contacts":[{"input":"6281234567890","wa_id":"6281234567890"}],"messages":[{"id":"wamid.X"}]}',
};

/** The demo config (fake base URL) with rates per provider id. */
function pacedConfig(rates) {
  const config = demoConfig("http://127.0.0.1:9");
  for (const p of config.providers) if (p.id in rates) p.ratePerMinute = rates[p.id];
  return config;
}

/**
 * A scripted transport on a fake clock with its own timer queue: `sleep(ms)` queues a timer and
 * `run(promise)` plays them in time order — each fires only once every ready job has run, as in a
 * real event loop — until the promise settles. `late[i]` delays the i-th timer by that many ms
 * (a busy event loop).
 */
function fakeTransport({late = []} = {}) {
  const clock = {t: T};
  const sends = [];
  const sleeps = [];
  const timers = [];
  const transport = {
    async send(request) {
      const provider = new URL(request.url).pathname.split("/")[1];
      sends.push({provider, at: clock.t});
      return provider === "meta" ? META_OK : WATZAP_OK;
    },
    sleep(ms) {
      sleeps.push(ms);
      const delay = late[sleeps.length - 1] ?? 0;
      return new Promise((resolve) => timers.push({at: clock.t + ms + delay, resolve}));
    },
  };
  async function run(promise) {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true)
    );
    for (;;) {
      await new Promise((r) => setImmediate(r)); // every ready job runs first
      if (settled) return promise;
      assert.ok(timers.length, "nothing can make progress");
      timers.sort((a, b) => a.at - b.at);
      const timer = timers.shift();
      clock.t = Math.max(clock.t, timer.at);
      timer.resolve();
    }
  }
  return {clock, sends, sleeps, transport, run, now: () => clock.t};
}

test("sequential sends to a 600/min gateway leave 100 ms apart, then no burst after a pause", async () => {
  const engine = new pkg.Engine(pacedConfig({watzap: 600}));
  const f = fakeTransport();
  const opts = {transport: f.transport, now: f.now};
  for (let i = 0; i < 3; i++) {
    const outcome = await f.run(engine.send(permitReady({optIn: false}), opts));
    assert.equal(outcome.status, "sent", JSON.stringify(outcome));
  }
  assert.deepEqual(
    f.sends.map((s) => s.at - T),
    [0, 100, 200]
  );
  assert.deepEqual(f.sleeps, [100, 100]);
  // A quiet minute banks no credit: the next send goes at once, the one after it 100 ms later.
  f.clock.t += 60_000;
  await f.run(engine.send(permitReady({optIn: false}), opts));
  await f.run(engine.send(permitReady({optIn: false}), opts));
  assert.deepEqual(
    f.sends.slice(3).map((s) => s.at - T),
    [60_200, 60_300]
  );
});

test("concurrent sends on one Engine share the rate: each waits for its own slot", async () => {
  const engine = new pkg.Engine(pacedConfig({watzap: 600}));
  const f = fakeTransport();
  const outcomes = await f.run(
    Promise.all(
      Array.from({length: 5}, () =>
        engine.send(permitReady({optIn: false}), {transport: f.transport, now: f.now})
      )
    )
  );
  assert.ok(outcomes.every((o) => o.status === "sent"));
  assert.deepEqual(
    [...f.sleeps].sort((a, b) => a - b),
    [100, 200, 300, 400],
    "reserved at once, one slot each"
  );
  assert.deepEqual(
    f.sends.map((s) => s.at - T).sort((a, b) => a - b),
    [0, 100, 200, 300, 400]
  );
});

test("a timer that fires late takes a new slot (never two sends back to back)", async () => {
  const engine = new pkg.Engine(pacedConfig({watzap: 600}));
  const f = fakeTransport({late: [70, 0]}); // the first timer fires 70 ms late, the next on time
  await f.run(
    Promise.all(
      Array.from({length: 3}, () =>
        engine.send(permitReady({optIn: false}), {transport: f.transport, now: f.now})
      )
    )
  );
  // Slots T, T+100, T+200; the second wakes up 70 ms late (T+170), beyond max(3, 100 / 20) ms:
  // it takes the next free slot (T+300) instead of leaving 30 ms before the third's slot.
  assert.deepEqual(
    f.sends.map((s) => s.at - T),
    [0, 200, 300]
  );
});

test("another provider, or an unlimited one, has its own queue", async () => {
  const engine = new pkg.Engine(pacedConfig({watzap: 600, fonnte: 3000}));
  const f = fakeTransport();
  const opts = {transport: f.transport, now: f.now};
  await f.run(
    Promise.all([
      engine.send(permitReady({optIn: false}), opts), // watzap, slot 0
      engine.send(permitReady({optIn: false}), opts), // watzap, waits 100
      engine.send(permitReady({optIn: false, forceProvider: "fonnte"}), opts), // fonnte, slot 0
      engine.send(permitReady({optIn: false, forceProvider: "fonnte"}), opts), // fonnte, waits 20
      engine.send(permitReady({optIn: true}), opts), // meta, unlimited
      engine.send(permitReady({optIn: true}), opts),
    ])
  );
  assert.deepEqual(
    [...f.sleeps].sort((a, b) => a - b),
    [20, 100]
  );
  assert.deepEqual(f.sends.map((s) => s.provider).sort(), [
    "fonnte",
    "fonnte",
    "meta",
    "meta",
    "watzap",
    "watzap",
  ]);
});

test("an unlimited configuration never sleeps and its outcome is unchanged", async () => {
  const f = fakeTransport();
  const opts = {transport: f.transport, now: f.now};
  const plain = await f.run(
    new pkg.Engine(pacedConfig({})).send(permitReady({optIn: false}), opts)
  );
  const zero = await f.run(
    new pkg.Engine(pacedConfig({watzap: 0})).send(permitReady({optIn: false}), opts)
  );
  assert.deepEqual(f.sleeps, []);
  assert.deepEqual(zero, plain);
});

test("the default wait is the global setTimeout (lower bounds only)", async () => {
  const engine = new pkg.Engine(pacedConfig({watzap: 6000})); // 10 ms apart
  const sends = [];
  const transport = {
    async send() {
      sends.push(performance.now());
      return WATZAP_OK;
    },
  };
  const t0 = performance.now();
  await Promise.all(
    Array.from({length: 4}, () => engine.send(permitReady({optIn: false}), {transport}))
  );
  sends.sort((a, b) => a - b);
  // Slot i is reserved at or after t0 and never fires before i intervals; 2 ms for timer rounding.
  sends.forEach((at, i) =>
    assert.ok(at - t0 >= 10 * i - 2, `send ${i} at +${(at - t0).toFixed(1)} ms`)
  );
});

test("ratePerMinute above 60000 is refused with config.invalid naming the provider", () => {
  assert.throws(
    () => new pkg.Engine(pacedConfig({fonnte: 60_001})),
    (e) =>
      e.code === "config.invalid" &&
      /fonnte/.test(e.message) &&
      /ratePerMinute/.test(e.message)
  );
});

test("the pace op answers the decision for a host that persists nextFreeMs itself", () => {
  const engine = new pkg.Engine(pacedConfig({watzap: 600}));
  const first = engine.call("pace", {provider: "watzap", nowMs: T, nextFreeMs: null});
  assert.deepEqual(first, {
    provider: "watzap",
    action: "send",
    code: "pace.free",
    atMs: T,
    waitMs: 0,
    nextFreeMs: T + 100,
    intervalMs: 100,
    lateMs: 0,
  });
  const second = engine.call("pace", {
    provider: "watzap",
    nowMs: T + 10,
    nextFreeMs: first.nextFreeMs,
  });
  assert.equal(second.waitMs, 90);
  assert.equal(second.action, "wait");
  // Woken up 70 ms late for that slot: the engine says take a new one.
  const late = engine.call("pace", {
    provider: "watzap",
    nowMs: first.nextFreeMs + 70,
    nextFreeMs: second.nextFreeMs,
    slotAtMs: second.atMs,
  });
  assert.deepEqual([late.action, late.code, late.lateMs], ["reserve", "pace.late", 70]);
});

test("over the global fetch, the simulator sees the spacing (its recorded arrival times)", async () => {
  const sim = await startSim();
  try {
    const config = demoConfig(sim.url, {timeoutMs: 5000});
    config.providers.find((p) => p.id === "watzap").ratePerMinute = 3000; // 20 ms apart
    const engine = new pkg.Engine(config);
    const t0 = performance.timeOrigin + performance.now(); // the simulator runs in this process
    const outcomes = await Promise.all(
      Array.from({length: 4}, () => engine.send(permitReady({optIn: false})))
    );
    assert.ok(
      outcomes.every((o) => o.status === "sent"),
      JSON.stringify(outcomes)
    );
    const {watzap} = await sim.control("GET", "/_sim/arrivals?provider=watzap");
    assert.equal(watzap.count, 4);
    // Lower bounds only (a loaded machine delays requests, never advances them): at most k of
    // the slots come before t0 + k intervals, so the k-th arrival is no earlier than that.
    const sorted = [...watzap.times].sort((a, b) => a - b);
    sorted.forEach((at, k) =>
      assert.ok(at - t0 >= 20 * k - 2, `arrival ${k} at +${(at - t0).toFixed(1)} ms`)
    );
  } finally {
    await sim.close();
  }
});
