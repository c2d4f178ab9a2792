// The start page in a real browser against the real service (demo mode: config.json holds the
// admin key): scheduling through the form gives one personal link per participant; "New link"
// replaces someone's link (the old one stops working at once); a recruiter or observer added
// later gets a link of their own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, screenshot } from './lib.mjs';

const links = (page) => page.locator('.links input').evaluateAll((els) => els.map((e) => e.value));

/** What the service says about a join link's token: the HTTP status of GET /me. */
async function meStatus(link) {
  const [, interviewId, token] = /\/interview\/([^#]+)#token=(.+)$/.exec(link);
  const res = await fetch(`${BASE}/v1/interviews/${interviewId}/me`, { headers: { Authorization: `Bearer ${token}` } });
  return res.status;
}

describe('start page', () => {
  let browser;
  let page;
  let scheduled; // the links shown right after scheduling

  before(async () => {
    browser = await launch('start');
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
  });

  test('an interview that would already be over is refused at the form, before any request', async () => {
    await page.goto(`${BASE}/`);
    let posted = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/v1/interviews')) posted++;
    });
    await page.getByLabel('Title', { exact: true }).fill('Too late');
    await page.getByLabel('Applicant', { exact: true }).fill('Ada Lovelace');
    await page.getByLabel('Recruiter 1 name', { exact: true }).fill('Grace Hopper');
    await page.getByLabel(/^Start/).fill('2020-01-01T10:00');
    await page.getByRole('button', { name: 'Schedule and get join links' }).click();
    await page.getByRole('alert').filter({ hasText: 'end in the past' }).waitFor();
    assert.equal(posted, 0, 'a request was sent for an interview already over');
    assert.equal(await page.getByLabel(/^Start/).getAttribute('aria-invalid'), 'true');
  });

  test("the service's refusal of a field is shown at that field, in words", async () => {
    await page.goto(`${BASE}/`);
    await page.getByLabel('Title', { exact: true }).fill('   ');  // passes `required`, not the service
    await page.getByLabel('Applicant', { exact: true }).fill('Ada Lovelace');
    await page.getByLabel('Recruiter 1 name', { exact: true }).fill('Grace Hopper');
    await page.getByRole('button', { name: 'Schedule and get join links' }).click();
    const title = page.getByLabel('Title', { exact: true });
    await page.waitForFunction(() => document.querySelector('input[aria-invalid="true"]') !== null, null, { timeout: 10_000 });
    assert.equal(await title.getAttribute('aria-invalid'), 'true');
    const message = await page.locator(`#${await title.getAttribute('aria-describedby')}`).innerText();
    assert.ok(message.length > 3 && !/invalid_field|field '/.test(message), message);
  });

  test('scheduling through the form shows one personal join link per participant', async () => {
    await page.goto(`${BASE}/`);
    await page.getByLabel('Title', { exact: true }).fill('Backend engineer, round 2');
    await page.getByLabel('Applicant', { exact: true }).fill('Ada Lovelace');
    await page.getByLabel('Recruiter 1 name', { exact: true }).fill('Grace Hopper');
    await page.getByRole('button', { name: 'Schedule and get join links' }).click();
    await page.getByRole('heading', { name: 'Interview scheduled' }).waitFor();
    scheduled = await links(page);
    assert.equal(scheduled.length, 2);
    for (const link of scheduled) {
      assert.match(link, /\/interview\/[A-Za-z0-9_-]+#token=[A-Za-z0-9_-]{43}$/);
      assert.equal(await meStatus(link), 200, link);
    }
  });

  test('a new link replaces the old one, which stops working at once', async () => {
    await page.getByRole('button', { name: 'New link for Ada Lovelace' }).click();
    await page.getByRole('status').filter({ hasText: 'New link for Ada Lovelace. The previous one no longer works.' }).waitFor();
    const now = await links(page);
    assert.equal(now.length, 2);
    assert.notEqual(now[0], scheduled[0]);
    assert.equal(now[1], scheduled[1], "the recruiter's link is untouched");
    assert.equal(await meStatus(now[0]), 200);
    assert.equal(await meStatus(scheduled[0]), 401);
  });

  test('an observer added later gets a link of their own, in role order', async () => {
    await page.getByLabel('Role of the participant to add').selectOption('observer');
    await page.getByLabel('Name of the participant to add').fill('Barbara Liskov');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Observer Barbara Liskov added.' }).waitFor();
    const now = await links(page);
    assert.equal(now.length, 3);
    assert.match(await page.locator('.links li').nth(2).textContent(), /Observer\s*Barbara Liskov/);
    assert.equal(await meStatus(now[2]), 200);
    assert.equal(await page.getByLabel('Name of the participant to add').inputValue(), '');
    await screenshot(page, 'start-links-changed');
  });

  test('a refused change says why and changes nothing', async () => {
    // 10 participants at most: seven more observers fit, the eighth is refused.
    for (let i = 0; i < 7; i++) {
      await page.getByLabel('Name of the participant to add').fill(`Observer ${i + 2}`);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByRole('status').filter({ hasText: `Observer Observer ${i + 2} added.` }).waitFor();
    }
    await page.getByLabel('Name of the participant to add').fill('One too many');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'too_many_participants' }).waitFor();
    assert.equal((await links(page)).length, 10);
  });

  test('no page errors', () => {
    assert.deepEqual(browser.errors, []);
  });
});
