// Chromium against the composed stack (run by tests/compose/test_stack.py, inside its network
// namespace): two browsers load the page from the web container, schedule nothing themselves
// but join an interview scheduled through the web container's /v1/ proxy, connect to Janus's
// published WebSocket and media ports, type at once, and each sees the other's text. Helpers
// from tests/e2e/lib.mjs; every wait is an event or a bounded waitForFunction.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { assertSameText, caretAt, joinRoom, launch, schedule, screenshot, selectedCandidates, settle, waitForContains } from '../e2e/lib.mjs';

// Janus advertises 127.0.0.1 (JANUS_PUBLIC_IP, tests/compose/test_stack.py); Chromium gathers
// loopback candidates only with this switch, and would otherwise reach the container directly
// over the namespace's bridge instead of through the published ports.
const LOOPBACK = ['--allow-loopback-in-peer-connection'];

describe('Chromium and the composed stack', () => {
  let iv, ada, rita;

  before(async () => {
    [iv, ada, rita] = await Promise.all([
      schedule({ startInMinutes: 0, title: 'Compose browser interview' }),
      launch('compose-applicant', { args: LOOPBACK }),
      launch('compose-recruiter', { args: LOOPBACK }),
    ]);
    // For the log scan at the end of test_stack.py: no container may log these.
    appendFileSync(process.env.COMPOSE_TOKENS_FILE, iv.participants.map((p) => p.token).join('\n') + '\n');
  });
  after(async () => {
    await Promise.all([ada?.close(), rita?.close()]);
  });

  test('both join from the page the web container serves, through the published ports, and edit together', async () => {
    const A = ada.page;
    const R = rita.page;
    await Promise.all([joinRoom(A, iv, iv.applicant), joinRoom(R, iv, iv.recruiter)]);
    for (const page of [A, R]) {
      await page.locator('.conn').getByText('Connected').waitFor();
      const { address, port } = (await selectedCandidates(page)).remote;
      assert.equal(address, '127.0.0.1', 'media through JANUS_PUBLIC_IP, not the container');
      assert.ok(port >= 20000 && port <= 20099, `media port ${port} outside the published range`);
    }
    // One after the other, so that each text arrives whole (typed at once into an empty
    // document, the two would interleave; the aiortc peers test concurrency).
    await caretAt(A, 0);
    await A.keyboard.type('ada was here;');
    await waitForContains(R, 'ada was here;');
    await caretAt(R, -1);
    await R.keyboard.type(' rita too');
    await waitForContains(A, 'ada was here; rita too');
    const { texts } = await settle([A, R]);
    assertSameText(texts[0].shown, texts[1].shown, 'both editors');
    await screenshot(A, 'compose-applicant');
  });
});
