// <CollaborativeEditor />: Monaco with an EditorSession (session.ts) on a DocChannel, the
// language picker, who is in the document, the sync state and the read-only and notice lines.
import { useEffect, useRef, useState } from 'react';
import Editor from '@monaco-editor/react';
import './monaco';
import { EditorSession, type EditorStatus } from './session';
import type { DocChannel } from '../protocol';
import { LANGUAGES } from '../labels';

export interface CollaborativeEditorProps {
  channel: DocChannel;
  clientId: string;
  nextSeq: () => number;
  selfId?: string;
  canEdit: boolean;
  /** e.g. the interview is over: shown above the editor */
  overMessage?: string;
  onStatus?: (s: EditorStatus) => void;
  label?: string;
}

// One constant object: @monaco-editor/react re-applies `options` whenever its identity changes,
// which would undo the session's own readOnly switching.
const EDITOR_OPTIONS = {
  automaticLayout: true,
  minimap: { enabled: false },
  fontSize: 14,
  tabSize: 4,
  scrollBeyondLastLine: false,
  renderWhitespace: 'selection',
  ariaLabel: 'Shared code editor',
  accessibilitySupport: 'auto',
  // Monaco pastes and drops asynchronously and cancels silently if the text changes meanwhile
  // (a remote edit arriving): the paste would be lost. Plain synchronous paste and drop.
  pasteAs: { enabled: false },
  dropIntoEditor: { enabled: false },
} as const;

const INITIAL: EditorStatus = {
  ready: false,
  online: false,
  pending: false,
  paused: false,
  readOnly: true,
  language: 'plaintext',
  revision: 0,
  carets: [],
};

function syncLabel(s: EditorStatus): { text: string; tone: 'ok' | 'busy' | 'warn' } {
  if (!s.ready) return { text: s.online ? 'Loading the document…' : 'Waiting for the connection…', tone: 'busy' };
  if (s.paused) return { text: 'Saving paused: edits are kept and sent when storage is back', tone: 'warn' };
  if (!s.online) return { text: s.pending ? 'Offline: your edits are kept and will be sent' : 'Offline', tone: 'warn' };
  if (s.pending) return { text: 'Saving…', tone: 'busy' };
  return { text: 'All changes saved', tone: 'ok' };
}

export function CollaborativeEditor(p: CollaborativeEditorProps) {
  const [status, setStatus] = useState<EditorStatus>(INITIAL);
  const sessionRef = useRef<EditorSession | null>(null);
  const mounted = useRef<Parameters<EditorSession['attach']> | null>(null);
  const onStatusRef = useRef(p.onStatus);
  onStatusRef.current = p.onStatus;

  useEffect(() => {
    const s = new EditorSession({
      channel: p.channel,
      clientId: p.clientId,
      nextSeq: p.nextSeq,
      selfId: p.selfId,
      canEdit: p.canEdit,
      onStatus: (st) => {
        setStatus(st);
        onStatusRef.current?.(st);
      },
    });
    sessionRef.current = s;
    if (mounted.current) s.attach(...mounted.current);
    return () => {
      s.dispose();
      sessionRef.current = null;
    };
    // the session lives as long as the channel
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.channel, p.clientId]);

  useEffect(() => {
    if (p.overMessage) sessionRef.current?.setReadOnly('ended');
  }, [p.overMessage, p.channel]);

  const sync = syncLabel(status);
  const readOnly = status.readOnly;
  return (
    <section className="editor-pane" aria-label={p.label ?? 'Shared code editor'}>
      <div className="editor-bar">
        <label className="field-inline">
          <span>Language</span>
          <select
            value={status.language}
            disabled={!status.ready || readOnly}
            onChange={(e) => sessionRef.current?.setLanguage(e.target.value)}
            aria-describedby="language-help"
          >
            {LANGUAGES.some((l) => l.id === status.language) ? null : <option value={status.language}>{status.language}</option>}
            {LANGUAGES.map((l) => (
              <option key={l.id} value={l.id}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <span id="language-help" className="sr-only">
          Changes the language for everyone in the room
        </span>
        {/* Monaco keeps Tab for indenting; its own switch lets the keyboard leave the editor. */}
        <span className="tab-hint muted small" id="tab-hint">
          Tab indents; press <kbd>Ctrl</kbd>+<kbd>M</kbd> (macOS: <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>M</kbd>) to move focus with Tab instead
        </span>
        <div className="carets" aria-label="People in the editor">
          {status.carets.map((c) => (
            <span key={c.id} className="caret-chip" style={{ borderColor: c.colour }} title={`${c.name} (${c.role})`}>
              <span className="dot" style={{ background: c.colour }} aria-hidden="true" />
              {c.name}
            </span>
          ))}
        </div>
        <span className={`sync sync-${sync.tone}`} role="status" aria-live="polite">
          {sync.text}
          {status.rttMs !== undefined && status.online ? <span className="rtt"> · {Math.round(status.rttMs)} ms</span> : null}
        </span>
      </div>
      {p.overMessage || (status.readOnly && status.ready && status.readOnlyReason) ? (
        <div className="editor-note" role="note">
          {/* the room's banner says why (once); the editor only says what it means for the code */}
          Read-only: the code can no longer be changed.
        </div>
      ) : !p.canEdit ? (
        <div className="editor-note" role="note">
          You are observing: you can read along but not edit.
        </div>
      ) : null}
      {status.notice ? (
        <div className="editor-note warn" role="alert">
          {status.notice}
        </div>
      ) : null}
      <div className="editor-host">
        <Editor
          defaultValue=""
          defaultLanguage="plaintext"
          theme="vs-dark"
          loading={<div className="editor-loading">Loading the editor…</div>}
          options={EDITOR_OPTIONS}
          onMount={(editor, monaco) => {
            mounted.current = [editor, monaco];
            sessionRef.current?.attach(editor, monaco);
          }}
        />
      </div>
    </section>
  );
}
