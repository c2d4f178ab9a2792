// Shared helpers of the browser tests (tests/e2e/*.test.mjs). The stack (Redis, the service
// serving the built web demo, Janus with the plugin) is started by tests/e2e/test_browser.py,
// which passes its addresses in the environment. Nothing here sleeps: every wait is an event,
// a Playwright auto-waiting locator or page.waitForFunction, with a bounded timeout.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { execFileSync } from 'node:child_process';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');
// playwright-core comes from the web demo's node_modules (npm ci there); never a downloaded browser
const requireFromWebDemo = createRequire(join(REPO, 'web-demo', 'package.json'));
export const { chromium } = requireFromWebDemo('playwright-core');

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through tests/e2e/test_browser.py`);
  return v;
}
export const BASE = env('E2E_BASE_URL');
export const ADMIN_KEY = readFileSync(env('E2E_ADMIN_KEY_FILE'), 'utf8').trim();
export const REDIS_PORT = Number(env('E2E_REDIS_PORT'));
export const SCREENSHOTS = env('E2E_SCREENSHOTS');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const T = { short: 10_000, join: 30_000, sync: 30_000, reconnect: 45_000 };

// ------------------------------------------------------------------ browser

const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-ui-for-media-stream',
];
/** Chromium's fake camera (a moving test pattern) and microphone (a beep). */
const FAKE_DEVICES = '--use-fake-device-for-media-stream';

/** One browser per participant (own profile, own process): like two people on two machines.
 * `devices: false` gives a browser with no camera and no microphone at all; `args` are more
 * Chromium switches (tests/compose adds one). */
export async function launch(name, { devices = true, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `e2e-${name}-`));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [...(devices ? [...ARGS, FAKE_DEVICES] : ARGS), ...args],
    timeout: 30_000,
  });
  context.setDefaultTimeout(T.short);
  await context.grantPermissions(['clipboard-read', 'clipboard-write', 'camera', 'microphone'], { origin: BASE });
  // The room exposes its editor to tests when this array exists (web-demo/src/editor/inspection.ts), and
  // every RTCPeerConnection is remembered so a test can find its network path.
  await context.addInitScript(() => {
    window.__interviewEditors = [];
    window.__pcs = [];
    // sizes (UTF-8 bytes) of every message the page sends on a data channel
    window.__dcSent = [];
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (data) {
      window.__dcSent.push(typeof data === 'string' ? new TextEncoder().encode(data).length : (data.byteLength ?? data.size));
      return send.call(this, data);
    };
    const Native = window.RTCPeerConnection;
    if (Native) {
      window.RTCPeerConnection = class extends Native {
        constructor(...a) {
          super(...a);
          window.__pcs.push(this);
        }
      };
    }
  });
  const errors = [];
  const watch = (page) => {
    page.on('pageerror', (e) => errors.push(`${name}: ${e}`));
    // the app's own warnings (e.g. a refused local edit) go to the test output, for diagnosis
    page.on('console', (m) => {
      if ((m.type() === 'error' || m.type() === 'warning') && !m.text().startsWith('Failed to load resource')) process.stderr.write(`[${name} console.${m.type()}] ${m.text()}\n`);
      // the service's Content-Security-Policy must not block anything the demo does
      if (m.text().includes('Content Security Policy')) errors.push(`${name}: CSP: ${m.text()}`);
    });
  };
  context.on('page', watch);
  context.pages().forEach(watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    name, context, page, errors,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------ service

const stamp = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export async function schedule({ startInMinutes = 1, durationMinutes = 30, title = 'Browser test interview', observers = 0 } = {}) {
  const res = await fetch(`${BASE}/v1/interviews`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      title,
      start: stamp(Date.now() + startInMinutes * 60_000),
      duration_minutes: durationMinutes,
      applicant: { name: 'Ada Applicant' },
      recruiters: [{ name: 'Rita Recruiter' }],
      observers: Array.from({ length: observers }, (_, i) => ({ name: `Olga Observer ${i + 1}` })),
    }),
    signal: AbortSignal.timeout(T.short),
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`scheduling failed: ${res.status} ${JSON.stringify(body)}`);
  const by = (role) => body.participants.find((p) => p.role === role);
  return { ...body, applicant: by('applicant'), recruiter: by('recruiter') };
}

export const joinUrl = (iv, p) => `${BASE}/interview/${iv.id}#token=${p.token}`;

// ------------------------------------------------------------------ room and editor

/** Opens the join link, joins, and waits until the document is loaded over the data channel. */
export async function joinRoom(page, iv, participant) {
  await page.goto(joinUrl(iv, participant));
  await page.getByRole('button', { name: 'Join interview' }).click({ timeout: T.short });
  await page.locator('.editor-pane .sync').getByText('All changes saved').waitFor({ timeout: T.join });
  await page.waitForFunction(() => window.__interviewEditors?.length === 1, null, { timeout: T.short });
}

/** Evaluated in the page: the room's one editor. */
export const EDITOR = '(window.__interviewEditors[0])';

export async function editorValue(page) {
  return page.evaluate(() => window.__interviewEditors[0].editor.getModel().getValue());
}

/** True in the page once nothing of ours is pending and the channel is open and caught up. */
const quietInPage = () => {
  const s = window.__interviewEditors?.[0]?.session;
  const c = s?.client;
  return Boolean(c && s.online && !s.catchingUp && c.state === 'synchronized');
};

/** Waits until every page has its edits acknowledged and all hold the same revision (the
 * server's head: each committed op was acknowledged to its author), then returns that revision
 * and the text each page shows. */
export async function settle(pages, timeout = T.sync) {
  await Promise.all(pages.map((p) => p.waitForFunction(quietInPage, null, { timeout })));
  const revs = await Promise.all(pages.map((p) => p.evaluate(() => window.__interviewEditors[0].session.client.revision)));
  const head = Math.max(...revs);
  await Promise.all(pages.map((p) => p.waitForFunction((r) => {
    const s = window.__interviewEditors[0].session;
    return s.client.revision === r && s.client.state === 'synchronized';
  }, head, { timeout })));
  const texts = await Promise.all(pages.map((p) => p.evaluate(() => {
    const { editor, session } = window.__interviewEditors[0];
    return { shown: editor.getModel().getValue(), held: session.documentText };
  })));
  return { head, texts };
}

/** assert.equal for long texts: on a mismatch, says where they differ instead of dumping both. */
export function assertSameText(actual, expected, what) {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const around = (t) => JSON.stringify(t.slice(Math.max(0, i - 60), i + 60));
  throw new Error(`${what}: texts differ at UTF-16 offset ${i} (lengths ${actual.length} vs expected ${expected.length})\n` +
    `  actual   …${around(actual)}…\n  expected …${around(expected)}…`);
}

/** Waits until the page's editor shows exactly `text`. */
export async function waitForText(page, text, timeout = T.sync) {
  try {
    await page.waitForFunction((t) => window.__interviewEditors[0].editor.getModel().getValue() === t, text, { timeout, polling: 50 });
  } catch (e) {
    const got = await editorValue(page).catch(() => '(unreadable)');
    const state = await describeEditor(page);
    try {
      assertSameText(got, text, `${e.message.split('\n')[0]}; the editor of ${new URL(page.url()).pathname}`);
    } catch (diff) {
      throw new Error(`${diff.message}\n  editor state: ${state}`);
    }
    throw e;
  }
}

/** For failure messages: where the page's editor and OT client stand. */
export async function describeEditor(page) {
  return page.evaluate(() => {
    const e = window.__interviewEditors?.[0];
    if (!e) return 'no editor';
    const s = e.session;
    const c = s.client;
    return JSON.stringify({
      url: location.pathname, shown: e.editor.getModel().getValueLength(), held: c?.doc.length,
      revision: c?.revision, state: c?.state, online: s.online, catchingUp: s.catchingUp, paused: s.paused,
      readOnly: s.readOnly, notice: s.notice, sync: document.querySelector('.editor-pane .sync')?.textContent,
      conn: document.querySelector('.conn')?.textContent, banner: document.querySelector('.banner')?.textContent,
    });
  }).catch((err) => `unreadable (${err.message})`);
}

/** Waits until the page's editor contains `part`. */
export async function waitForContains(page, part, timeout = T.sync) {
  await page.waitForFunction((t) => window.__interviewEditors[0].editor.getModel().getValue().includes(t), part, { timeout, polling: 50 });
}

/** Puts the caret of the page's editor at a UTF-16 offset (negative: from the end) and focuses it. */
export async function caretAt(page, offset) {
  await page.evaluate((offset) => {
    const { editor } = window.__interviewEditors[0];
    const m = editor.getModel();
    const o = offset < 0 ? m.getValueLength() + 1 + offset : offset;
    editor.setPosition(m.getPositionAt(o));
    editor.focus();
  }, offset);
  await page.waitForFunction(() => window.__interviewEditors[0].editor.hasTextFocus(), null, { timeout: T.short });
}

// ------------------------------------------------------------------ audio and video

let waits = 0;

/** Waits until the tile of `name` plays moving video: a frame shown (videoWidth > 0), not
 * paused, and both currentTime and the decoded frame count advancing from the first look. */
export async function waitForRemoteVideo(page, name, timeout = T.join) {
  await page.waitForFunction(({ name, id }) => {
    const tile = [...document.querySelectorAll('.tile.remote')].find((t) => t.querySelector('figcaption .name')?.textContent === name);
    const v = tile?.querySelector('video');
    if (!v || v.hidden || v.paused || v.readyState < 2 || v.videoWidth === 0) return false;
    const seen = ((window.__firstSeen ??= {})[id] ??= new Map()); // per call: measure from now
    const now = { t: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames };
    if (!seen.has(v)) {
      seen.set(v, now);
      return false;
    }
    const first = seen.get(v);
    return now.t > first.t + 0.5 && now.frames >= first.frames + 10;
  }, { name, id: ++waits }, { timeout, polling: 100 });
}

/** Waits until the tile of `name` has an <audio> playing a live track and the page's
 * PeerConnection receives audio packets (more than at the first look). */
export async function waitForRemoteAudio(page, name, timeout = T.join) {
  await page.waitForFunction(async ({ name, id }) => {
    const tile = [...document.querySelectorAll('.tile.remote')].find((t) => t.querySelector('figcaption .name')?.textContent === name);
    const a = tile?.querySelector('audio');
    const track = a?.srcObject?.getAudioTracks?.()[0];
    if (!a || a.paused || !track || track.readyState !== 'live') return false;
    let packets = 0;
    for (const pc of window.__pcs ?? []) {
      if (pc.connectionState !== 'connected') continue;
      for (const s of (await pc.getStats(track)).values()) if (s.type === 'inbound-rtp') packets += s.packetsReceived ?? 0;
    }
    const seen = ((window.__firstSeen ??= {})[id] ??= new Map());
    if (!seen.has(a)) {
      seen.set(a, { packets, t: a.currentTime });
      return false;
    }
    const first = seen.get(a);
    return packets > first.packets + 20 && a.currentTime > first.t;
  }, { name, id: ++waits }, { timeout, polling: 200 });
}

/** What the tile of `name` says about its media: data-audio / data-video and the flags shown. */
export async function tileState(page, name) {
  return page.evaluate((name) => {
    const tile = [...document.querySelectorAll('.tile.remote')].find((t) => t.querySelector('figcaption .name')?.textContent === name);
    if (!tile) return null;
    const v = tile.querySelector('video');
    return {
      audio: tile.dataset.audio, video: tile.dataset.video, videoShown: Boolean(v && !v.hidden),
      role: tile.querySelector('figcaption .role')?.textContent,
      flags: [...tile.querySelectorAll('.muted-flag')].map((f) => f.textContent),
    };
  }, name);
}

/** The m-lines of the page's PeerConnection's local offer and remote answer: [kind, direction, port]. */
export async function sdpLines(page) {
  return page.evaluate(() => {
    const pc = (window.__pcs ?? []).filter((p) => p.connectionState === 'connected').at(-1);
    const lines = (sdp) => sdp.split(/\r\n(?=m=)/).slice(1).map((m) => {
      const [, kind, port] = /^m=(\w+) (\d+)/.exec(m);
      const dir = /a=(sendrecv|sendonly|recvonly|inactive)/.exec(m)?.[1] ?? 'sendrecv';
      return [kind, kind === 'application' ? '-' : dir, Number(port)];
    });
    return pc ? { offer: lines(pc.localDescription.sdp), answer: lines(pc.remoteDescription.sdp) } : null;
  });
}

// ------------------------------------------------------------------ Redis

/** One command over RESP; replies parsed (bulk strings as Buffers). */
export function redis(...args) {
  return new Promise((resolvePromise, reject) => {
    const sock = net.createConnection({ host: '127.0.0.1', port: REDIS_PORT });
    sock.setTimeout(T.short, () => sock.destroy(new Error('redis timed out')));
    let buf = Buffer.alloc(0);
    sock.on('error', reject);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const r = parseResp(buf, 0);
      if (r) {
        sock.end();
        if (r.value instanceof Error) reject(r.value);
        else resolvePromise(r.value);
      }
    });
    const parts = [];
    for (const a of args) {
      const b = Buffer.from(String(a), 'utf8');
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    sock.write(Buffer.concat([Buffer.from(`*${args.length}\r\n`), ...parts]));
  });
}

function parseResp(buf, i) {
  const eol = buf.indexOf('\r\n', i);
  if (eol < 0) return null;
  const kind = String.fromCharCode(buf[i]);
  const line = buf.toString('utf8', i + 1, eol);
  const next = eol + 2;
  if (kind === '+') return { value: line, end: next };
  if (kind === '-') return { value: new Error(line), end: next };
  if (kind === ':') return { value: Number(line), end: next };
  if (kind === '$') {
    const n = Number(line);
    if (n < 0) return { value: null, end: next };
    if (buf.length < next + n + 2) return null;
    return { value: buf.subarray(next, next + n), end: next + n + 2 };
  }
  if (kind === '*') {
    const n = Number(line);
    if (n < 0) return { value: null, end: next };
    const items = [];
    let at = next;
    for (let k = 0; k < n; k++) {
      const r = parseResp(buf, at);
      if (!r) return null;
      items.push(r.value);
      at = r.end;
    }
    return { value: items, end: at };
  }
  throw new Error(`bad RESP at ${i}: ${JSON.stringify(buf.toString('utf8', i, Math.min(buf.length, i + 40)))}`);
}

/** Applies an ot.js operation (JSON array over UTF-16 code units) to a JS string. */
export function applyOp(text, op) {
  let out = '';
  let at = 0;
  for (const c of op) {
    if (typeof c === 'string') out += c;
    else if (c > 0) {
      if (at + c > text.length) throw new Error('retain past the end');
      out += text.slice(at, at + c);
      at += c;
    } else if (c < 0) {
      if (at - c > text.length) throw new Error('delete past the end');
      at -= c;
    } else throw new Error(`bad component ${JSON.stringify(c)}`);
  }
  if (at !== text.length) throw new Error(`base length ${at} != document length ${text.length}`);
  return out;
}

/** Rebuilds the document from what Redis holds, independently of the plugin: the snapshot text,
 * then every op of the log after `snap` (as tests/integration/test_relay.py's redis_text). */
export async function redisDocument(interviewId) {
  const flat = (await redis('HGETALL', `{iv:${interviewId}}:doc`)) ?? [];
  const doc = {};
  for (let i = 0; i < flat.length; i += 2) doc[flat[i].toString('utf8')] = flat[i + 1];
  const snap = Number(doc.snap?.toString('utf8') ?? '0');
  let text = doc.text?.toString('utf8') ?? '';
  const entries = (await redis('XRANGE', `{iv:${interviewId}}:log`, '-', '+')) ?? [];
  let applied = 0;
  for (const [id, fields] of entries) {
    const rev = Number(id.toString('utf8').split('-')[0]);
    const f = {};
    for (let i = 0; i < fields.length; i += 2) f[fields[i].toString('utf8')] = fields[i + 1].toString('utf8');
    if (rev <= snap) continue;
    text = applyOp(text, JSON.parse(f.op));
    applied++;
  }
  return { text, head: Number(doc.head?.toString('utf8') ?? '0'), snap, applied };
}

// ------------------------------------------------------------------ network

/** The page's selected ICE candidate pair, once connected: its local and remote ends
 * ({ address, port } each; remote is Janus's side of the media path). */
export async function selectedCandidates(page) {
  const handle = await page.waitForFunction(async () => {
    for (const pc of window.__pcs ?? []) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      for (const s of stats.values()) {
        if (s.type === 'transport' && s.selectedCandidatePairId) {
          const pair = stats.get(s.selectedCandidatePairId);
          const local = pair && stats.get(pair.localCandidateId);
          const remote = pair && stats.get(pair.remoteCandidateId);
          if (local?.port && remote?.port) {
            return {
              local: { address: local.address ?? local.ip, port: local.port },
              remote: { address: remote.address ?? remote.ip, port: remote.port },
            };
          }
        }
      }
    }
    return null;
  }, null, { timeout: T.short, polling: 100 });
  return handle.jsonValue();
}

/** The local UDP port of the page's selected ICE candidate pair (its path to Janus). */
export async function icePort(page) {
  return (await selectedCandidates(page)).local.port;
}

let blackholed = false;

/** Drops every UDP packet from and to `port` in this network namespace (tc on lo: redirect to
 * an ifb device that is down; this kernel has no drop action). Only inside the namespace made
 * by scripts/netns.sh (it has the device ivnet0), never on a host's own loopback. */
export function blackholeUdpPort(port) {
  try {
    execFileSync('ip', ['link', 'show', 'ivnet0'], { stdio: 'pipe' });
  } catch {
    throw new Error('not inside the network namespace of scripts/netns.sh: refusing to touch tc on lo');
  }
  try {
    execFileSync('ip', ['link', 'add', 'e2edrop0', 'type', 'ifb'], { stdio: 'pipe' });
  } catch (e) {
    if (!String(e.stderr).includes('File exists')) throw e;
  }
  try {
    execFileSync('tc', ['qdisc', 'add', 'dev', 'lo', 'clsact'], { stdio: 'pipe' });
  } catch (e) {
    if (!String(e.stderr).includes('exists')) throw e;
  }
  blackholed = true;
  for (const dir of ['sport', 'dport']) {
    execFileSync('tc', ['filter', 'add', 'dev', 'lo', 'egress', 'protocol', 'ip', 'prio', '1', 'u32',
      'match', 'ip', 'protocol', '17', '0xff', 'match', 'ip', dir, String(port), '0xffff',
      'action', 'mirred', 'egress', 'redirect', 'dev', 'e2edrop0'], { stdio: 'pipe' });
  }
}

/** Removes what blackholeUdpPort added (nothing if it added nothing). */
export function clearBlackholes() {
  if (!blackholed) return;
  execFileSync('tc', ['qdisc', 'del', 'dev', 'lo', 'clsact'], { stdio: 'pipe' });
  blackholed = false;
}

export async function screenshot(page, name) {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, timeout: T.short });
  return path;
}
