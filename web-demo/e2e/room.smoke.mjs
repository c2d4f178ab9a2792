#!/usr/bin/env node
// End-to-end check of the room against a real Janus with janus.plugin.interview, Redis and the
// interview service (which serves dist/ with a config.json pointing at that Janus):
//   node e2e/room.smoke.mjs http://127.0.0.1:8090 <admin key file>
// Two tabs (applicant, recruiter) edit one document; the recruiter ends the interview.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.argv[2] ?? 'http://127.0.0.1:8090';
const adminKey = readFileSync(process.argv[3] ?? 'admin.key', 'utf8').trim();
const shots = process.env.SCREENSHOTS ?? '';
let passed = 0, failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const res = await fetch(`${base}/v1/interviews`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({ title: 'Room check', start: new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z'), duration_minutes: 30, applicant: { name: 'Ada Applicant' }, recruiters: [{ name: 'Rita Recruiter' }], observers: [{ name: 'Olivia Observer' }] }),
});
const iv = await res.json();
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'room-')), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
});
const errors = [];
const open = async (p) => {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/interview/${iv.id}#token=${p.token}`);
  await page.getByRole('button', { name: 'Join interview' }).click();
  await page.getByText('All changes saved').waitFor({ timeout: 20000 });
  return page;
};
const value = async (page) => (await page.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');

const ada = await open(iv.participants[0]);
const rita = await open(iv.participants[1]);
check('both join and load the document over the data channel', true);
await ada.locator('.view-lines').click();
await ada.keyboard.type('def solve(xs):\n    return sorted(xs)  # 😀\n');
let ok = false;
for (let i = 0; i < 50 && !ok; i++) { await sleep(100); ok = (await value(rita)).includes('return sorted(xs)'); }
check("Ada's typing reaches Rita through the plugin", ok, JSON.stringify(await value(rita)));
await rita.locator('.view-lines').click();
await rita.keyboard.press('Control+End');
await rita.keyboard.type('print(solve([3, 1, 2]))');
ok = false;
for (let i = 0; i < 50 && !ok; i++) { await sleep(100); ok = (await value(ada)).includes('print(solve'); }
check("Rita's typing reaches Ada", ok);
const tilesAda = await ada.locator('.tile:not(.self) figcaption').allTextContents();
check('Ada sees a tile for Rita (name and role)', tilesAda.some((t) => t.includes('Rita Recruiter') && /recruiter/i.test(t)), JSON.stringify(tilesAda));
await rita.locator('select').first().selectOption('javascript');
await sleep(1000);
check('the language change reaches Ada', (await ada.locator('select').first().inputValue()) === 'javascript');
if (shots) await ada.screenshot({ path: join(shots, 'room-ada.png') });
const olivia = await open(iv.participants[2]);
check('the observer has no self view and cannot edit', (await olivia.locator('.tile.self').count()) === 0 && /observing/i.test(await olivia.locator('.editor-pane').innerText()) && (await value(olivia)).includes('print(solve'));
await olivia.locator('.view-lines').click();
await olivia.keyboard.type('zzz');
await sleep(500);
check("the observer's typing changes nothing", !(await value(olivia)).includes('zzz') && !(await value(ada)).includes('zzz'));
await rita.getByRole('button', { name: 'End interview' }).click();
await rita.getByRole('button', { name: 'End now' }).click();
ok = false;
for (let i = 0; i < 50 && !ok; i++) { await sleep(100); ok = /read-only/.test(await ada.locator('.editor-pane').innerText()); }
check('ending the interview makes Ada read-only', ok);
if (shots) await ada.screenshot({ path: join(shots, 'room-ended.png') });
check('no page errors', errors.length === 0, errors.slice(0, 3).join(' | '));
await ctx.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
