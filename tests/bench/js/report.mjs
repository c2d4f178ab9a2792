// Turns the JSON lines of bench_ot and bench.mjs (several rounds) into the Markdown table of
// docs/PERFORMANCE.md: per trace, the median edits/s of every engine over all runs of all rounds,
// and interview-ot's ratio to each baseline.
// usage: node report.mjs RESULTS.jsonl
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map(JSON.parse);
const rates = new Map();  // trace -> engine -> [rates]
for (const l of lines) {
  if (!rates.has(l.trace)) rates.set(l.trace, new Map());
  const byEngine = rates.get(l.trace);
  if (!byEngine.has(l.engine)) byEngine.set(l.engine, []);
  byEngine.get(l.engine).push(...l.rates);
  if (!l.end_content_match) console.error(`WARNING: ${l.engine} did not reach endContent on ${l.trace}`);
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const fmt = (x) => x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`;
const engines = ['interview-ot', 'ot.js', 'codemirror', 'yjs'];
console.log('| trace | edits | interview-ot | ot.js | CodeMirror | Yjs | vs ot.js | vs CodeMirror | vs Yjs |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [trace, byEngine] of rates) {
  const m = Object.fromEntries(engines.map((e) => [e, byEngine.has(e) ? median(byEngine.get(e)) : NaN]));
  const edits = lines.find((l) => l.trace === trace).edits;
  const ratio = (e) => `${(m['interview-ot'] / m[e]).toFixed(1)}x`;
  console.log(`| ${trace} | ${edits.toLocaleString('en-US')} | ${engines.map((e) => fmt(m[e])).join(' | ')} | ` +
    `${ratio('ot.js')} | ${ratio('codemirror')} | ${ratio('yjs')} |`);
}
const first = rates.values().next().value;
console.log(`\nruns per trace (all rounds): ${engines.map((e) => `${e} ${first?.get(e)?.length ?? 0}`).join(', ')}`);
