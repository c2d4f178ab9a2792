#!/usr/bin/env node
// Load generator of scripts/bench-relay.sh with node-datachannel (libdatachannel, native; the
// default) or werift (pure TypeScript WebRTC; `--client werift`) peers in this Node process; the
// peers and the measurement are in peers.js. Usage: node loadgen.js CONFIG.json
//
// Protocol with the orchestrator (run.py) on stdin/stdout, one JSON object a line:
//   -> {"event":"ready", ...}            all peers connected and synced
//   <- {"cmd":"phase","name":...,"rate":R,"warmup_s":W,"measure_s":D}
//   -> {"event":"measure_start","name":...} after the warm-up (the orchestrator samples /proc, Redis)
//   -> {"event":"measure_end","name":...}   (sampled again), then sending stops and in-flight
//                                           messages drain
//   -> {"event":"phase_result", ...}       latency records of the messages sent in the window
//   <- {"cmd":"quit"}                     closes every peer and exits
"use strict";

const WebSocket = require("ws");
const { makeLoadGen, nodeHooks, runLoadGenProcess } = require("./peers.js");

const cfg = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
// werift: WebRTC in TypeScript; datachannel: libdatachannel (C++) through node-datachannel's
// W3C-style polyfill, which costs the client much less CPU per message.
const { RTCPeerConnection } = cfg.webrtc === "datachannel"
  ? require("node-datachannel/polyfill") : require("werift");
const log = (text) => process.stderr.write(`[loadgen ${cfg.tag || ""}] ${text}\n`);

const lg = makeLoadGen({
  RTCPeerConnection,
  WebSocket,
  ...nodeHooks(log),
});

runLoadGenProcess(lg, cfg, log);
