// Audio and video with three people: an observer (who sends nothing and is shown to nobody) sees
// and hears the applicant and the recruiter; a publisher who leaves loses their tile everywhere
// and gets it back, playing, when they join again (the plugin gives the freed slots out again,
// without any renegotiation). Each participant in their own Chromium with a fake camera.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, joinRoom, launch, schedule, sdpLines, tileState, waitForRemoteAudio, waitForRemoteVideo } from './lib.mjs';

describe('audio and video with an observer, a publisher leaving and coming back', () => {
  let iv, ada, rita, olga, A, R, O;

  before(async () => {
    [iv, ada, rita, olga] = await Promise.all([
      schedule({ startInMinutes: 1, title: 'Three in a room', observers: 1 }), launch('applicant-av'), launch('recruiter-av'), launch('observer-av'),
    ]);
    [A, R, O] = [ada.page, rita.page, olga.page];
    const observer = iv.participants.find((p) => p.role === 'observer');
    await Promise.all([joinRoom(A, iv, iv.applicant), joinRoom(R, iv, iv.recruiter), joinRoom(O, iv, observer)]);
  });
  after(async () => {
    await Promise.all([ada?.close(), rita?.close(), olga?.close()]);
  });

  test('the observer offers receive slots only, and sees and hears both publishers', async () => {
    const { offer, answer } = await sdpLines(O);
    const dirs = (lines, kind) => lines.filter(([k]) => k === kind).map(([, d, port]) => `${d}${port ? '' : ' rejected'}`);
    assert.deepEqual(dirs(offer, 'audio'), ['recvonly', 'recvonly', 'recvonly']);
    assert.deepEqual(dirs(offer, 'video'), ['recvonly', 'recvonly', 'recvonly']);
    assert.deepEqual(dirs(answer, 'video'), ['sendonly', 'sendonly', 'sendonly']);
    assert.equal(await O.locator('.tile.self').count(), 0, 'no self view');
    for (const name of ['Ada Applicant', 'Rita Recruiter']) {
      await Promise.all([waitForRemoteVideo(O, name), waitForRemoteAudio(O, name)]);
    }
    assert.equal(await O.locator('.tile.remote').count(), 2);
  });

  test('the publishers see each other, and the observer only as a name', async () => {
    for (const [page, other] of [[A, 'Rita Recruiter'], [R, 'Ada Applicant']]) {
      await waitForRemoteVideo(page, other);
      assert.equal(await page.locator('.tile.remote').count(), 1, 'no tile for the observer');
      await page.locator('.watchers').getByText('Olga Observer 1').waitFor();
    }
  });

  test('a publisher who leaves loses the tile everywhere; after joining again it plays again', async () => {
    await A.getByRole('button', { name: 'Leave' }).click();
    for (const page of [R, O]) {
      await page.waitForFunction(() => ![...document.querySelectorAll('.tile.remote .name')].some((n) => n.textContent === 'Ada Applicant'), null, { timeout: T.sync });
    }
    await waitForRemoteVideo(O, 'Rita Recruiter');
    await joinRoom(A, iv, iv.applicant);
    for (const page of [R, O]) await Promise.all([waitForRemoteVideo(page, 'Ada Applicant'), waitForRemoteAudio(page, 'Ada Applicant')]);
    await waitForRemoteVideo(A, 'Rita Recruiter');
    assert.deepEqual(await tileState(O, 'Ada Applicant'), { audio: 'on', video: 'on', videoShown: true, role: 'Applicant', flags: [] });
  });

  test('no page errors', () => {
    assert.deepEqual([...ada.errors, ...rita.errors, ...olga.errors], []);
  });
});

describe('a participant without camera and microphone', () => {
  let iv, ada, rita, A, R;

  before(async () => {
    [iv, ada, rita] = await Promise.all([
      schedule({ startInMinutes: 1, title: 'No camera here' }), launch('applicant-nodevices', { devices: false }), launch('recruiter-nodevices'),
    ]);
    [A, R] = [ada.page, rita.page];
    await Promise.all([joinRoom(A, iv, iv.applicant), joinRoom(R, iv, iv.recruiter)]);
  });
  after(async () => {
    await Promise.all([ada?.close(), rita?.close()]);
  });

  test('still takes part: sees and hears the other, is shown by name, and the editor works', async () => {
    await A.locator('.banner').getByText(/camera or microphone/i).waitFor();
    const { offer } = await sdpLines(A);
    assert.equal(offer.filter(([, dir]) => dir === 'sendonly' || dir === 'sendrecv').length, 0, 'nothing to send');
    await Promise.all([waitForRemoteVideo(A, 'Rita Recruiter'), waitForRemoteAudio(A, 'Rita Recruiter')]);
    // Rita sees Ada's tile without video (Ada publishes nothing)
    await R.locator('.tile.remote .name').getByText('Ada Applicant').waitFor();
    assert.deepEqual(await tileState(R, 'Ada Applicant'), { audio: 'none', video: 'none', videoShown: false, role: 'Applicant', flags: [] });
    await A.locator('.view-lines').click();
    await A.keyboard.type('typed without a camera;');
    await R.waitForFunction(() => window.__interviewEditors[0].editor.getModel().getValue().includes('typed without a camera;'), null, { timeout: T.sync });
  });

  test('no page errors', () => {
    assert.deepEqual([...ada.errors, ...rita.errors], []);
  });
});
