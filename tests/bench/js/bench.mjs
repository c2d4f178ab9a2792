// JavaScript baselines for scripts/bench-ot.sh: replays the same editing traces through
//   - ot.js (npm "ot"): ot.Server.receiveOperation, i.e. the reference OT authority: transform
//     over concurrent ops (none here), apply to the string, append to its operation list;
//   - CodeMirror (@codemirror/state): a ChangeSet per patch applied to its Text rope;
//   - Yjs (yjs): Y.Text delete/insert per patch (each its own transaction, as crdt-benchmarks B4).
// Prints one JSON line per (engine, trace) with the median edits/s (per CPU second) of several
// runs, and checks
// that every engine reaches the trace's endContent.
// usage: node bench.mjs [--runs N] [--yjs-runs N] TRACE.json.gz...
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { basename } from 'node:path';
import ot from 'ot';
import { ChangeSet, Text } from '@codemirror/state';
import * as Y from 'yjs';

const args = process.argv.slice(2);
let runs = 7;
let yjsRuns = 3;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--yjs-runs') yjsRuns = Number(args[++i]);
  else files.push(args[i]);
}

// Process CPU time in seconds (user + system), not wall time: the machine may be shared with other
// work, and bench_ot measures the same way (CLOCK_PROCESS_CPUTIME_ID). It includes V8's helper
// threads (GC, compiler), which is work the engine needs.
function cpuNow() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function patchesOf(trace) {
  const out = [];
  for (const txn of trace.txns) for (const p of txn.patches) out.push(p);
  return out;
}

const engines = {
  'ot.js': (trace, patches) => {
    const server = new ot.Server(trace.startContent);
    const t0 = cpuNow();
    for (const [pos, del, ins] of patches) {
      const len = server.document.length;
      const op = new ot.TextOperation().retain(pos).delete(del).insert(ins).retain(len - pos - del);
      server.receiveOperation(server.operations.length, op);
    }
    const t1 = cpuNow();
    return [t1 - t0, server.document];
  },
  codemirror: (trace, patches) => {
    let doc = Text.of(trace.startContent.split('\n'));
    const t0 = cpuNow();
    for (const [pos, del, ins] of patches) {
      doc = ChangeSet.of([{ from: pos, to: pos + del, insert: ins }], doc.length).apply(doc);
    }
    const t1 = cpuNow();
    return [t1 - t0, doc.toString()];
  },
  yjs: (trace, patches) => {
    const ydoc = new Y.Doc();
    const ytext = ydoc.getText('text');
    if (trace.startContent) ytext.insert(0, trace.startContent);
    const t0 = cpuNow();
    for (const [pos, del, ins] of patches) {
      if (del > 0) ytext.delete(pos, del);
      if (ins !== '') ytext.insert(pos, ins);
    }
    const t1 = cpuNow();
    return [t1 - t0, ytext.toString()];
  },
};

let failed = false;
for (const file of files) {
  const trace = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  const patches = patchesOf(trace);
  const name = basename(file).replace(/\..*$/, '');
  for (const [engine, run] of Object.entries(engines)) {
    const n = engine === 'yjs' ? yjsRuns : runs;
    const rates = [];
    let match = true;
    for (let r = 0; r < n; r++) {
      const [seconds, text] = run(trace, patches);
      match = match && text === trace.endContent;
      rates.push(patches.length / seconds);
    }
    if (!match) failed = true;
    console.log(JSON.stringify({
      engine, trace: name, edits: patches.length, runs: n,
      median_edits_per_s: Math.round(median(rates)),
      min_edits_per_s: Math.round(Math.min(...rates)),
      max_edits_per_s: Math.round(Math.max(...rates)),
      end_content_match: match,
      rates: rates.map(Math.round),
    }));
  }
}
process.exit(failed ? 1 : 0);
