#!/usr/bin/env node
// Browser smoke test of the collaborative editor on /lab (two editors, in-page authority), in
// Debian's headless Chromium through playwright-core. Not part of `npm test` (needs a browser):
//   npm run build && npx vite preview --port 4173 &   then   node e2e/lab.smoke.mjs [url]
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const url = process.argv[2] ?? 'http://127.0.0.1:4173/lab';
const shot = process.env.SCREENSHOT ?? '';
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'lab-')), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
const requests = [];
page.on('request', (r) => requests.push(r.url()));

let passed = 0, failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const values = () => page.evaluate(() => ({
  a: window.__interviewEditors[0].editor.getModel().getValue(),
  b: window.__interviewEditors[1].editor.getModel().getValue(),
  server: window.lab.server.auth.doc,
}));
const settle = async () => {
  for (let i = 0; i < 60; i++) {
    const v = await values();
    if (v.a === v.server && v.b === v.server) return v;
    await sleep(100);
  }
  return values();
};
const focus = async (i, offset) => page.evaluate(([i, offset]) => {
  const { editor } = window.__interviewEditors[i];
  const m = editor.getModel();
  const o = offset < 0 ? m.getValueLength() + 1 + offset : offset;
  editor.setPosition(m.getPositionAt(o));
  editor.focus();
}, [i, offset]);

await page.goto(url);
await page.waitForFunction(() => window.__interviewEditors?.length === 2 && window.__interviewEditors.every((e) => e.editor.getModel().getValueLength() > 0), null, { timeout: 30000 });
let v = await settle();
check('both editors load the snapshot (2 parts)', v.a === v.server && v.b === v.server && v.a.includes('fizzbuzz'));

await focus(0, -1);
await page.keyboard.type('# hello from Ada\n');
v = await settle();
check('typing in A reaches B', v.b.includes('# hello from Ada\n'), JSON.stringify(v.b.slice(-40)));

const canUndoB = await page.evaluate(() => window.__interviewEditors[1].editor.getModel().canUndo());
check("remote edits stay out of B's Monaco undo stack (applyEdits)", canUndoB === false);

// own-edits-only undo: A types, B types elsewhere, A undoes
await focus(0, 0);
await page.keyboard.type('XYZ');
await sleep(700);
await focus(1, -1);
await page.keyboard.type('rita');
await settle();
await focus(0, 3);
await page.keyboard.press('Control+z');
v = await settle();
check("A's undo removes only A's typing", !v.a.includes('XYZ') && v.a.includes('rita'), JSON.stringify(v.a.slice(0, 20)));
await page.keyboard.press('Control+Shift+z');
v = await settle();
check("A's redo brings it back", v.a.startsWith('XYZ') && v.a.includes('rita'));

// multi-cursor typing: one event with several changes
await page.evaluate(() => {
  const { editor } = window.__interviewEditors[1];
  const m = editor.getModel();
  const sel = (line) => ({ selectionStartLineNumber: line, selectionStartColumn: 1, positionLineNumber: line, positionColumn: 1 });
  editor.setSelections([sel(2), sel(3), sel(4)]);
  editor.focus();
  void m;
});
await page.keyboard.type('>>');
v = await settle();
const lines = v.a.split('\n');
check('multi-cursor typing in B converges in A', lines[1].startsWith('>>') && lines[2].startsWith('>>') && lines[3].startsWith('>>'), JSON.stringify(lines.slice(0, 4)));

// emoji, CJK, CRLF paste
await focus(0, -1);
await page.keyboard.type('😀你好');
await page.evaluate(() => window.__interviewEditors[0].editor.trigger('keyboard', 'paste', { text: 'line1\r\nline2\r\n' }));
v = await settle();
check('emoji/CJK and a CRLF paste converge, LF only', v.a === v.server && v.b === v.server && v.server.includes('😀你好line1\nline2\n') && !v.server.includes('\r'));

// a large paste (over the 60,000-byte message limit) arrives whole
const big = 'const x = "😀 long line of code";\n'.repeat(4000);
await page.evaluate((t) => window.__interviewEditors[1].editor.trigger('keyboard', 'paste', { text: t }), big);
v = await settle();
const maxSent = await page.evaluate(() => Math.max(...window.lab.b.sent.map((m) => new TextEncoder().encode(JSON.stringify(m)).length)));
check('a 150 KB paste is split under 60,000 bytes per message and converges', v.a === v.server && v.server.includes(big) && maxSent <= 60000, `max=${maxSent}`);

// offline, concurrent edits, reconnect with catch-up and resend
await page.evaluate(() => window.lab.b.setOnline(false));
await focus(1, 0);
await page.keyboard.type('offline-B ');
await focus(0, -1);
await page.keyboard.type('online-A');
await sleep(300);
await page.evaluate(() => window.lab.b.setOnline(true));
v = await settle();
check('offline edits are kept, resent and merged after reconnect', v.a === v.server && v.b === v.server && v.server.includes('offline-B ') && v.server.includes('online-A'));

// remote caret decorations
await focus(1, 5);
let carets = 0;
for (let i = 0; i < 30 && carets === 0; i++) {
  await sleep(100);
  // the model's decorations: the DOM only holds the visible lines
  carets = await page.evaluate(() => window.__interviewEditors[0].editor.getModel().getAllDecorations().filter((d) => (d.options.beforeContentClassName ?? '').startsWith('rc ')).length);
}
check("B's caret is drawn in A", carets >= 1, await page.evaluate(() => {
  const s = window.__interviewEditors[0].session;
  const sb = window.__interviewEditors[1].session;
  return JSON.stringify({ carets: [...s.carets.values()].map((c) => [c.revision, c.cursor]), revA: s.client.revision, stateB: sb.client.state, onlineB: sb.online, catchB: sb.catchingUp, lastB: window.lab.b.sent.filter((m) => m.type === 'presence').slice(-1) });
}));

// shared language
await page.locator('[data-testid=editor-b] select').selectOption('javascript');
await sleep(500);
const langA = await page.evaluate(() => window.__interviewEditors[0].editor.getModel().getLanguageId());
check('language change reaches the other editor', langA === 'javascript', langA);

const external = requests.filter((u) => !u.startsWith('http://127.0.0.1:4173/') && !u.startsWith('data:') && !u.startsWith('blob:'));
check('no request leaves the origin (Monaco bundled, no CDN)', external.length === 0, external.slice(0, 3).join(' '));
check('no page errors', errors.length === 0, errors.slice(0, 3).join(' | '));
if (shot) await page.screenshot({ path: shot });
await ctx.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
