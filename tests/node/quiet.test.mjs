// Quiet hours through engine.send(): a non-urgent message at night in the recipient's zone comes
// back `deferred` with the time it may leave, and the transport is never called; an urgent
// template and a daytime send go out. A recording transport and a fixed clock (no simulator).

import {test} from "node:test";
import assert from "node:assert/strict";
import {loadPkg, permitReady} from "./helpers.mjs";

const pkg = await loadPkg();

// 2026-12-07 13:30 UTC: 20:30 WIB, 21:30 WITA, 22:30 WIT.
const NOW = Date.UTC(2026, 11, 7, 13, 30);

function config({
  urgent = false,
  quietHours = {start: "21:00", end: "06:00", holidays: ["2026-12-25"]},
} = {}) {
  return {
    quietHours,
    providers: [
      {
        id: "fonnte",
        kind: "fonnte",
        state: "configured",
        credentials: {token: "fonnte-test-token"},
      },
    ],
    templates: [
      {
        code: "permit_ready",
        urgent,
        appendOptInLink: false,
        body: "Yth. {{partner_name}}, izin {{permit_type}} nomor {{permit_number}} telah terbit di {{office_name}}.",
      },
    ],
  };
}

function recorder() {
  const sent = [];
  return {
    sent,
    transport: {
      async send(request) {
        sent.push(request);
        return {
          status: 200,
          headers: {},
          body: JSON.stringify({status: true, id: ["1"], process: "pending"}),
        };
      },
    },
  };
}

const to = (timeZone, extra = {}) => {
  const n = permitReady({optIn: false, idempotencyKey: "db:7"});
  n.recipient = {...n.recipient, timeZone, ...extra};
  return n;
};

test("engine.send defers a WITA recipient at 21:30 until 06:00 WITA, before any request", async () => {
  const engine = new pkg.Engine(config());
  const {sent, transport} = recorder();
  const outcome = await engine.send(to("Asia/Makassar"), {transport, now: () => NOW});
  assert.equal(outcome.status, "deferred", JSON.stringify(outcome));
  assert.equal(outcome.code, "quiet.hours");
  assert.equal(outcome.retryAtMs, Date.UTC(2026, 11, 7, 22, 0)); // 06:00 WITA on the 8th
  assert.equal(outcome.provider, null);
  assert.deepEqual(outcome.attempts, []);
  assert.equal(outcome.idempotencyKey, "db:7");
  assert.deepEqual(
    outcome.trace.map((s) => s.code),
    ["quiet.zone", "quiet.hours", "quiet.wait"]
  );
  assert.match(outcome.message, /2026-12-08 06:00 WITA/);
  assert.equal(sent.length, 0, "nothing may leave during quiet hours");
});

test("the same instant is 20:30 in WIB: sent now", async () => {
  const engine = new pkg.Engine(config());
  const {sent, transport} = recorder();
  const outcome = await engine.send(to("Asia/Jakarta"), {transport, now: () => NOW});
  assert.equal(outcome.status, "sent", JSON.stringify(outcome));
  assert.equal(sent.length, 1);
  assert.equal(
    outcome.trace,
    undefined,
    "no quiet trace on a message that did not wait"
  );
});

test("an urgent template is sent at night; without quietHours nothing waits", async () => {
  for (const cfg of [config({urgent: true}), config({quietHours: null})]) {
    const {sent, transport} = recorder();
    const outcome = await new pkg.Engine(cfg).send(to("Asia/Jayapura"), {
      transport,
      now: () => NOW,
    });
    assert.equal(outcome.status, "sent", JSON.stringify(outcome));
    assert.equal(sent.length, 1);
  }
});

test("quietHours op: the window a host shows, with a host offset for a zone the engine does not know", () => {
  const engine = new pkg.Engine(config());
  const w = engine.call("quietHours", {
    notification: to("Europe/Berlin", {utcOffsetMinutes: 60}),
    nowMs: Date.UTC(2026, 11, 7, 21, 0),
  });
  assert.equal(w.code, "quiet.hours");
  assert.deepEqual([w.zone, w.label, w.offsetMinutes], ["Europe/Berlin", "UTC+1", 60]);
  assert.equal(w.nowLocal, "2026-12-07 22:00");
  assert.equal(w.atLocal, "2026-12-08 06:00");
  assert.equal(w.atMs, Date.UTC(2026, 11, 8, 5, 0));
  assert.throws(
    () => new pkg.Engine(config({quietHours: {start: "9pm"}})),
    (e) => e.code === "config.invalid"
  );
});
