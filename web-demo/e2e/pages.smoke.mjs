#!/usr/bin/env node
// Browser smoke test of the start page, the interview page (lobby) and the room shell against a
// running interview-service that serves dist/ (config.json with demoAdminKey), no Janus needed:
//   node e2e/pages.smoke.mjs http://127.0.0.1:8090 <admin key file>
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.argv[2] ?? 'http://127.0.0.1:8090';
const adminKey = readFileSync(process.argv[3] ?? 'admin.key', 'utf8').trim();
const shots = process.env.SCREENSHOTS ?? '';
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'pages-')), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
let passed = 0, failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
};
const shot = async (name) => { if (shots) await page.screenshot({ path: join(shots, `${name}.png`) }); };
const schedule = async (startInMin) => {
  const res = await fetch(`${base}/v1/interviews`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: 'Later interview', start: new Date(Date.now() + startInMin * 60000).toISOString().replace(/\.\d+Z$/, 'Z'), duration_minutes: 45, applicant: { name: 'Zoe Applicant' }, recruiters: [{ name: 'Rob Recruiter' }] }),
  });
  return res.json();
};

// 1. start page: schedule through the form
await page.goto(`${base}/`);
await page.getByLabel('Title', { exact: true }).fill('Backend engineer, round 2');
await page.getByLabel('Applicant', { exact: true }).fill('Ada Lovelace');
await page.getByLabel('Recruiter 1 name', { exact: true }).fill('Grace Hopper');
await page.getByRole('button', { name: '+ Add observer' }).click();
await page.getByLabel('Observer 1 name', { exact: true }).fill('Linus');
const soon = new Date(Date.now() + 5 * 60000);
const p = (n) => String(n).padStart(2, '0');
await page.locator('input[type=datetime-local]').fill(`${soon.getFullYear()}-${p(soon.getMonth() + 1)}-${p(soon.getDate())}T${p(soon.getHours())}:${p(soon.getMinutes())}`);
await shot('1-start');
await page.getByRole('button', { name: /Schedule and get join links/ }).click();
await page.getByRole('heading', { name: 'Interview scheduled' }).waitFor({ timeout: 10000 });
const links = await page.locator('.links input').evaluateAll((els) => els.map((e) => e.value));
check('scheduling shows one join link per participant', links.length === 3 && links.every((l) => /\/interview\/[A-Za-z0-9_-]+#token=[A-Za-z0-9_-]{43}$/.test(l)), links.join(' '));
await shot('2-links');

// 2. the applicant's lobby: open now, token scrubbed from the address bar
await page.goto(links[0]);
await page.getByRole('heading', { name: 'Backend engineer, round 2' }).waitFor();
check('the token is removed from the address bar', !(await page.evaluate(() => location.href)).includes('token'));
check('lobby shows name and role', (await page.textContent('.lobby')).includes('Ada Lovelace') && (await page.textContent('.lobby')).includes('Applicant'));
const joinBtn = page.getByRole('button', { name: 'Join interview' });
check('join is enabled inside the window', await joinBtn.isEnabled());
await page.reload();
await page.getByRole('heading', { name: 'Backend engineer, round 2' }).waitFor();
check('a reload keeps the tab token (sessionStorage)', await joinBtn.isEnabled());
await shot('3-lobby-open');

// 3. too early: disabled, with the reason
const later = await schedule(120);
await page.goto(`${base}/interview/${later.id}#token=${later.participants[0].token}`);
await page.getByRole('heading', { name: 'Later interview' }).waitFor();
const reason = await page.textContent('#join-reason');
check('join is disabled before opens_at, with the reason', !(await joinBtn.isEnabled()) && /Joining opens at .* \(in 1 h 45 min\)|Joining opens at .* \(in 1 h 4\d min\)/.test(reason), reason);
await shot('4-lobby-early');

// 4. bad links
const cases = [
  [`${base}/interview/${later.id}#token=${'A'.repeat(43)}`, 'This link is not valid'],
  [`${base}/interview/${later.id}`, 'This link is incomplete'],
  [`${base}/interview/nosuchinterview123#token=${later.participants[0].token}`, 'Interview not found'],
  [`${base}/interview/${later.id}#token=${links[0].split('#token=')[1]}`, 'This link is for another interview'],
];
for (const [url, text] of cases) {
  if (!url.includes('#')) {
    // a fresh tab: nothing in its sessionStorage
    const fresh = await ctx.newPage();
    await fresh.goto(url);
    await fresh.getByRole('heading', { name: text }).waitFor({ timeout: 5000 }).then(() => check(`bad link: ${text}`, true), () => check(`bad link: ${text}`, false));
    await fresh.close();
    continue;
  }
  await page.goto(url);
  await page.getByRole('heading', { name: text }).waitFor({ timeout: 5000 }).then(() => check(`bad link: ${text}`, true), () => check(`bad link: ${text}`, false));
}
await shot('5-invalid');

// 5. revoked and cancelled
await fetch(`${base}/v1/interviews/${later.id}/participants/${later.participants[1].id}/revoke`, { method: 'POST', headers: { Authorization: `Bearer ${adminKey}` } });
await page.goto(`${base}/interview/${later.id}#token=${later.participants[1].token}`);
await page.getByRole('heading', { name: 'Access withdrawn' }).waitFor({ timeout: 5000 }).then(() => check('revoked token', true), () => check('revoked token', false));
await fetch(`${base}/v1/interviews/${later.id}/cancel`, { method: 'POST', headers: { Authorization: `Bearer ${adminKey}` } });
await page.goto(`${base}/interview/${later.id}#token=${later.participants[0].token}`);
await page.getByText('This interview was cancelled.').waitFor({ timeout: 5000 }).then(() => check('cancelled interview', true), () => check('cancelled interview', false));

// 6. the room shell: connected when a Janus with the plugin answers at config.json's janusUrl,
// otherwise it must say that it is reconnecting (and not crash)
await page.goto(links[1]);
await joinBtn.click();
await page.locator('.room').waitFor();
await page.waitForFunction(() => /Connected|Reconnecting/.test(document.querySelector('.conn')?.textContent ?? ''), null, { timeout: 20000 }).catch(() => undefined);
const conn = await page.locator('.conn').textContent();
const banner = (await page.locator('.banner').allTextContents()).join(' ');
check('room is connected, or shows an offline/reconnecting banner without Janus', conn === 'Connected' || (/Reconnecting/.test(conn) && /offline/i.test(banner)), `${conn} | ${banner}`);
check('recruiter sees End interview', await page.getByRole('button', { name: 'End interview' }).count() === 1);
check('self view tile exists', await page.locator('.tile.self').count() === 1);
await page.waitForTimeout(1500);
await shot('6-room');
await page.setViewportSize({ width: 420, height: 900 });
await page.waitForTimeout(500);
await shot('7-room-narrow');
check('no page errors', errors.length === 0, errors.slice(0, 3).join(' | '));
await ctx.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
