// Opt-in inspection of the live editors, for the browser tests (tests/e2e) and the editor lab:
// only when the page's window already has an `__interviewEditors` array (the tests' init script
// and the lab page create it) is each editor listed there, with a read-only view of its session.
// Nothing is exposed otherwise; this is the only such hook in the app.
import type { OTClient } from '../ot/client';
import type { RemoteCaret } from './carets';

/** What the tests read of a session (the field names the tests use). */
export interface SessionView {
  readonly client: OTClient | null;
  readonly online: boolean;
  readonly catchingUp: boolean;
  readonly paused: boolean;
  readonly readOnly: boolean;
  readonly notice: string | undefined;
  readonly carets: ReadonlyMap<string, RemoteCaret>;
  readonly documentText: string;
}

interface Listed {
  editor: unknown;
  session: SessionView;
}

/** Lists the editor while it lives; returns the function that takes it off the list. */
export function exposeForInspection(editor: unknown, session: SessionView): () => void {
  const list = (window as unknown as { __interviewEditors?: Listed[] }).__interviewEditors;
  if (!list) return () => undefined;
  list.push({ editor, session });
  return () => {
    // only live editors are listed (leaving and joining again makes a new one)
    const i = list.findIndex((e) => e.session === session);
    if (i >= 0) list.splice(i, 1);
  };
}
