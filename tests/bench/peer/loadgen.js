#!/usr/bin/env node
// Load generator of the peer benchmark (scripts/bench-peer.sh) for Hocuspocus: 2 typists per room,
// each a Y.Doc with its own HocuspocusProvider and its own WebSocket (the `ws` package), typing
// into a Y.Text. The cadence, the phases and the measurement are those of our relay benchmark
// (tests/bench/relay/peers.js, through its makePeer hook); only the peer differs. Usage and the
// protocol with run.py: as tests/bench/relay/loadgen.js (node loadgen.js CONFIG.json; CONFIG has
// "url", the server's ws:// address, and "rooms": [{"name": ...}]).
//
// A keystroke is as our typists' (InterviewPeer.type in peers.js): at a random position of the
// text, one character inserted, or one deleted with probability 0.2, from the same deterministic
// random sequence per peer. An edit is identified by the Yjs ids it carries: client:clock of each
// inserted character, d:client:clock of each deleted one (Y.decodeUpdate of the update).
//   remote = from the author's send of its update (the author's Y.Doc "update" handler runs right
//            before the provider's, which sends it on the WebSocket) until the other peer's Y.Doc
//            emits the update carrying that id (applied from the provider);
//   ack    = from the same send until the server's SyncStatus reply to that update arrives (the
//            provider's unsyncedChanges counter going down; the server replies in order, right
//            after applying the update to its in-memory document: not after storing it; the
//            store follows 2-10 s later, see server.js).
"use strict";

const WebSocket = require("ws");
const Y = require("yjs");
const { HocuspocusProvider } = require("@hocuspocus/provider");
const { makeLoadGen, nodeHooks, runLoadGenProcess } = require("../relay/peers.js");

const cfg = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const log = (text) => process.stderr.write(`[loadgen ${cfg.tag || ""}] ${text}\n`);
const ALPHABET = "abcdefghijklmnopqrstuvwxyz \n(){}=+"; // as peers.js
const LOCAL = "typist";

// Counts the bytes each peer's WebSocket sends and receives (the provider creates the socket).
let hooks = null;
class CountingWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    this.on("message", (data) => hooks && hooks.received(data.byteLength ?? data.length));
  }
}

function updateKeys(update) {
  const { structs, ds } = Y.decodeUpdate(update);
  const keys = [];
  for (const s of structs) {
    if (s.constructor.name !== "Item") continue;
    for (let i = 0; i < s.length; i++) keys.push(`${s.id.client}:${s.id.clock + i}`);
  }
  for (const [client, items] of ds.clients) {
    for (const d of items) for (let i = 0; i < d.len; i++) keys.push(`d:${client}:${d.clock + i}`);
  }
  return keys;
}

class HocuspocusPeer {
  constructor(room, idx, h) {
    this.room = room;
    this.rng = idx * 7919 + 1;
    this.pending = []; // the ids of each update sent and not yet acknowledged, oldest first
    this.h = h;
  }
  connect(url) {
    const doc = new Y.Doc();
    this.doc = doc;
    this.text = doc.getText("code");
    // Registered before the provider's handler: it runs first, right before the send.
    doc.on("update", (update, origin) => {
      if (origin === LOCAL) {
        const keys = updateKeys(update);
        // bytes on the wire: the y-protocols frame (document name, message type, sync
        // message type, the update's length) around the update; all lengths < 128 here
        const bytes = 1 + this.room.name.length + 2 + 1 + update.length;
        for (const k of keys) this.h.noteSend(k, bytes);
        this.pending.push(keys);
      } else if (origin === this.provider && this.provider.synced) {
        for (const k of updateKeys(update)) this.h.noteReceive(k, false);
      }
    });
    return new Promise((resolve, reject) => {
      let unsynced = 0;
      this.provider = new HocuspocusProvider({
        url, name: this.room.name, document: doc, WebSocketPolyfill: CountingWebSocket,
        onSynced: () => resolve(),
        onAuthenticationFailed: ({ reason }) => reject(new Error(`authentication: ${reason}`)),
        onUnsyncedChanges: ({ number }) => {
          // one SyncStatus per update, in order: the oldest pending update is acknowledged
          if (number < unsynced && this.pending.length > 0 && this.provider.synced) {
            for (const k of this.pending.shift()) this.h.noteReceive(k, true);
          }
          unsynced = number;
        },
      });
      setTimeout(() => reject(new Error("timeout: synced")), 20000).unref();
    });
  }
  random() { // xorshift, deterministic per peer (as peers.js)
    let x = this.rng;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng / 4294967296;
  }
  type() {
    this.h.typed();
    const n = this.text.length;
    const pos = Math.floor(this.random() * (n + 1));
    if (n > 0 && this.random() < 0.2) {
      const p = Math.min(pos, n - 1);
      this.doc.transact(() => this.text.delete(p, 1), LOCAL);
    } else {
      const ch = ALPHABET[Math.floor(this.random() * ALPHABET.length)];
      this.doc.transact(() => this.text.insert(pos, ch), LOCAL);
    }
  }
  idle() { return this.pending.length === 0; }
  async close() {
    this.provider.destroy();
  }
}

const lg = makeLoadGen({
  RTCPeerConnection: null,
  WebSocket,
  ...nodeHooks(log),
  makePeer: (config, room, k, idx, h) => { hooks = h; return new HocuspocusPeer(room, idx, h); },
});

runLoadGenProcess(lg, cfg, log);
