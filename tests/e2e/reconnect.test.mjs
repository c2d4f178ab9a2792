// A participant's network drops for real and comes back: the page's UDP path to Janus (its
// selected ICE candidate pair) is black-holed in the network namespace and the browser is put
// offline (no new WebSocket to Janus). The other participant keeps typing meanwhile. After the
// network is back the page reconnects by itself, catches up, and what was typed while offline
// arrives: both pages and Redis end with the same text, and audio and video flow again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  T, assertSameText, blackholeUdpPort, caretAt, clearBlackholes, describeEditor, icePort, joinRoom, launch,
  redisDocument, schedule, settle, waitForRemoteAudio, waitForRemoteVideo, waitForText,
} from './lib.mjs';

describe('reconnect after the network drops', () => {
  let iv, ada, rita, A, R;

  before(async () => {
    [iv, ada, rita] = await Promise.all([schedule({ startInMinutes: 1, title: 'Network trouble' }), launch('applicant-net'), launch('recruiter-net')]);
    A = ada.page;
    R = rita.page;
    await Promise.all([joinRoom(A, iv, iv.applicant), joinRoom(R, iv, iv.recruiter)]);
  });
  after(async () => {
    clearBlackholes();
    await Promise.all([ada?.close(), rita?.close()]);
  });

  test('edits made by the other side meanwhile appear, and edits typed while offline arrive', async () => {
    let expected = (await settle([A, R])).texts[0].shown;
    const base = '# before the drop;\n# ada writes here;\n# rita writes below;\n';
    await caretAt(R, -1);
    await R.keyboard.type(base);
    expected += base;
    await waitForText(A, expected);
    await settle([A, R]);

    // the network goes away: no UDP on its ICE path, no new connections from the browser
    const port = await icePort(A);
    blackholeUdpPort(port);
    await ada.context.setOffline(true);
    const at = expected.indexOf('\n# rita writes below;');
    await caretAt(A, at);
    // typed at once: most likely sent into the dead path (the page does not know yet)
    const inFlight = '\nin flight by ada;';
    await A.keyboard.type(inFlight);

    // the page notices and says so; the editor keeps the edits
    await A.locator('.banner').getByText(/You are offline/).waitFor({ timeout: T.reconnect });
    await A.locator('.editor-pane .sync').getByText('Offline: your edits are kept and will be sent').waitFor({ timeout: T.short });
    const offline = '\ntyped offline by ada 😀;';
    await A.keyboard.type(offline);

    // meanwhile Rita goes on, and her edits are committed
    await caretAt(R, -1);
    const meanwhile = 'typed by rita meanwhile ✓;\n';
    await R.keyboard.type(meanwhile);
    await R.waitForFunction(() => {
      const c = window.__interviewEditors[0].session.client;
      return c.state === 'synchronized';
    }, null, { timeout: T.sync });
    expected = expected.slice(0, at) + inFlight + offline + expected.slice(at) + meanwhile;
    const stored = await redisDocument(iv.id);
    assert.equal(stored.text.includes('typed by rita meanwhile ✓;'), true);
    assert.equal(stored.text.includes('offline by ada'), false, "Ada's offline edit cannot have arrived yet");
    assert.equal((await A.evaluate(() => window.__interviewEditors[0].editor.getModel().getValue())).includes('typed by rita meanwhile'), false);

    // the network comes back: the page reconnects by itself and catches up both ways
    clearBlackholes();
    await ada.context.setOffline(false);
    try {
      await A.locator('.conn').getByText('Connected').waitFor({ timeout: T.reconnect });
    } catch (e) {
      throw new Error(`${e.message}\n  applicant: ${await describeEditor(A)}`);
    }
    await Promise.all([waitForText(A, expected, T.reconnect), waitForText(R, expected, T.reconnect)]);
    const { head, texts } = await settle([A, R]);
    for (const t of texts) assertSameText(t.shown, expected, 'the editors');
    const after = await redisDocument(iv.id);
    assertSameText(after.text, expected, 'the text rebuilt from Redis');
    assert.equal(after.head, head);
    assert.equal(await A.locator('.banner').count(), 0, 'no banner once reconnected');
  });

  test('after the reconnect each sees and hears the other again (new PeerConnection, slots filled again)', async () => {
    for (const [page, other] of [[A, 'Rita Recruiter'], [R, 'Ada Applicant']]) {
      await Promise.all([waitForRemoteVideo(page, other, T.reconnect), waitForRemoteAudio(page, other, T.reconnect)]);
      assert.equal(await page.locator('.tile.remote').count(), 1);
    }
  });

  test('no page errors', () => {
    assert.deepEqual([...ada.errors, ...rita.errors], []);
  });
});
