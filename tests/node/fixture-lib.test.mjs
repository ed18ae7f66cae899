// The fixture rules themselves: a runner that passes everything would prove nothing.

import {test} from "node:test";
import assert from "node:assert/strict";
import {mergePatch, subset} from "./fixture-lib.mjs";

test("mergePatch follows RFC 7386", () => {
  const target = {a: "b", c: {d: "e", f: "g"}, list: [1, 2]};
  assert.deepEqual(mergePatch(target, {a: "z", c: {f: null}, list: [3]}), {
    a: "z",
    c: {d: "e"},
    list: [3],
  });
  assert.deepEqual(
    target,
    {a: "b", c: {d: "e", f: "g"}, list: [1, 2]},
    "the target is not modified"
  );
  assert.deepEqual(mergePatch({a: 1}, {b: {c: null}}), {a: 1, b: {}});
  assert.deepEqual(mergePatch({a: 1}, ["x"]), ["x"]);
  assert.deepEqual(mergePatch("text", {a: 1}), {a: 1});
});

test("subset: objects by listed keys, arrays by length and element", () => {
  assert.equal(subset({a: 1}, {a: 1, b: 2}), null);
  assert.equal(subset({a: {b: [1, {c: 2}]}}, {a: {b: [1, {c: 2, d: 3}], x: 0}}), null);
  assert.match(subset({a: [1]}, {a: [1, 2]}), /expect\.a: expected 1 items, got 2/);
  assert.match(subset({a: {b: 1}}, {a: {b: 2}}), /expect\.a\.b: expected 1, got 2/);
  assert.equal(subset({a: null}, {}), null, "a missing key reads as null");
  assert.match(subset({a: 1}, {}), /expect\.a/);
  assert.match(subset({a: {b: 1}}, {a: [1]}), /expect\.a/);
  assert.match(subset({a: [{x: 1}]}, {a: [{x: 2}]}), /expect\.a\[0\]\.x/);
  assert.match(subset({a: "1"}, {a: 1}), /expect\.a/, "no type coercion");
});
