// The peers of the relay benchmark, shared by the two load generators: loadgen.js (Node,
// node-datachannel or werift) and loadgen-browser.js (headless Chromium, its native WebRTC).
// Plain script: in Node it is required (and requires ../common/janus-client.js), in the browser
// it is injected into the page after janus-client.js. makeLoadGen(env) takes
//   env.RTCPeerConnection, env.WebSocket  the WebRTC and WebSocket implementations,
//   env.emit(obj)                         one result/event line to the orchestrator,
//   env.log(text)                         diagnostics,
//   env.cpuUsage, env.loopMonitor         optional (Node: process CPU, event-loop delay),
//   env.makePeer(cfg, room, k, idx, hooks) optional: the peers of another system (the peer
//                                         benchmark's Hocuspocus typists), timed through `hooks`.
//
// Two peers per room type into either
//   - janus.plugin.interview (our plugin: join with a token, `connect` with an offer carrying the
//     `interview` data channel, `hello`, then OT `op` messages; the plugin commits each op to Redis
//     and broadcasts it to both peers, the author's copy being its acknowledgement), or
//   - janus.plugin.textroom (Janus's stock relay: `setup` / `ack` with the answer, `join` on the
//     data channel, then `message` to the whole room with ack:false; textroom relays it to every
//     participant, the sender included, with no transform and no storage).
// The same message pattern on both: one message in, two out (author + other peer).
//
// Latency is measured from the author's send (performance.now() right before dc.send):
//   ack    = until the author receives its own message back,
//   remote = until the other peer of the room receives it.
// Both peers live in the same process, so one monotonic clock serves both ends.
"use strict";

// ---------------------------------------------------------------- OT (ASCII text, UTF-16 units)
// JS strings are UTF-16, so positions are code units, as in docs/PROTOCOL.md. The typists only
// type ASCII; the transform/compose below are ot.js's, as in tests/integration/ot_client.py.
// Outside makeLoadGen (in one closure, so the page gets no global of each name) so that
// ot_vectors.test.js can run the OT conformance vectors (tests/data/ot-vectors/) on them.
const relayOT = (function () {
function norm(op) {
  const o = [];
  for (const c of op) {
    if (c === 0 || c === "") continue;
    const last = o[o.length - 1];
    if (typeof c === "string") {
      if (typeof last === "string") o[o.length - 1] = last + c;
      else if (typeof last === "number" && last < 0) {
        if (typeof o[o.length - 2] === "string") o[o.length - 2] += c;
        else o.splice(o.length - 1, 0, c);
      } else o.push(c);
    } else if (typeof last === "number" && (last > 0) === (c > 0)) o[o.length - 1] = last + c;
    else o.push(c);
  }
  return o;
}
function applyOp(op, doc) {
  let pos = 0;
  let res = "";
  for (const c of op) {
    if (typeof c === "string") res += c;
    else if (c > 0) { res += doc.slice(pos, pos + c); pos += c; } else pos -= c;
  }
  if (pos !== doc.length) throw new Error(`base length ${pos} != ${doc.length}`);
  return res;
}
function transform(a, b) {
  const a1 = [];
  const b1 = [];
  let i = 0, j = 0;
  let ca = a[0], cb = b[0];
  while (ca !== undefined || cb !== undefined) {
    if (typeof ca === "string") { a1.push(ca); b1.push(ca.length); ca = a[++i]; continue; }
    if (typeof cb === "string") { a1.push(cb.length); b1.push(cb); cb = b[++j]; continue; }
    if (ca === undefined || cb === undefined) throw new Error("transform: length mismatch");
    const la = Math.abs(ca), lb = Math.abs(cb), m = Math.min(la, lb);
    if (ca > 0 && cb > 0) { a1.push(m); b1.push(m); } else if (ca < 0 && cb > 0) a1.push(-m);
    else if (ca > 0 && cb < 0) b1.push(-m);
    if (la > m) ca = Math.sign(ca) * (la - m); else ca = a[++i];
    if (lb > m) cb = Math.sign(cb) * (lb - m); else cb = b[++j];
  }
  return [norm(a1), norm(b1)];
}
function compose(a, b) {
  const o = [];
  let i = 0, j = 0;
  let ca = a[0], cb = b[0];
  while (ca !== undefined || cb !== undefined) {
    if (typeof ca === "number" && ca < 0) { o.push(ca); ca = a[++i]; continue; }
    if (typeof cb === "string") { o.push(cb); cb = b[++j]; continue; }
    if (ca === undefined || cb === undefined) throw new Error("compose: length mismatch");
    const la = typeof ca === "string" ? ca.length : ca, lb = Math.abs(cb), m = Math.min(la, lb);
    let next;
    if (typeof ca === "string") {
      if (cb > 0) o.push(ca.slice(0, m));
      next = la > m ? ca.slice(m) : undefined;
    } else {
      o.push(cb > 0 ? m : -m);
      next = la > m ? ca - m : undefined;
    }
    ca = next === undefined ? a[++i] : next;
    if (lb > m) cb = cb > 0 ? lb - m : -(lb - m); else cb = b[++j];
  }
  return norm(o);
}
return { norm, applyOp, transform, compose };
})();

function makeLoadGen(env) {
const out = env.emit;
const log = env.log;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const byteLength = (s) => s.length; // every message here is ASCII
const performance = globalThis.performance;

// The Janus API over WebSocket (tests/bench/common/janus-client.js): required in Node, a
// global of the page in the browser (loadgen-browser.js injects it first).
const { JanusClient } = typeof module !== "undefined"
  ? require("../common/janus-client.js") : globalThis;
const janusClient = (url) => new JanusClient(url, env.WebSocket, 20000);

const { norm, applyOp, transform, compose } = relayOT;

// ---------------------------------------------------------------- measurement
const sendTimes = new Map(); // key -> {t, measured}
const lat = { ack: [], remote: [] };
let measuring = false;
let counters;
function resetCounters() {
  counters = { sent: 0, edits: 0, composed: 0, ackN: 0, remoteN: 0, sentBytes: 0, recvBytes: 0,
               recvMsgs: 0, errors: 0, errorSamples: [] };
}
resetCounters();
function noteSend(key, bytes) {
  sendTimes.set(key, { t: performance.now(), m: measuring, seen: 0 });
  if (measuring) { counters.sent++; counters.sentBytes += bytes; }
}
function noteReceive(key, isAuthor) {
  const s = sendTimes.get(key);
  if (!s) return;
  const dt = performance.now() - s.t;
  if (s.m) {
    if (isAuthor) { lat.ack.push(dt); counters.ackN++; } else { lat.remote.push(dt); counters.remoteN++; }
  }
  if (++s.seen === 2) sendTimes.delete(key);
}
function noteError(m) {
  counters.errors++;
  if (counters.errorSamples.length < 5) counters.errorSamples.push(m);
}

// What a peer class of another system (env.makePeer, e.g. tests/bench/peer/loadgen.js) gets to
// take part in the same measurement: the send and receive records keyed as it likes, errors,
// and the counters of the measured window.
const hooks = {
  noteSend, noteReceive, noteError,
  typed() { if (measuring) counters.edits++; },
  received(bytes) { if (measuring) { counters.recvMsgs++; counters.recvBytes += bytes; } },
};

// ---------------------------------------------------------------- peers
const rtcConfig = { iceServers: [] };
const ALPHABET = "abcdefghijklmnopqrstuvwxyz \n(){}=+";

class InterviewPeer {
  constructor(room, token, idx) {
    this.room = room;
    this.token = token;
    this.clientId = `b${idx}`;
    this.doc = "";
    this.revision = 0;
    this.seq = 0;
    this.outstanding = null;
    this.buffer = null;
    this.rng = idx * 7919 + 1;
  }
  async connect(url) {
    this.janus = janusClient(url);
    await this.janus.open();
    await this.janus.createSession();
    this.handle = await this.janus.attach("janus.plugin.interview");
    const joined = await this.janus.message(this.handle, { request: "join",
      interview_id: this.room.id, token: this.token });
    const jd = joined.plugindata.data;
    if (jd.interview !== "joined") throw new Error(`join: ${JSON.stringify(jd)}`);
    this.pc = new env.RTCPeerConnection(rtcConfig);
    const dc = this.pc.createDataChannel("interview");
    this.dc = dc;
    const opened = new Promise((res) => { dc.onopen = res; });
    const candidates = [];
    const remoteCands = [];
    let offered = false;
    let remoteSet = false;
    // Janus trickles as soon as it has answered: candidates can arrive before the answer is
    // set, and a browser refuses them then; keep them until it is.
    this.janus.trickleHandlers.set(this.handle, (c) => {
      if (!c || c.completed) return;
      if (remoteSet) this.pc.addIceCandidate(c).catch(() => {}); else remoteCands.push(c);
    });
    this.pc.onicecandidate = ({ candidate }) => {
      const c = candidate ? candidate.toJSON ? candidate.toJSON() : candidate : { completed: true };
      if (offered) this.janus.trickle(this.handle, c); else candidates.push(c);
    };
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const reply = await this.janus.message(this.handle, { request: "connect" },
      { type: "offer", sdp: this.pc.localDescription.sdp });
    if (reply.plugindata.data.interview !== "connected") {
      throw new Error(`connect: ${JSON.stringify(reply.plugindata.data)}`);
    }
    offered = true;
    for (const c of candidates) this.janus.trickle(this.handle, c);
    await this.pc.setRemoteDescription(reply.jsep);
    remoteSet = true;
    for (const c of remoteCands) this.pc.addIceCandidate(c).catch(() => {});
    await withTimeout(opened, 20000, "data channel open");
    const synced = new Promise((res) => { this.onSynced = res; });
    dc.onmessage = (ev) => this.onMessage(ev.data);
    dc.send(JSON.stringify({ type: "hello", client_id: this.clientId, last_revision: null }));
    await withTimeout(synced, 20000, "synced");
  }
  random() { // xorshift, deterministic per peer
    let x = this.rng;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng / 4294967296;
  }
  type() {
    // A keystroke near a random caret: mostly an insert of one character, sometimes a delete.
    counters.edits += measuring ? 1 : 0;
    const n = this.doc.length;
    const pos = Math.floor(this.random() * (n + 1));
    let op;
    if (n > 0 && this.random() < 0.2) {
      const p = Math.min(pos, n - 1);
      op = norm([p, -1, n - p - 1]);
    } else {
      const ch = ALPHABET[Math.floor(this.random() * ALPHABET.length)];
      op = norm([pos, ch, n - pos]);
    }
    this.doc = applyOp(op, this.doc);
    if (this.outstanding === null) {
      this.outstanding = { seq: ++this.seq, op };
      this.sendOutstanding();
    } else {
      this.buffer = this.buffer === null ? op : compose(this.buffer, op);
      if (measuring) counters.composed++;
    }
  }
  sendOutstanding() {
    const text = JSON.stringify({ type: "op", client_id: this.clientId, seq: this.outstanding.seq,
      revision: this.revision, op: this.outstanding.op });
    noteSend(`${this.clientId}:${this.outstanding.seq}`, byteLength(text));
    this.dc.send(text);
  }
  onMessage(raw) {
    const text = String(raw);
    if (measuring) { counters.recvMsgs++; counters.recvBytes += byteLength(text); }
    const m = JSON.parse(text);
    if (m.type === "op") {
      if (m.revision <= this.revision) return;
      if (m.revision !== this.revision + 1) throw new Error(`gap ${this.revision} -> ${m.revision}`);
      const mine = m.client_id === this.clientId;
      if (this.onSynced === null) noteReceive(`${m.client_id}:${m.seq}`, mine);
      if (this.outstanding !== null && mine && m.seq === this.outstanding.seq) {
        this.revision = m.revision;
        this.outstanding = null;
        if (this.buffer !== null) {
          this.outstanding = { seq: ++this.seq, op: this.buffer };
          this.buffer = null;
          this.sendOutstanding();
        }
        return;
      }
      let op = m.op;
      if (this.outstanding !== null) {
        [op, this.outstanding.op] = transform(op, this.outstanding.op);
        if (this.buffer !== null) [op, this.buffer] = transform(op, this.buffer);
      }
      this.doc = applyOp(op, this.doc);
      this.revision = m.revision;
    } else if (m.type === "snapshot") {
      // a fresh room: the whole (empty or small) document
      this.snap = (this.snap || "") + m.text;
      if (m.part + 1 === m.parts) { this.doc = this.snap; this.snap = ""; this.revision = m.revision; }
    } else if (m.type === "synced") {
      if (this.onSynced) { this.onSynced(); this.onSynced = null; }
    } else if (m.type === "error") {
      noteError(m);
    }
  }
  idle() { return this.outstanding === null && this.buffer === null; }
  async close() {
    try { await this.pc.close(); } catch (_) { /* closing anyway */ }
    this.janus.close();
  }
}

class TextroomPeer {
  constructor(room, idx, padBytes) {
    this.room = room; // {textroom: <number>}
    this.username = `u${idx}`;
    this.n = 0;
    this.padBytes = padBytes;
  }
  async connect(url) {
    this.janus = janusClient(url);
    await this.janus.open();
    await this.janus.createSession();
    this.handle = await this.janus.attach("janus.plugin.textroom");
    this.pc = new env.RTCPeerConnection(rtcConfig);
    const remoteCands = [];
    let remoteSet = false;
    this.janus.trickleHandlers.set(this.handle, (c) => {
      if (!c || c.completed) return;
      if (remoteSet) this.pc.addIceCandidate(c).catch(() => {}); else remoteCands.push(c);
    });
    this.pc.onicecandidate = ({ candidate }) => {
      const c = candidate ? candidate.toJSON ? candidate.toJSON() : candidate : { completed: true };
      this.janus.trickle(this.handle, c);
    };
    // Janus offers; whichever side's channel opens first carries the messages (textroom relays
    // on the default, unlabelled channel: Janus sends on the first channel it knows).
    const opened = new Promise((res) => {
      this.pc.ondatachannel = ({ channel }) => {
        if (!this.dc) { this.dc = channel; channel.onopen = res; if (channel.readyState === "open") res(); }
      };
    });
    const setup = await this.janus.message(this.handle, { request: "setup" });
    await this.pc.setRemoteDescription(setup.jsep);
    remoteSet = true;
    for (const c of remoteCands) this.pc.addIceCandidate(c).catch(() => {});
    const own = this.pc.createDataChannel("JanusDataChannel");
    own.onopen = () => { if (!this.dc) this.dc = own; };
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.janus.message(this.handle, { request: "ack" },
      { type: "answer", sdp: this.pc.localDescription.sdp });
    await withTimeout(Promise.race([opened, new Promise((res) => { own.onopen = () => {
      if (!this.dc) this.dc = own; res(); }; })]), 20000, "textroom data channel open");
    const joined = new Promise((res) => { this.onJoined = res; });
    this.onMessageHandler = (ev) => this.onMessage(ev.data);
    for (const ch of [own]) ch.onmessage = this.onMessageHandler;
    if (this.dc !== own) this.dc.onmessage = this.onMessageHandler;
    this.dc.send(JSON.stringify({ textroom: "join", transaction: "j", room: this.room.textroom,
                                  username: this.username, display: this.username }));
    await withTimeout(joined, 20000, "textroom join");
  }
  type() {
    counters.edits += measuring ? 1 : 0;
    const key = `${this.username}:${++this.n}`;
    const base = { textroom: "message", transaction: "m", room: this.room.textroom, ack: false,
                   text: key + "|" };
    const len = byteLength(JSON.stringify(base));
    base.text += "x".repeat(Math.max(0, this.padBytes - len));
    const text = JSON.stringify(base);
    noteSend(key, byteLength(text));
    this.dc.send(text);
  }
  onMessage(raw) {
    const text = String(raw);
    if (measuring) { counters.recvMsgs++; counters.recvBytes += byteLength(text); }
    const m = JSON.parse(text);
    if (m.textroom === "message") {
      const key = m.text.slice(0, m.text.indexOf("|"));
      noteReceive(key, m.from === this.username);
    } else if (m.textroom === "success" && m.transaction === "j") {
      if (this.onJoined) { this.onJoined(); this.onJoined = null; }
    } else if (m.textroom === "error") {
      noteError(m);
    }
  }
  idle() { return true; }
  async close() {
    try { await this.pc.close(); } catch (_) { /* closing anyway */ }
    this.janus.close();
  }
}

function withTimeout(p, ms, what) {
  let timer;
  return Promise.race([p, new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`timeout: ${what}`)), ms);
  })]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- phases
function summary(xs) {
  if (xs.length === 0) return { n: 0 };
  const s = Float64Array.from(xs).sort();
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1],
           mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function runPhase(peers, cmd) {
  const interval = 1000 / cmd.rate;
  let running = true;
  const timers = [];
  for (const p of peers) {
    // Each typist keeps its own cadence with a random phase and +-25 % jitter per keystroke.
    const tick = () => {
      if (!running) return;
      try { p.type(); } catch (e) { noteError(String(e)); }
      timers.push(setTimeout(tick, interval * (0.75 + 0.5 * Math.random())));
      if (timers.length > 4 * peers.length) timers.splice(0, 2 * peers.length);
    };
    timers.push(setTimeout(tick, Math.random() * interval));
  }
  await sleep(cmd.warmup_s * 1000);
  lat.ack = []; lat.remote = [];
  resetCounters();
  const loop = env.loopMonitor ? env.loopMonitor() : null;
  const cpu0 = env.cpuUsage ? env.cpuUsage() : null;
  const t0 = performance.now();
  measuring = true;
  out({ event: "measure_start", name: cmd.name });
  await sleep(cmd.measure_s * 1000);
  measuring = false;
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpu0 ? env.cpuUsage(cpu0) : null;
  out({ event: "measure_end", name: cmd.name });
  running = false;
  for (const t of timers) clearTimeout(t);
  const loopDelay = loop ? loop.stop() : null;
  // Let in-flight messages of the window arrive (they count; later arrivals count as lost).
  const drainUntil = performance.now() + 5000;
  while (performance.now() < drainUntil) {
    let pending = 0;
    for (const s of sendTimes.values()) if (s.m) pending++;
    if (pending === 0 && peers.every((p) => p.idle())) break;
    await sleep(50);
  }
  let lost = 0;
  for (const s of sendTimes.values()) if (s.m) lost++;
  sendTimes.clear();
  out({ event: "phase_result", name: cmd.name, rate: cmd.rate, wall_s: wall,
        peers: peers.length, ...counters, lost_or_late: lost,
        client_cpu_pct: cpu ? 100 * (cpu.user + cpu.system) / 1e6 / wall : null,
        event_loop_delay_ms: loopDelay,
        ack: summary(lat.ack), remote: summary(lat.remote),
        ack_raw: lat.ack.map((x) => Math.round(x * 1000) / 1000),
        remote_raw: lat.remote.map((x) => Math.round(x * 1000) / 1000) });
  // Settle before the next phase: every peer has its acknowledgements.
  const settleUntil = performance.now() + 5000;
  while (performance.now() < settleUntil && !peers.every((p) => p.idle())) await sleep(50);
}

async function connectAll(cfg) {
  const peers = [];
  let idx = cfg.first_index || 0;
  for (const room of cfg.rooms) {
    for (let k = 0; k < 2; k++) {
      const i = idx++;
      peers.push(env.makePeer ? env.makePeer(cfg, room, k, i, hooks)
        : cfg.system === "interview" ? new InterviewPeer(room, room.tokens[k], i)
          : new TextroomPeer(room, i, cfg.pad_bytes));
    }
  }
  if (cfg.system === "textroom") {
    // textroom rooms are created over the Janus API (no PeerConnection needed for that)
    const admin = janusClient(cfg.janus_ws);
    await admin.open();
    await admin.createSession();
    const h = await admin.attach("janus.plugin.textroom");
    for (const room of cfg.rooms) {
      const r = await admin.message(h, { request: "create", room: room.textroom,
                                         permanent: false, is_private: true });
      const d = r.plugindata.data;
      if (d.textroom !== "created" && d.textroom !== "success") {
        throw new Error(`textroom create: ${JSON.stringify(d)}`);
      }
    }
    admin.close();
  }
  const t0 = performance.now();
  const url = cfg.url || cfg.janus_ws; // cfg.url: a peer system's server (env.makePeer)
  // Connect with bounded concurrency (a real population does not join all at once either).
  let next = 0;
  const worker = async () => {
    while (next < peers.length) {
      const p = peers[next++];
      let lastErr;
      for (let attempt = 0; attempt < 3; attempt++) {
        try { await p.connect(url); lastErr = null; break; } catch (e) {
          lastErr = e;
          log(`connect ${attempt + 1}/3 failed: ${e.message}`);
          try { await p.close(); } catch (_) { /* retrying */ }
          await sleep(500);
        }
      }
      if (lastErr) throw lastErr;
    }
  };
  await Promise.all(Array.from({ length: cfg.connect_concurrency || 8 }, worker));
  out({ event: "ready", peers: peers.length, connect_s: (performance.now() - t0) / 1000 });
  return peers;
}

async function closeAll(peers) {
  await Promise.all(peers.map((p) => p.close()));
}

return { connectAll, runPhase, closeAll };
}

// What makeLoadGen needs from a Node process (both load generators): JSON lines out on stdout,
// the process's CPU time, and the event loop's delay over a window.
function nodeHooks(log) {
  const { monitorEventLoopDelay } = require("perf_hooks");
  return {
    emit: (obj) => process.stdout.write(JSON.stringify(obj) + "\n"),
    log,
    cpuUsage: (prev) => process.cpuUsage(prev),
    loopMonitor: () => {
      const h = monitorEventLoopDelay({ resolution: 5 });
      h.enable();
      return { stop: () => {
        h.disable();
        return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
      } };
    },
  };
}

// The load generator process's life (loadgen.js here and tests/bench/peer/loadgen.js): connect
// every peer, run the phases the orchestrator sends as JSON lines on stdin until "quit", close,
// and say "bye" (or "fatal") on stdout. Node only.
function runLoadGenProcess(lg, cfg, log) {
  const readline = require("readline");
  async function main() {
    const peers = await lg.connectAll(cfg);
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) {
      const cmd = JSON.parse(line);
      if (cmd.cmd === "phase") await lg.runPhase(peers, cmd);
      else if (cmd.cmd === "quit") break;
    }
    await lg.closeAll(peers);
    process.stdout.write(JSON.stringify({ event: "bye" }) + "\n");
    process.exit(0);
  }
  process.on("unhandledRejection", (e) => log(`unhandled: ${e && e.stack || e}`));
  main().catch((e) => {
    log(`fatal: ${e && e.stack || e}`);
    process.stdout.write(JSON.stringify({ event: "fatal", error: String(e && e.message || e) }) + "\n");
    process.exit(1);
  });
}

if (typeof module !== "undefined") module.exports = { makeLoadGen, nodeHooks, runLoadGenProcess, ...relayOT };
