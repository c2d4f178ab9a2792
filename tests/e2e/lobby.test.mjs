// The interview page (lobby) in a real browser against the real service: when Join is allowed,
// what an invalid link says, and that the token leaves the address bar.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, joinUrl, launch, schedule, screenshot } from './lib.mjs';

describe('interview page', () => {
  let browser;
  let soon; // starts in 10 minutes: open (the room opens 15 minutes before the start)
  let later; // starts in 20 minutes: opens in 5 minutes

  before(async () => {
    [browser, soon, later] = await Promise.all([
      launch('lobby'),
      schedule({ startInMinutes: 10, title: 'Starts in ten minutes' }),
      schedule({ startInMinutes: 20, title: 'Starts in twenty minutes' }),
    ]);
  });
  after(async () => {
    await browser?.close();
  });

  const fresh = () => browser.context.newPage(); // a new tab: its own sessionStorage

  test('Join is disabled 20 minutes before the start, and says when it opens', async () => {
    const page = await fresh();
    await page.goto(joinUrl(later, later.applicant));
    await page.getByRole('heading', { name: 'Starts in twenty minutes' }).waitFor();
    const join = page.getByRole('button', { name: 'Join interview' });
    assert.equal(await join.isDisabled(), true);
    // the button points at its reason (aria-describedby), which names the time and the wait
    assert.equal(await join.getAttribute('aria-describedby'), 'join-reason');
    const reason = (await page.locator('#join-reason').textContent()).trim();
    assert.match(reason, /^Joining opens at .+ \(in [45] min\)$/, reason);
    assert.match(await page.locator('.countdown').textContent(), /^Starts in (19|20) min$/);
    await screenshot(page, 'lobby-too-early');
    await page.close();
  });

  test('Join is enabled 10 minutes before the start', async () => {
    const page = await fresh();
    await page.goto(joinUrl(soon, soon.recruiter));
    await page.getByRole('heading', { name: 'Starts in ten minutes' }).waitFor();
    const join = page.getByRole('button', { name: 'Join interview' });
    assert.equal(await join.isEnabled(), true);
    assert.match(await page.locator('.countdown').textContent(), /^Starts in (9|10) min$/);
    assert.match(await page.locator('.lobby').textContent(), /Rita Recruiter\s*Recruiter/);
    assert.equal((await page.locator('#join-reason').textContent()).includes('Joining opens'), false);
    await screenshot(page, 'lobby-open');
    await page.close();
  });

  test('the token is removed from the address bar after load, and a reload still works', async () => {
    const page = await fresh();
    await page.goto(joinUrl(soon, soon.applicant));
    await page.getByRole('heading', { name: 'Starts in ten minutes' }).waitFor();
    const href = await page.evaluate(() => location.href);
    assert.equal(href, `${BASE}/interview/${soon.id}`);
    assert.equal(href.includes(soon.applicant.token), false);
    assert.equal(page.url().includes('token'), false);
    // nor is it left in the session history entry
    assert.equal(await page.evaluate(() => location.hash), '');
    await page.reload();
    await page.getByRole('heading', { name: 'Starts in ten minutes' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Join interview' }).isEnabled(), true);
    await page.close();
  });

  const invalid = [
    {
      name: 'a well-formed but wrong token',
      url: () => `${BASE}/interview/${soon.id}#token=${'A'.repeat(43)}`,
      title: 'This link is not valid',
      text: /incomplete, mistyped or no longer valid/,
    },
    {
      name: 'an unknown interview',
      url: () => `${BASE}/interview/NoSuchInterview0000000#token=${soon.applicant.token}`,
      title: 'Interview not found',
      text: /no interview at this address/,
    },
    {
      name: 'a token of another interview',
      url: () => `${BASE}/interview/${later.id}#token=${soon.applicant.token}`,
      title: 'This link is for another interview',
      text: /belongs to a different interview/,
    },
    {
      name: 'a malformed fragment (token cut short)',
      url: () => `${BASE}/interview/${soon.id}#token=${soon.applicant.token.slice(0, 10)}`,
      title: 'This link is incomplete',
      text: /damaged or cut short/,
    },
    {
      name: 'a malformed fragment (no token=)',
      url: () => `${BASE}/interview/${soon.id}#${soon.applicant.token}`,
      title: 'This link is incomplete',
      text: /damaged or cut short/,
    },
    {
      name: 'no fragment at all',
      url: () => `${BASE}/interview/${soon.id}`,
      title: 'This link is incomplete',
      text: /damaged or cut short/,
    },
  ];
  for (const c of invalid) {
    test(`an invalid link shows a clear error: ${c.name}`, async () => {
      const page = await fresh();
      await page.goto(c.url());
      const alert = page.getByRole('alert');
      await alert.getByRole('heading', { name: c.title, exact: true }).waitFor();
      assert.match(await alert.textContent(), c.text);
      assert.equal(await page.getByRole('button', { name: 'Join interview' }).count(), 0);
      assert.equal(page.url().includes('token'), false, 'the token must leave the address bar');
      if (c.title === 'This link is not valid') await screenshot(page, 'lobby-invalid-link');
      await page.close();
    });
  }

  test('no page errors', () => {
    assert.deepEqual(browser.errors, []);
  });
});
