// What the editor does with an `error` on the data channel (docs/PROTOCOL.md, Errors), as a pure
// decision (unit-tested in test/editorSession.test.ts): pause and keep the edit, resend it
// later, stop editing, or load the document again; anything else is shown to the user.
import type { ServerMessage } from '../protocol';

export interface DocErrorReaction {
  /** storage is unavailable: hold our edit until `resumed` */
  pause?: true;
  /** resend our edit in flight after this long */
  retryAfterMs?: number;
  /** no more edits from here */
  readOnly?: true;
  /** shown above the editor */
  notice?: string;
  /** load the document again from scratch */
  resync?: true;
}

export function reactToDocError(m: Extract<ServerMessage, { type: 'error' }>): DocErrorReaction {
  switch (m.error) {
    case 'storage_unavailable':
      return { pause: true }; // kept; resent on `resumed`
    case 'rate_limited':
      return { retryAfterMs: 1000 };
    case 'read_only':
    case 'interview_ended':
      return { readOnly: true };
    case 'forbidden_for_role':
      return { readOnly: true, notice: 'Your role cannot edit the code.' };
    case 'revision_too_old':
    case 'invalid_operation':
      return { notice: 'The document was reloaded from the server.', resync: true };
    case 'not_joined':
      return {}; // the room reconnects and joins again
    default:
      return { notice: m.message ?? m.error };
  }
}
