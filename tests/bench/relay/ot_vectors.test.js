// The OT conformance vectors (tests/data/ot-vectors/, see its README): the relay benchmark's copy
// of the algorithm (peers.js) gives every answer the C++ engine gave. peers.js has no cursor
// transform, so cursor.json is not run here. scripts/test.sh runs it:
//   node --test tests/bench/relay/ot_vectors.test.js
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { applyOp, compose, transform } = require("./peers.js");

function load(kind) {
  const file = path.join(__dirname, "../../data/ot-vectors", `${kind}.json`);
  const { cases } = JSON.parse(fs.readFileSync(file, "utf8"));
  assert.ok(cases.length > 0, `${file} has no cases`);
  return cases;
}

// An error case must throw; any other case must give exactly the stored answer.
function run(kind, compute) {
  const failures = [];
  for (const c of load(kind)) {
    let got;
    try {
      got = compute(c);
    } catch (e) {
      if (c.error === undefined) failures.push(`${c.name}: unexpected error ${e.message}`);
      continue;
    }
    if (c.error !== undefined) {
      failures.push(`${c.name}: expected ${c.error}, got ${JSON.stringify(got)}`);
      continue;
    }
    const want = Object.fromEntries(Object.keys(got).map((k) => [k, c[k]]));
    try {
      assert.deepStrictEqual(got, want);
    } catch {
      failures.push(`${c.name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  }
  assert.deepStrictEqual(failures, [], `${failures.length} ${kind} case(s) disagree`);
}

test("OT vectors: apply", () => {
  run("apply", (c) => ({ result: applyOp(c.op, c.doc) }));
});

test("OT vectors: compose", () => {
  run("compose", (c) => ({ ab: compose(c.a, c.b) }));
});

test("OT vectors: transform", () => {
  run("transform", (c) => {
    const [aPrime, bPrime] = transform(c.a, c.b);
    return { a_prime: aPrime, b_prime: bPrime };
  });
});
