// The editor lab: an in-page stand-in for the plugin's data channel, so the editor can be tried
// (and tested in a headless browser) without Janus. Rules as in docs/PROTOCOL.md. What it
// delivers goes through JSON and the protocol's parser, as on the real data channel.
import { ChannelEvents } from '../channelEvents';
import { LocalAuthority } from '../ot/localAuthority';
import { parseOp } from '../ot/operation';
import { sha256Hex } from '../ot/checksum';
import { parseServerMessage, type ClientMessage, type DocChannel, type ServerMessage } from '../protocol';
import type { Participant } from '../api';

export class LabServer {
  readonly auth = new LocalAuthority('');
  language = 'python';
  latencyMs = 80;
  readonly clients = new Set<LabChannel>();
  constructor(text: string) {
    this.auth.doc = text;
  }
  deliver(to: LabChannel, m: ServerMessage): void {
    setTimeout(() => to.receive(m), this.latencyMs);
  }
  async handle(from: LabChannel, m: ClientMessage): Promise<void> {
    switch (m.type) {
      case 'hello': {
        const last = m.last_revision;
        if (last === null || last > this.auth.revision) {
          const text = this.auth.doc;
          const cut = Math.ceil(text.length / 2);
          // two parts, to exercise reassembly (never between the halves of a pair)
          const at = cut > 0 && cut < text.length && /[\uDC00-\uDFFF]/.test(text[cut]) ? cut + 1 : cut;
          const parts = text.length > 4 ? [text.slice(0, at), text.slice(at)] : [text];
          parts.forEach((t, i) => this.deliver(from, { type: 'snapshot', revision: this.auth.revision, language: this.language, read_only: false, part: i, parts: parts.length, text: t }));
        } else {
          for (const e of this.auth.since(last)) this.deliver(from, { type: 'op', ...e });
          this.deliver(from, { type: 'synced', revision: this.auth.revision });
        }
        return;
      }
      case 'op': {
        try {
          const { entry, duplicate } = this.auth.submit({ ...m, op: parseOp(m.op) }, from.me.id);
          if (duplicate) this.deliver(from, { type: 'op', ...entry });
          else for (const c of this.clients) if (c.online) this.deliver(c, { type: 'op', ...entry });
        } catch (e) {
          this.deliver(from, { type: 'error', error_code: 480, error: 'invalid_operation', message: String(e), seq: m.seq });
        }
        return;
      }
      case 'presence':
        for (const c of this.clients) if (c !== from && c.online) this.deliver(c, { type: 'presence', participant: from.me, colour: from.colour, revision: m.revision, cursor: m.cursor, selection: m.selection });
        return;
      case 'language':
        this.language = m.language;
        for (const c of this.clients) if (c !== from && c.online) this.deliver(c, { type: 'language', language: m.language, by: from.me.id });
        return;
      case 'check': {
        const sum = await sha256Hex(this.auth.doc);
        if (m.revision === this.auth.revision && sum !== m.checksum) {
          this.deliver(from, { type: 'snapshot', revision: this.auth.revision, language: this.language, read_only: false, part: 0, parts: 1, text: this.auth.doc });
        } else this.deliver(from, { type: 'check_ok', revision: m.revision });
        return;
      }
      case 'ping':
        this.deliver(from, { type: 'pong', t: m.t });
        return;
    }
  }
}

export class LabChannel extends ChannelEvents implements DocChannel {
  online = true;
  readonly sent: ClientMessage[] = [];
  constructor(
    private readonly server: LabServer,
    readonly me: Participant,
    readonly colour: string,
  ) {
    super();
    server.clients.add(this);
  }
  send(m: ClientMessage): boolean {
    if (!this.online) return false;
    this.sent.push(m);
    setTimeout(() => void this.server.handle(this, m), this.server.latencyMs);
    return true;
  }
  isOpen() {
    return this.online;
  }
  receive(m: ServerMessage) {
    if (!this.online) return;
    const a = parseServerMessage(JSON.stringify(m));
    if (a.kind === 'message') this.messages.emit(a.message);
    else if (a.kind === 'invalid') this.invalids.emit(a.invalid);
  }
  setOnline(on: boolean) {
    if (on === this.online) return;
    this.online = on;
    if (on) this.opens.emit();
    else this.closes.emit();
  }
}
