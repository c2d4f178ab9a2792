#!/usr/bin/env node
// Load generator of scripts/bench-media.sh: werift (pure TypeScript WebRTC) participants in this
// Node process, R rooms of P participants, each publishing audio + video and receiving every
// other participant of its room, through one of
//   - janus.plugin.interview (ours): join with a token, one PeerConnection per participant with
//     the data channel, a sendonly audio and video m-line and P-1 recvonly audio and P-1 recvonly
//     video m-lines (fixed receive slots, docs/PROTOCOL.md `connect`), or
//   - janus.plugin.videoroom (Janus's stock SFU, the baseline): per participant a publisher handle
//     (`join` as publisher, `publish` with a sendonly audio + video offer) and one multistream
//     subscriber handle to the P-1 others (`join` as subscriber with their feeds, Janus offers,
//     `start` with the answer).
//
// Nothing is encoded here: every publisher sends the pre-recorded VP8 and Opus RTP payloads of
// record.py at real-time pace (a video frame's packets every 1/fps s, an Opus packet every
// 20 ms), looping, with RTP timestamps taken from the send schedule (so they follow the wall
// clock, also across pauses) and continuous sequence numbers. A PLI makes the publisher jump to
// the recording's next keyframe, as an encoder would send one. werift itself answers NACKs from
// its send buffer and sends sender and receiver reports.
// Receivers only count: every RTP packet that arrives on a PeerConnection (after SRTP) by SSRC,
// its kind from the payload type of the negotiated SDP.
//
// Protocol with the orchestrator (run.py) on stdin/stdout, one JSON object a line:
//   -> {"event":"ready", ...}              everyone connected (ICE + DTLS up)
//   <- {"cmd":"send","on":true|false}      start / stop sending (all publishers of this process)
//   -> {"event":"sending","on":...}
//   <- {"cmd":"snapshot","id":N}           cumulative counters, answered at once:
//   -> {"event":"snapshot","id":N, ...}
//   <- {"cmd":"quit"}                      closes every peer and exits
//
// usage: node loadgen.js CONFIG.json   (written by run.py)
"use strict";

const fs = require("fs");
const readline = require("readline");
const { performance } = require("perf_hooks");
const WebSocket = require("ws");
const { JanusClient } = require("../common/janus-client.js");
const { RTCPeerConnection, RtpHeader, RtpPacket, useOPUS, useVP8 } = require("werift");

const cfg = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const log = (text) => process.stderr.write(`[loadgen ${cfg.tag || ""}] ${text}\n`);
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(p, ms, what) {
  let timer;
  return Promise.race([p, new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`timeout: ${what}`)), ms);
  })]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- the recording
const rec = JSON.parse(fs.readFileSync(cfg.recording, "utf8"));
const VIDEO = rec.video.frames.map((f) => ({
  key: f.key, payloads: f.payloads.map((b) => Buffer.from(b, "base64")) }));
const AUDIO = rec.audio.frames.map((b) => Buffer.from(b, "base64"));
const FRAME_MS = 1000 / rec.video.fps;
const PTIME_MS = rec.audio.ptime_ms;
const KEYFRAMES = VIDEO.map((f, i) => (f.key ? i : -1)).filter((i) => i >= 0);
if (KEYFRAMES.length === 0) throw new Error("the recording has no keyframe");

// ---------------------------------------------------------------- counters (cumulative)
const C = {
  sent: { audio: { packets: 0, bytes: 0 }, video: { packets: 0, bytes: 0, frames: 0 } },
  recv: { audio: { packets: 0, bytes: 0 }, video: { packets: 0, bytes: 0 },
          other: { packets: 0, bytes: 0 } },
  routed: 0,          // packets werift delivered to a receiving track (routed by SSRC)
  pli: 0,             // PLIs received by the publishers
  keyframeJumps: 0,   // keyframes sent because of a PLI
  lateFrames: 0,      // frames the scheduler sent more than 50 ms after they were due
  skippedFrames: 0,   // frames dropped because the scheduler was more than 250 ms behind
  maxLagMs: 0,
  mediaEvents: 0,     // interview `media` events received
  recvOld: 0,         // packets received with a sequence number not after the last one (a
                      // duplicate, a retransmission or reordering)
  recvGaps: 0,        // sequence numbers skipped in the received streams (lost or never sent)
  remb: 0,            // REMB packets arriving on a publisher's PeerConnection
  rembForeign: 0,     // ... of which name another SSRC first than the publisher's video
  rembBps: null,      // the last REMB bitrate seen
};
const streams = new Map(); // "<peer>:<ssrc>" -> {kind, packets}

// ---------------------------------------------------------------- PeerConnections
let peerSeq = 0;

function newPc() {
  return new RTCPeerConnection({ iceServers: [],
                                 codecs: { audio: [useOPUS()], video: [useVP8()] } });
}

// Trickle both ways on one handle; Janus's candidates may come before the remote description is
// set, keep them until it is. Returns {flush()} to call once the offer/answer went out and
// remoteSet() once the remote description is in.
function trickle(janus, handle, pc) {
  const mine = [];
  const theirs = [];
  let sent = false;
  let remote = false;
  janus.trickleHandlers.set(handle, (c) => {
    if (!c || c.completed) return;
    if (remote) pc.addIceCandidate(c).catch(() => {}); else theirs.push(c);
  });
  pc.onicecandidate = ({ candidate }) => {
    const c = candidate ? (candidate.toJSON ? candidate.toJSON() : candidate) : { completed: true };
    if (sent) janus.trickle(handle, c); else mine.push(c);
  };
  return {
    flush() { sent = true; for (const c of mine.splice(0)) janus.trickle(handle, c); },
    remoteSet() { remote = true; for (const c of theirs.splice(0)) pc.addIceCandidate(c).catch(() => {}); },
  };
}

async function connected(pc, what) {
  const deadline = performance.now() + 30000;
  while (pc.connectionState !== "connected") {
    if (pc.connectionState === "failed" || pc.connectionState === "closed") {
      throw new Error(`${what}: PeerConnection ${pc.connectionState}`);
    }
    if (performance.now() > deadline) throw new Error(`timeout: ${what} connected`);
    await sleep(20);
  }
}

// payload type -> kind, from the SDP's m-sections (opus: audio, VP8: video, rtx etc.: other)
function ptKinds(...sdps) {
  const kinds = {};
  for (const sdp of sdps) {
    for (const section of sdp.split(/\r?\nm=/).slice(1)) {
      const kind = section.split(" ", 1)[0];
      for (const m of section.matchAll(/a=rtpmap:(\d+) ([^/\s]+)/g)) {
        const name = m[2].toLowerCase();
        kinds[m[1]] = (name === "opus" && kind === "audio") || (name === "vp8" && kind === "video")
          ? kind : "other";
      }
    }
  }
  return kinds;
}

// Counts every RTP packet arriving on pc (all its DTLS transports), by SSRC.
function countReceived(pc) {
  const id = ++peerSeq;
  const kinds = ptKinds(pc.remoteDescription.sdp, pc.localDescription.sdp);
  const seen = transports(pc);
  for (const dtls of seen) {
    dtls.onRtp.subscribe((rtp) => {
      const kind = kinds[rtp.header.payloadType] || "other";
      const bytes = rtp.payload.length;
      C.recv[kind].packets++;
      C.recv[kind].bytes += bytes;
      const key = `${id}:${rtp.header.ssrc}`;
      let s = streams.get(key);
      if (!s) { s = { kind, packets: 0, seq: rtp.header.sequenceNumber }; streams.set(key, s); }
      else {
        const d = (rtp.header.sequenceNumber - s.seq) & 0xffff;
        if (d === 0 || d > 0x8000) C.recvOld++;
        else { C.recvGaps += d - 1; s.seq = rtp.header.sequenceNumber; }
      }
      s.packets++;
    });
  }
  if (seen.length === 0) throw new Error("no DTLS transport to count on");
  pc.ontrack = (ev) => {
    const track = ev.track || (ev.receiver && ev.receiver.track);
    if (track && track.onReceiveRtp) track.onReceiveRtp.subscribe(() => { C.routed++; });
  };
  for (const t of pc.getTransceivers()) {
    const track = t.receiver && t.receiver.track;
    if (track && track.onReceiveRtp && (t.direction === "recvonly" || t.direction === "sendrecv")) {
      track.onReceiveRtp.subscribe(() => { C.routed++; });
    }
  }
  return id;
}

// ---------------------------------------------------------------- publishers
function transports(pc) {
  const seen = new Set();
  for (const t of pc.getTransceivers()) {
    const dtls = t.dtlsTransport || (t.receiver && t.receiver.dtlsTransport);
    if (dtls) seen.add(dtls);
  }
  return [...seen];
}

class Publisher {
  constructor(pc, audioSender, videoSender, n) {
    this.pc = pc;
    this.a = audioSender;
    this.v = videoSender;
    // each publisher starts at its own point of the loop, so rooms do not send in lockstep
    this.vi = (n * 37) % VIDEO.length;
    this.ai = (n * 53) % AUDIO.length;
    this.seqA = (n * 7919) & 0xffff;
    this.seqV = (n * 104729) & 0xffff;
    this.tsA0 = (n * 2654435761) >>> 0;
    this.tsV0 = (n * 40503 * 65537) >>> 0;
    this.pli = false;
    this.v.onPictureLossIndication.subscribe(() => { C.pli++; this.pli = true; });
    // werift hands a REMB only to the sender whose SSRC the REMB names first; count them all
    for (const dtls of transports(pc)) {
      dtls.onRtcp.subscribe((p) => {
        const fb = p.feedback;
        if (!fb || fb.ssrcFeedbacks === undefined || fb.bitrate === undefined) return;
        C.remb++;
        C.rembBps = Number(fb.bitrate);
        if (fb.ssrcFeedbacks[0] !== this.v.ssrc) C.rembForeign++;
      });
    }
  }
  start(now, epoch) {
    this.epoch = epoch;
    this.nextA = now + Math.random() * PTIME_MS;
    this.nextV = now + Math.random() * FRAME_MS;
  }
  rtp(sender, seq, ts, marker, payload) {
    const header = new RtpHeader({ sequenceNumber: seq, timestamp: ts, marker, payloadType: 0,
                                   ssrc: 0 });
    sender.sendRtp(new RtpPacket(header, payload)).catch(() => {});
  }
  run(now) {
    while (this.nextA <= now) {
      const lag = now - this.nextA;
      if (lag > 250) { this.nextA = now; continue; }
      const ts = (this.tsA0 + Math.round((this.nextA - this.epoch) * 48)) >>> 0;
      const p = AUDIO[this.ai];
      this.ai = (this.ai + 1) % AUDIO.length;
      this.seqA = (this.seqA + 1) & 0xffff;
      this.rtp(this.a, this.seqA, ts, false, p);
      C.sent.audio.packets++;
      C.sent.audio.bytes += p.length;
      this.nextA += PTIME_MS;
    }
    while (this.nextV <= now) {
      const lag = now - this.nextV;
      if (lag > C.maxLagMs) C.maxLagMs = lag;
      if (lag > 250) { C.skippedFrames++; this.nextV += FRAME_MS; continue; }
      if (lag > 50) C.lateFrames++;
      if (this.pli && !VIDEO[this.vi].key) {
        this.vi = KEYFRAMES.find((k) => k > this.vi) ?? KEYFRAMES[0];
        C.keyframeJumps++;
      }
      this.pli = false;
      const ts = (this.tsV0 + Math.round((this.nextV - this.epoch) * 90)) >>> 0;
      const frame = VIDEO[this.vi];
      this.vi = (this.vi + 1) % VIDEO.length;
      const last = frame.payloads.length - 1;
      frame.payloads.forEach((p, i) => {
        this.seqV = (this.seqV + 1) & 0xffff;
        this.rtp(this.v, this.seqV, ts, i === last, p);
        C.sent.video.packets++;
        C.sent.video.bytes += p.length;
      });
      C.sent.video.frames++;
      this.nextV += FRAME_MS;
    }
  }
}

const publishers = [];
let people = [];

// What each participant was told it receives: for ours the last `media` event (its filled slots
// and the publishers it sees), for videoroom the streams of `attached`.
function whoSeesWhat() {
  return people.map((p) => ({
    peer: p.peer, room: p.room.id || p.room.videoroom, n: p.n,
    streams: p.media ? p.media.streams.length : (p.slots || []).length,
    publishers: p.media ? p.media.publishers.length : null,
  }));
}
let ticker = null;
function setSending(on) {
  if (on && !ticker) {
    const now = performance.now();
    for (const p of publishers) p.start(now, 0);
    // one 2 ms ticker for every publisher: each sends what is due (a frame's packets at once,
    // as a browser's pacer does at these rates)
    ticker = setInterval(() => {
      const t = performance.now();
      for (const p of publishers) p.run(t);
    }, 2);
  } else if (!on && ticker) {
    clearInterval(ticker);
    ticker = null;
  }
}

// ---------------------------------------------------------------- our plugin
class InterviewParticipant {
  constructor(room, token, n) { this.room = room; this.token = token; this.n = n; }
  async connect() {
    const P = cfg.participants;
    this.janus = new JanusClient(cfg.janus_ws, WebSocket);
    await this.janus.open();
    await this.janus.createSession();
    this.handle = await this.janus.attach("janus.plugin.interview");
    this.janus.eventHandlers.set(this.handle, (m) => {
      const d = m.plugindata && m.plugindata.data;
      if (d && d.event === "media") { C.mediaEvents++; this.media = d; }
    });
    const joined = await this.janus.message(this.handle, { request: "join",
      interview_id: this.room.id, token: this.token });
    const jd = joined.plugindata.data;
    if (jd.interview !== "joined") throw new Error(`join: ${JSON.stringify(jd)}`);
    const pc = this.pc = newPc();
    pc.createDataChannel("interview");
    const audio = pc.addTransceiver("audio", { direction: "sendonly" });
    const video = pc.addTransceiver("video", { direction: "sendonly" });
    for (let i = 0; i < P - 1; i++) pc.addTransceiver("audio", { direction: "recvonly" });
    for (let i = 0; i < P - 1; i++) pc.addTransceiver("video", { direction: "recvonly" });
    const tr = trickle(this.janus, this.handle, pc);
    await pc.setLocalDescription(await pc.createOffer());
    const reply = await this.janus.message(this.handle, { request: "connect" },
      { type: "offer", sdp: pc.localDescription.sdp });
    const d = reply.plugindata.data;
    if (d.interview !== "connected") throw new Error(`connect: ${JSON.stringify(d)}`);
    if (!d.published || !d.published.audio || !d.published.video) {
      throw new Error(`connect: the plugin did not accept audio and video (published: ` +
                      `${JSON.stringify(d.published)}); does this build forward media?`);
    }
    this.slots = d.slots || [];
    tr.flush();
    await pc.setRemoteDescription(reply.jsep);
    tr.remoteSet();
    await connected(pc, "interview PeerConnection");
    this.peer = countReceived(pc);
    publishers.push(new Publisher(pc, audio.sender, video.sender, this.n));
  }
  async close() {
    try { await this.pc.close(); } catch (_) { /* closing anyway */ }
    this.janus.close();
  }
}

// ---------------------------------------------------------------- janus.plugin.videoroom
class VideoroomParticipant {
  constructor(room, n) { this.room = room; this.n = n; }
  async publish() {
    this.janus = new JanusClient(cfg.janus_ws, WebSocket);
    await this.janus.open();
    await this.janus.createSession();
    this.pubHandle = await this.janus.attach("janus.plugin.videoroom");
    const joined = await this.janus.message(this.pubHandle, { request: "join",
      ptype: "publisher", room: this.room.videoroom, display: `p${this.n}` });
    const jd = joined.plugindata.data;
    if (jd.videoroom !== "joined") throw new Error(`videoroom join: ${JSON.stringify(jd)}`);
    this.feed = jd.id;
    const pc = this.pubPc = newPc();
    const audio = pc.addTransceiver("audio", { direction: "sendonly" });
    const video = pc.addTransceiver("video", { direction: "sendonly" });
    const tr = trickle(this.janus, this.pubHandle, pc);
    await pc.setLocalDescription(await pc.createOffer());
    const reply = await this.janus.message(this.pubHandle, { request: "publish" },
      { type: "offer", sdp: pc.localDescription.sdp });
    const d = reply.plugindata.data;
    if (d.configured !== "ok" || !reply.jsep) throw new Error(`publish: ${JSON.stringify(d)}`);
    tr.flush();
    await pc.setRemoteDescription(reply.jsep);
    tr.remoteSet();
    await connected(pc, "videoroom publisher");
    this.publisher = new Publisher(pc, audio.sender, video.sender, this.n);
  }
  async subscribe(feeds) {
    this.subHandle = await this.janus.attach("janus.plugin.videoroom");
    const r = await this.janus.message(this.subHandle, { request: "join", ptype: "subscriber",
      room: this.room.videoroom, streams: feeds.map((feed) => ({ feed })) });
    const d = r.plugindata.data;
    if (d.videoroom !== "attached" || !r.jsep) throw new Error(`subscribe: ${JSON.stringify(d)}`);
    const pc = this.subPc = newPc();
    const tr = trickle(this.janus, this.subHandle, pc);
    await pc.setRemoteDescription(r.jsep);
    tr.remoteSet();
    await pc.setLocalDescription(await pc.createAnswer());
    const started = await this.janus.message(this.subHandle, { request: "start" },
      { type: "answer", sdp: pc.localDescription.sdp });
    const sd = started.plugindata.data;
    if (sd.started !== "ok") throw new Error(`start: ${JSON.stringify(sd)}`);
    tr.flush();
    await connected(pc, "videoroom subscriber");
    this.peer = countReceived(pc);
    this.slots = d.streams || [];
  }
  async close() {
    for (const pc of [this.pubPc, this.subPc]) {
      try { if (pc) await pc.close(); } catch (_) { /* closing anyway */ }
    }
    this.janus.close();
  }
}

// ---------------------------------------------------------------- connecting
async function pool(items, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      let lastErr;
      for (let attempt = 0; attempt < 3; attempt++) {
        try { await fn(item); lastErr = null; break; } catch (e) {
          lastErr = e;
          log(`attempt ${attempt + 1}/3 failed: ${e.message}`);
          if (/does this build forward media/.test(e.message)) break;
          try { await item.close(); } catch (_) { /* retrying */ }
          await sleep(500);
        }
      }
      if (lastErr) throw lastErr;
    }
  };
  await Promise.all(Array.from({ length: cfg.connect_concurrency || 4 }, worker));
}

async function connectAll() {
  const P = cfg.participants;
  let n = cfg.first_index || 0;
  const t0 = performance.now();
  if (cfg.system === "interview") {
    for (const room of cfg.rooms) {
      for (let k = 0; k < P; k++) people.push(new InterviewParticipant(room, room.tokens[k], n++));
    }
    await pool(people, (p) => p.connect());
  } else {
    const admin = new JanusClient(cfg.janus_ws, WebSocket);
    await admin.open();
    await admin.createSession();
    const h = await admin.attach("janus.plugin.videoroom");
    for (const room of cfg.rooms) {
      // the same codecs and REMB cap as our plugin's defaults (Opus, VP8, 1 Mbps)
      const r = await admin.message(h, { request: "create", room: room.videoroom,
        permanent: false, is_private: true, publishers: P, audiocodec: "opus",
        videocodec: "vp8", bitrate: cfg.bitrate_cap || 1000000 });
      const d = r.plugindata.data;
      if (d.videoroom !== "created") throw new Error(`videoroom create: ${JSON.stringify(d)}`);
    }
    admin.close();
    const rooms = cfg.rooms.map((room) =>
      Array.from({ length: P }, () => new VideoroomParticipant(room, n++)));
    for (const r of rooms) people.push(...r);
    await pool(people, (p) => p.publish());
    await pool(people, (p) => {
      const room = rooms.find((r) => r.includes(p));
      return p.subscribe(room.filter((q) => q !== p).map((q) => q.feed));
    });
    for (const p of people) publishers.push(p.publisher);
  }
  // receive slots per participant, as the plugin reported them
  const slots = people.map((p) => (p.slots || []).length);
  await sleep(1000);  // the last `media` events
  const told = whoSeesWhat().map((w) => w.streams);
  emit({ event: "ready", participants: people.length, peer_connections: peerSeq,
         connect_s: (performance.now() - t0) / 1000,
         slots_min: Math.min(...slots), slots_max: Math.max(...slots),
         streams_told_min: Math.min(...told), streams_told_max: Math.max(...told) });
  return people;
}

function snapshot(id) {
  const byKind = { audio: [], video: [], other: [] };
  for (const [key, s] of streams) byKind[s.kind].push([key, s.packets]);
  const cpu = process.cpuUsage();
  const pubs = publishers.map((p) => ({
    nack: p.v.nackCount || 0, rtx: p.v.retransmittedPacketsSent || 0,
    remb: p.v.receiverEstimatedMaxBitrate }));
  const rembs = pubs.map((p) => p.remb).filter((x) => x !== undefined).map(Number);
  // PeerConnection states, and the packets werift really sent (it drops silently what it
  // cannot send, e.g. when DTLS is down)
  const states = {};
  for (const p of people) {
    for (const pc of [p.pc, p.pubPc, p.subPc]) {
      if (pc) states[pc.connectionState] = (states[pc.connectionState] || 0) + 1;
    }
  }
  const weriftSent = publishers.map((p) => Number(p.a.packetCount || 0) + Number(p.v.packetCount || 0));
  return { event: "snapshot", id, t: performance.now() / 1000, ...JSON.parse(JSON.stringify(C)),
           streams: byKind, nack: pubs.reduce((a, p) => a + p.nack, 0),
           rtx: pubs.reduce((a, p) => a + p.rtx, 0),
           remb_min: rembs.length ? Math.min(...rembs) : null,
           remb_max: rembs.length ? Math.max(...rembs) : null,
           cpu_s: (cpu.user + cpu.system) / 1e6, sending: ticker !== null,
           told: whoSeesWhat(), pc_states: states,
           werift_sent: weriftSent.reduce((a, x) => a + x, 0),
           werift_sent_by_publisher: weriftSent,
           rss_kib: Math.round(process.memoryUsage().rss / 1024) };
}

async function main() {
  await connectAll();
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    const cmd = JSON.parse(line);
    if (cmd.cmd === "send") { setSending(cmd.on); emit({ event: "sending", on: cmd.on }); }
    else if (cmd.cmd === "snapshot") emit(snapshot(cmd.id));
    else if (cmd.cmd === "quit") break;
  }
  setSending(false);
  await Promise.all(people.map((p) => p.close()));
  emit({ event: "bye" });
  process.exit(0);
}

process.on("unhandledRejection", (e) => log(`unhandled: ${e && e.stack || e}`));
main().catch((e) => {
  log(`fatal: ${e && e.stack || e}`);
  emit({ event: "fatal", error: String(e && e.message || e) });
  process.exit(1);
});
