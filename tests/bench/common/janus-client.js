// The Janus API over WebSocket for the benchmarks' load generators: a session with keepalives,
// attach, message (with JSEP), trickle, and per-handle callbacks for trickled candidates and
// events. A plain script: required in Node (tests/bench/media/loadgen.js,
// tests/bench/relay/peers.js) and injected into the page before peers.js by
// tests/bench/relay/loadgen-browser.js. `WebSocketImpl`: Node's `ws` or the browser's WebSocket.
"use strict";

(function (root) {
  class JanusClient {
    constructor(url, WebSocketImpl, requestTimeoutMs = 30000) {
      this.url = url;
      this.WebSocket = WebSocketImpl;
      this.requestTimeoutMs = requestTimeoutMs;
      this.tx = 0;
      this.pending = new Map();
      this.trickleHandlers = new Map();
      this.eventHandlers = new Map();
    }
    open() {
      return new Promise((resolve, reject) => {
        this.ws = new this.WebSocket(this.url, "janus-protocol");
        this.ws.onopen = resolve;
        this.ws.onerror = () => reject(new Error(`WebSocket error: ${this.url}`));
        this.ws.onmessage = (ev) => this.onMessage(JSON.parse(String(ev.data)));
      });
    }
    onMessage(m) {
      const p = this.pending.get(m.transaction);
      if (p && m.janus !== "ack") {
        this.pending.delete(m.transaction);
        if (m.janus === "error") p.reject(new Error(JSON.stringify(m.error)));
        else p.resolve(m);
        return;
      }
      if (m.janus === "trickle") {
        const h = this.trickleHandlers.get(m.sender);
        if (h) h(m.candidate);
      } else if (m.janus === "event" || m.janus === "hangup" || m.janus === "detached") {
        const h = this.eventHandlers.get(m.sender);
        if (h) h(m);
      }
    }
    request(body, timeoutMs = this.requestTimeoutMs) {
      const transaction = `t${++this.tx}`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(transaction);
          reject(new Error(`timeout: ${body.janus} ${JSON.stringify(body.body || "")}`));
        }, timeoutMs);
        this.pending.set(transaction, {
          resolve: (m) => { clearTimeout(timer); resolve(m); },
          reject: (e) => { clearTimeout(timer); reject(e); },
        });
        this.ws.send(JSON.stringify({ ...body, transaction }));
      });
    }
    async createSession() {
      const r = await this.request({ janus: "create" });
      this.session = r.data.id;
      this.keepalive = setInterval(() => {
        this.ws.send(JSON.stringify({ janus: "keepalive", session_id: this.session,
                                      transaction: `k${++this.tx}` }));
      }, 20000);
    }
    async attach(plugin) {
      const r = await this.request({ janus: "attach", plugin, session_id: this.session });
      return r.data.id;
    }
    message(handle, body, jsep) {
      const msg = { janus: "message", session_id: this.session, handle_id: handle, body };
      if (jsep) msg.jsep = jsep;
      return this.request(msg);
    }
    trickle(handle, candidate) {
      this.ws.send(JSON.stringify({ janus: "trickle", session_id: this.session, handle_id: handle,
                                    candidate, transaction: `c${++this.tx}` }));
    }
    close() {
      clearInterval(this.keepalive);
      try { this.ws.close(); } catch (_) { /* closing anyway */ }
    }
  }

  if (typeof module !== "undefined") module.exports = { JanusClient };
  else root.JanusClient = JanusClient;
})(globalThis);
