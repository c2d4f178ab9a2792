#!/usr/bin/env node
// The peer system of scripts/bench-peer.sh: a Hocuspocus server (@hocuspocus/server) with its
// Redis extension (@hocuspocus/extension-redis: pub/sub between instances, a Redis lock around
// each store) and a store extension that writes each document's Yjs state to Redis
// (onStoreDocument, called with Hocuspocus's debounce as shipped: 2 s after the last change, at
// most 10 s after the first unstored one) and reads it back on load (onLoadDocument). Everything
// else is at Hocuspocus's defaults (flushDelay 0: broadcasts coalesced per event-loop turn).
//
// Usage: node server.js CONFIG.json, CONFIG = {"port": P, "redis_port": R, "address": "127.0.0.1"}
// Protocol with the orchestrator (run.py) on stdin/stdout, one JSON object a line:
//   -> {"event":"ready","port":P}   listening (and connected to Redis)
//   <- {"cmd":"stats"}              -> {"event":"stats","documents":D,"connections":C,"stores":S,
//                                      "loop":{p50,p99,max}}: stores so far, and the delay of
//                                      the server's event loop (ms) since the previous stats
//                                      (the server's own share of a latency: it is one thread)
//   <- {"cmd":"quit"}               stores what is pending, closes, exits
"use strict";

const readline = require("readline");
const { monitorEventLoopDelay } = require("perf_hooks");
const Y = require("yjs");
const { Server } = require("@hocuspocus/server");
const { Redis } = require("@hocuspocus/extension-redis");

const cfg = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const log = (text) => process.stderr.write(`[hocuspocus ${cfg.tag || ""}] ${text}\n`);
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

const redisExtension = new Redis({ host: "127.0.0.1", port: cfg.redis_port });

// The store: the document's whole state as one Redis string (what @hocuspocus/extension-database
// does with a SQL row; the Redis extension itself stores nothing). Its own connection: the Redis
// extension's publisher and subscriber are ioredis clients as well.
let stores = 0;
const storeKey = (name) => `doc:${name}`;
const store = {
  async onLoadDocument({ documentName, document }) {
    const state = await redisExtension.pub.getBuffer(storeKey(documentName));
    if (state) Y.applyUpdate(document, state);
  },
  async onStoreDocument({ documentName, document }) {
    await redisExtension.pub.set(storeKey(documentName), Buffer.from(Y.encodeStateAsUpdate(document)));
    stores++;
  },
};

const server = new Server({
  port: cfg.port,
  address: cfg.address || "127.0.0.1",
  quiet: true,
  stopOnSignals: false,
  extensions: [redisExtension, store],
});

async function main() {
  await redisExtension.pub.ping();
  await server.listen();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  emit({ event: "ready", port: server.address.port });
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    const cmd = JSON.parse(line);
    if (cmd.cmd === "stats") {
      emit({ event: "stats", documents: server.hocuspocus.getDocumentsCount(),
             connections: server.hocuspocus.getConnectionsCount(), stores,
             loop: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6,
                     max: loop.max / 1e6 } });
      loop.reset();
    } else if (cmd.cmd === "quit") break;
  }
  await server.destroy();
  emit({ event: "bye", stores });
  process.exit(0);
}

process.on("unhandledRejection", (e) => log(`unhandled: ${e && e.stack || e}`));
main().catch((e) => {
  log(`fatal: ${e && e.stack || e}`);
  emit({ event: "fatal", error: String(e && e.message || e) });
  process.exit(1);
});
