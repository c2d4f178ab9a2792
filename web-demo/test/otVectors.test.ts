// The OT conformance vectors (tests/data/ot-vectors/, see its README): the web client's copy of
// the algorithm (src/ot/operation.ts) gives every answer the C++ engine gave.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  apply, compose, OTError, transform, transformPosition, type Op,
} from '../src/ot/operation';

interface Case {
  name: string;
  doc?: string;
  op?: Op;
  a?: Op;
  b?: Op;
  pos?: number;
  own?: boolean;
  result?: string | number;
  ab?: Op;
  a_prime?: Op;
  b_prime?: Op;
  error?: string;
}

function load(kind: string): Case[] {
  const url = new URL(`../../tests/data/ot-vectors/${kind}.json`, import.meta.url);
  const cases = (JSON.parse(readFileSync(url, 'utf8')) as { cases: Case[] }).cases;
  expect(cases.length).toBeGreaterThan(0);
  return cases;
}

// An error case must throw the module's OTError; any other case must give exactly the answer
// (soft: a failure lists every case that disagrees).
function check(c: Case, run: () => object, want: object): void {
  if (c.error !== undefined) {
    expect.soft(run, `${c.name}: expected ${c.error}`).toThrow(OTError);
    return;
  }
  let got: unknown;
  try {
    got = run();
  } catch (e) {
    got = { threw: String(e) };
  }
  expect.soft(got, c.name).toEqual(want);
}

describe('OT conformance vectors', () => {
  it('apply', () => {
    for (const c of load('apply')) {
      check(c, () => ({ result: apply(c.doc!, c.op!) }), { result: c.result });
    }
  });
  it('compose', () => {
    for (const c of load('compose')) {
      check(c, () => ({ ab: compose(c.a!, c.b!) }), { ab: c.ab });
    }
  });
  it('transform', () => {
    for (const c of load('transform')) {
      check(c, () => {
        const [aPrime, bPrime] = transform(c.a!, c.b!);
        return { a_prime: aPrime, b_prime: bPrime };
      }, { a_prime: c.a_prime, b_prime: c.b_prime });
    }
  });
  it('cursor', () => {
    for (const c of load('cursor')) {
      check(c, () => ({ result: transformPosition(c.pos!, c.op!, c.own!) }), { result: c.result });
    }
  });
});
