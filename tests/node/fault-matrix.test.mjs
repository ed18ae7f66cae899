// The fault matrix (tests/fixtures/fault-matrix.json) through the node host: engine.send over the
// global fetch against the simulator. The Python host runs the same rows (tests/python).
import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {
  loadPkg,
  startSim,
  simConfig,
  permitReady,
  closedPort,
  assertNoSecrets,
} from "./helpers.mjs";

const matrix = JSON.parse(
  readFileSync(new URL("../fixtures/fault-matrix.json", import.meta.url), "utf8")
);
let pkg = null;
let sim = null;

before(async () => {
  pkg = await loadPkg();
  sim = await startSim();
});
after(() => sim.close());

for (const row of matrix.rows) {
  test(row.name, async () => {
    await sim.reset();
    if (row.fault) await sim.fault(row.fault);
    const metaBaseUrl =
      row.refused === "meta"
        ? `http://127.0.0.1:${await closedPort()}/meta`
        : undefined;
    const config = simConfig(sim, {timeoutMs: matrix.timeoutMs, metaBaseUrl});
    if (row.fallbackOrder) config.fallbackOrder = row.fallbackOrder;
    const engine = new pkg.Engine(config);
    const outcome = await engine.send(permitReady({optIn: row.optIn}));

    assert.equal(outcome.status, row.expect.status, JSON.stringify(outcome));
    assert.equal(outcome.provider, row.expect.provider);
    if (row.expect.code) assert.equal(outcome.code, row.expect.code);
    assert.deepEqual(
      outcome.attempts.map((a) => a.classification),
      row.expect.classifications
    );
    const stats = await sim.control("GET", "/_sim/stats");
    for (const [provider, count] of Object.entries(row.expect.received)) {
      assert.equal(
        stats[provider].received,
        count,
        `requests that reached ${provider}`
      );
    }
    assert.equal(stats.duplicates, 0, "no message may be delivered twice");
    assertNoSecrets(JSON.stringify(outcome), "the outcome");
  });
}
