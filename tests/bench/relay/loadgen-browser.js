#!/usr/bin/env node
// Load generator of scripts/bench-relay.sh with headless Chromium's native WebRTC: every peer of
// this process is an RTCPeerConnection in one page of one Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; never a downloaded browser). The peers and the measurement are in
// peers.js, injected into the page; this host relays the orchestrator's commands (stdin) to the
// page and the page's events back (stdout), with the same protocol as loadgen.js.
// Usage: node loadgen-browser.js CONFIG.json
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const readline = require("readline");
const { chromium } = require("playwright-core");

const cfg = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const log = (text) => process.stderr.write(`[loadgen-browser ${cfg.tag || ""}] ${text}\n`);

const ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  // host candidates as plain addresses (127.0.0.2 in the namespace), not mDNS names
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  // a page that runs timers for minutes must not be throttled
  "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
];

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-relay-chromium-"));
  let context;
  const cleanup = async () => {
    try { if (context) await context.close(); } catch (_) { /* exiting anyway */ }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on("SIGTERM", () => { cleanup().finally(() => process.exit(143)); });
  try {
    context = await chromium.launchPersistentContext(dir, {
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: ARGS,
      timeout: 30000,
    });
    const page = context.pages()[0] || await context.newPage();
    page.on("console", (m) => { if (m.type() === "error") log(`console: ${m.text()}`); });
    page.on("pageerror", (e) => log(`pageerror: ${e}`));
    await page.exposeFunction("lgEmit", (obj) => emit(obj));
    await page.exposeFunction("lgLog", (text) => log(text));
    for (const script of ["../common/janus-client.js", "peers.js"]) {
      await page.addScriptTag({ content: fs.readFileSync(path.join(__dirname, script), "utf8") });
    }
    await page.evaluate(() => {
      window.lg = makeLoadGen({ RTCPeerConnection: window.RTCPeerConnection,
                                WebSocket: window.WebSocket, emit: window.lgEmit,
                                log: window.lgLog });
    });
    await page.evaluate(async (c) => { window.peers = await window.lg.connectAll(c); }, cfg);
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) {
      const cmd = JSON.parse(line);
      if (cmd.cmd === "phase") {
        await page.evaluate(async (c) => { await window.lg.runPhase(window.peers, c); }, cmd);
      } else if (cmd.cmd === "quit") break;
    }
    await page.evaluate(async () => { await window.lg.closeAll(window.peers); });
    emit({ event: "bye" });
  } finally {
    await cleanup();
  }
}

main().then(() => process.exit(0), (e) => {
  log(`fatal: ${e && e.stack || e}`);
  emit({ event: "fatal", error: String(e && e.message || e) });
  process.exit(1);
});
