"""A test peer's side of the shared document: ot.js-style operations over UTF-16 code units and
the client state machine of docs/PROTOCOL.md (one operation in flight plus a buffer). Written
independently of the plugin's C++ so the two check each other."""

from __future__ import annotations


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _norm(op: list) -> list:
    out: list = []
    for c in op:
        if c == 0 or c == "":
            continue
        if out and type(out[-1]) is type(c) and (isinstance(c, str) or (c > 0) == (out[-1] > 0)):
            out[-1] = out[-1] + c
        elif isinstance(c, str) and out and isinstance(out[-1], int) and out[-1] < 0:
            # insert before delete (ot.js normal form)
            if len(out) >= 2 and isinstance(out[-2], str):
                out[-2] += c
            else:
                out.insert(len(out) - 1, c)
        else:
            out.append(c)
    return out


def base_length(op: list) -> int:
    return sum(abs(c) for c in op if isinstance(c, int))


def target_length(op: list) -> int:
    return sum(units(c) if isinstance(c, str) else c for c in op if isinstance(c, str) or c > 0)


def apply(op: list, doc: bytes) -> bytes:
    """doc is UTF-16-LE bytes (2 bytes a code unit)."""
    out = []
    pos = 0
    for c in op:
        if isinstance(c, str):
            out.append(c.encode("utf-16-le"))
        elif c > 0:
            out.append(doc[pos:pos + 2 * c])
            pos += 2 * c
        else:
            pos += -2 * c
    assert pos == len(doc), f"op base length {pos // 2} != document length {len(doc) // 2}"
    return b"".join(out)


def _split_str(s: str, n: int) -> tuple[str, str]:
    b = s.encode("utf-16-le")
    return b[:2 * n].decode("utf-16-le", "surrogatepass"), b[2 * n:].decode("utf-16-le", "surrogatepass")


def transform(a: list, b: list) -> tuple[list, list]:
    """ot.js transform: a's inserts go first on a tie."""
    a, b = list(a), list(b)
    a1: list = []
    b1: list = []
    i = j = 0
    ca = a[0] if a else None
    cb = b[0] if b else None
    while ca is not None or cb is not None:
        if isinstance(ca, str):
            a1.append(ca)
            b1.append(units(ca))
            i += 1
            ca = a[i] if i < len(a) else None
            continue
        if isinstance(cb, str):
            a1.append(units(cb))
            b1.append(cb)
            j += 1
            cb = b[j] if j < len(b) else None
            continue
        assert ca is not None and cb is not None, "operations of different base length"
        la, lb = abs(ca), abs(cb)
        m = min(la, lb)
        if ca > 0 and cb > 0:
            a1.append(m)
            b1.append(m)
        elif ca < 0 and cb > 0:
            a1.append(-m)
        elif ca > 0 and cb < 0:
            b1.append(-m)
        # both delete: nothing
        sa = 1 if ca > 0 else -1
        sb = 1 if cb > 0 else -1
        if la > m:
            ca = sa * (la - m)
        else:
            i += 1
            ca = a[i] if i < len(a) else None
        if lb > m:
            cb = sb * (lb - m)
        else:
            j += 1
            cb = b[j] if j < len(b) else None
    return _norm(a1), _norm(b1)


def compose(a: list, b: list) -> list:
    # Checked first: a b made on another document can cut one of a's astral inserts in half.
    assert target_length(a) == base_length(b), "compose: length mismatch"
    a, b = list(a), list(b)
    out: list = []
    i = j = 0
    ca = a[0] if a else None
    cb = b[0] if b else None
    while ca is not None or cb is not None:
        if isinstance(ca, int) and ca < 0:
            out.append(ca)
            i += 1
            ca = a[i] if i < len(a) else None
            continue
        if isinstance(cb, str):
            out.append(cb)
            j += 1
            cb = b[j] if j < len(b) else None
            continue
        assert ca is not None and cb is not None, "compose: length mismatch"
        la = units(ca) if isinstance(ca, str) else ca
        lb = abs(cb)
        m = min(la, lb)
        if isinstance(ca, str):
            head, rest = _split_str(ca, m)
            if cb > 0:
                out.append(head)
            ca_next = rest if la > m else None
        else:
            out.append(m if cb > 0 else -m)
            ca_next = ca - m if la > m else None
        if ca_next is None:
            i += 1
            ca = a[i] if i < len(a) else None
        else:
            ca = ca_next
        if lb > m:
            cb = (lb - m) if cb > 0 else -(lb - m)
        else:
            j += 1
            cb = b[j] if j < len(b) else None
    return _norm(out)


class DocClient:
    """The client state machine. Callers feed it local edits and server messages; it says what
    to send. Revisions and seqs follow docs/PROTOCOL.md."""

    def __init__(self, client_id: str, participant_id: str | None = None):
        self.client_id = client_id
        # When known, an op counts as ours only if its author is us too (client ids are unique
        # per participant, not across a room).
        self.participant_id = participant_id
        self.doc = b""
        self.revision = 0
        self.seq = 0
        self.outstanding: dict | None = None  # {"seq", "op"} (op on self.revision)
        self.buffer: list | None = None
        self.acked: list[tuple[str, int]] = []
        self.applied_revisions: list[int] = []
        self.snapshot_parts: list[str] = []

    @property
    def text(self) -> str:
        return self.doc.decode("utf-16-le", "surrogatepass")

    def local_edit(self, op: list) -> dict | None:
        self.doc = apply(op, self.doc)
        if self.outstanding is None:
            self.seq += 1
            self.outstanding = {"seq": self.seq, "op": op}
            return self.op_message()
        self.buffer = op if self.buffer is None else compose(self.buffer, op)
        return None

    def op_message(self) -> dict:
        return {"type": "op", "client_id": self.client_id, "seq": self.outstanding["seq"],
                "revision": self.revision, "op": self.outstanding["op"]}

    def on_message(self, m: dict) -> dict | None:
        """Returns a message to send, if any."""
        t = m.get("type")
        if t == "snapshot":
            self.snapshot_parts.append(m["text"])
            if m["part"] + 1 == m["parts"]:
                text = "".join(self.snapshot_parts)
                self.snapshot_parts = []
                assert self.outstanding is None, "snapshot while an edit is in flight"
                self.doc = text.encode("utf-16-le", "surrogatepass")
                self.revision = m["revision"]
            return None
        if t != "op":
            return None
        if m["revision"] <= self.revision:
            return None  # already have it (e.g. in a snapshot)
        assert m["revision"] == self.revision + 1, f"gap: {self.revision} -> {m['revision']}"
        self.applied_revisions.append(m["revision"])
        own = (self.outstanding is not None and m["client_id"] == self.client_id
               and (self.participant_id is None or m.get("author") == self.participant_id))
        if own and m["seq"] == 0:
            # A piece of our edit, committed in pieces because its transformed form was too
            # long for one message: already in our document; the last piece acknowledges it.
            self.revision = m["revision"]
            return None
        if own and m["seq"] == self.outstanding["seq"]:
            self.acked.append((self.client_id, m["seq"]))
            self.revision = m["revision"]
            self.outstanding = None
            if self.buffer is not None:
                self.seq += 1
                self.outstanding = {"seq": self.seq, "op": self.buffer}
                self.buffer = None
                return self.op_message()
            return None
        op = m["op"]
        if self.outstanding is not None:
            op, self.outstanding["op"] = transform(op, self.outstanding["op"])
            if self.buffer is not None:
                op, self.buffer = transform(op, self.buffer)
        self.doc = apply(op, self.doc)
        self.revision = m["revision"]
        return None

    def idle(self) -> bool:
        return self.outstanding is None and self.buffer is None
