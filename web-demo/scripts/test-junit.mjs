#!/usr/bin/env node
// npm run test:junit -- <report.xml>   (or JUNIT_OUTPUT=<report.xml> npm run test:junit)
// Runs the unit tests once and writes a JUnit XML report, keeping the console output.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const out = process.argv[2] ?? process.env.JUNIT_OUTPUT;
if (!out) {
  console.error('usage: npm run test:junit -- <path/to/report.xml>  (or JUNIT_OUTPUT=...)');
  process.exit(2);
}
const file = resolve(process.env.INIT_CWD ?? process.cwd(), out);
mkdirSync(dirname(file), { recursive: true });
const r = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=junit', `--outputFile.junit=${file}`],
  { stdio: 'inherit', cwd: resolve(dirname(new URL(import.meta.url).pathname), '..') },
);
console.log(`JUnit report: ${file}`);
process.exit(r.status ?? 1);
