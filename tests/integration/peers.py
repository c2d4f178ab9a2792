"""Headless WebRTC peers for integration tests: aiortc (Debian's python3-aiortc) joined to an
interview through the Janus API, with the plugin's data channel and the test side of the
document protocol (ot_client.DocClient)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import uuid

from aiortc import RTCPeerConnection, RTCSessionDescription

from ot_client import DocClient, apply, units
from stack import JanusClient, plugin_data, record_error


def add_candidates(sdp: str, candidates: list[dict]) -> str:
    """Puts Janus's trickled candidates into its answer before aiortc reads it (aiortc does not
    take trickled candidates in time; see FIELD-NOTES)."""
    lines = sdp.rstrip("\r\n").split("\r\n")
    sections: list[list[str]] = [[]]
    for line in lines:
        if line.startswith("m="):
            sections.append([])
        sections[-1].append(line)
    for c in candidates:
        index = c.get("sdpMLineIndex", 0) + 1
        if 0 < index < len(sections):
            sections[index].append("a=" + c["candidate"])
    for section in sections[1:]:
        section.append("a=end-of-candidates")
    return "\r\n".join(l for s in sections for l in s) + "\r\n"


class Peer:
    """One participant: a Janus session and handle, a PeerConnection with the data channel, and
    a DocClient that keeps its copy of the document."""

    def __init__(self, janus_url: str, interview_id: str, token: str, name: str = "peer",
                 client_id: str | None = None):
        self.janus_url = janus_url
        self.interview_id = interview_id
        self.token = token
        self.name = name
        self.client = DocClient(client_id or f"{name}-{uuid.uuid4().hex[:8]}")
        self.janus: JanusClient | None = None
        self.handle = None
        self.pc: RTCPeerConnection | None = None
        self.channel = None
        self.joined: dict | None = None
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.errors: list[dict] = []
        self.received_ops: list[dict] = []
        self.events: list[dict] = []
        self.synced = asyncio.Event()
        self.bytes_received = 0  # UTF-8 bytes of every data-channel message received
        self.largest_received = 0
        self.answer_sdp: str | None = None  # the plugin's SDP answer, as Janus sent it
        self.paused = False
        self.connected = False
        self._changed = asyncio.Event()

    async def connect(self, last_revision: int | None = None, hello: bool = True,
                      wait_synced: bool = True) -> dict:
        self.janus = JanusClient(self.janus_url)
        # Janus gone (killed) shows first as its WebSocket closing; the data channel's own
        # close takes an ICE consent timeout.
        self.janus.on_close = self._on_close
        await self.janus.__aenter__()
        await self.janus.create_session()
        self.handle = await self.janus.attach()
        self.joined = plugin_data(await self.janus.message(
            self.handle, {"request": "join", "interview_id": self.interview_id,
                          "token": self.token}))
        if self.joined.get("interview") != "joined":
            return self.joined
        # An op counts as ours only when its author is us too (client ids are per participant).
        self.client.participant_id = self.joined["you"]["id"]
        await self.open_channel(last_revision, hello, wait_synced)
        return self.joined

    async def open_channel(self, last_revision: int | None, hello: bool = True,
                           wait_synced: bool = True) -> None:
        """The PeerConnection and its data channel; then (unless told not to) hello, and the
        wait for `synced`."""
        self.pc = RTCPeerConnection()
        self.channel = self.pc.createDataChannel("interview")
        opened = asyncio.Event()
        self.channel.on("open", opened.set)
        self.channel.on("message", self._on_message)
        self.channel.on("close", self._on_close)
        await self.pc.setLocalDescription(await self.pc.createOffer())
        reply = await self.janus.message(self.handle, {"request": "connect"},
                                         jsep={"type": "offer",
                                               "sdp": self.pc.localDescription.sdp})
        data = plugin_data(reply)
        assert data.get("interview") == "connected", data
        candidates = []
        while True:
            t = await self.janus.next_trickle(self.handle)
            c = t["candidate"]
            if c.get("completed"):
                break
            candidates.append(c)
        self.answer_sdp = reply["jsep"]["sdp"]
        answer = add_candidates(reply["jsep"]["sdp"], candidates)
        await self.pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
        await asyncio.wait_for(opened.wait(), 15)
        self.synced.clear()
        if hello:
            self.send({"type": "hello", "client_id": self.client.client_id,
                       "last_revision": last_revision})
            if wait_synced:
                await asyncio.wait_for(self.synced.wait(), 15)
        self.connected = True

    def send(self, message: dict | str) -> None:
        if self.channel is None or self.channel.readyState != "open":
            return  # lost; the client state machine resends what matters after reconnecting
        # compact, as JSON.stringify writes it
        self.channel.send(message if isinstance(message, str) else
                          json.dumps(message, separators=(",", ":")))

    def _on_close(self) -> None:
        self.connected = False
        self._changed.set()

    async def reconnect(self) -> dict:
        """A new Janus session, join and PeerConnection; hello with the last revision seen."""
        await self.close()
        self.connected = False
        return await self.connect(last_revision=self.client.revision)

    def _on_message(self, raw) -> None:
        size = len(raw.encode()) if isinstance(raw, str) else len(raw)
        self.bytes_received += size
        self.largest_received = max(self.largest_received, size)
        m = json.loads(raw)
        t = m.get("type")
        if t == "op":
            self.received_ops.append(m)
        elif t == "error":
            self.errors.append(m)
            record_error(m)
            if m.get("error") in ("storage_unavailable", "rate_limited") and \
                    self.client.outstanding is not None and m.get("seq") == \
                    self.client.outstanding["seq"]:
                pass  # kept; resent after "resumed" or by the caller
        elif t == "paused":
            self.paused = True
        elif t == "resumed":
            self.paused = False
            # rebuild from the store: say hello again, catch up, resend
            self.synced.clear()
            self.send({"type": "hello", "client_id": self.client.client_id,
                       "last_revision": self.client.revision})
        elif t == "synced":
            self.synced.set()
            if self.client.outstanding is not None and not self.paused:
                self.send(self.client.op_message())
        else:
            self.events.append(m)
        reply = self.client.on_message(m)
        if reply is not None:
            self.send(reply)
        self.inbox.put_nowait(m)
        self._changed.set()

    async def wait_for(self, predicate, timeout: float = 20):
        """Waits until predicate(self) holds, re-checking on every message received."""
        async def loop():
            while not predicate(self):
                self._changed.clear()
                await self._changed.wait()
        await asyncio.wait_for(loop(), timeout)

    async def next_message(self, type_: str, timeout: float = 10) -> dict:
        while True:
            m = await asyncio.wait_for(self.inbox.get(), timeout)
            if m.get("type") == type_:
                return m

    def random_edit(self, rng: random.Random) -> list:
        """A random edit on the current local text: inserts of emoji, CJK, combining marks and
        multi-line pastes, deletes across anything; never splitting a surrogate pair."""
        text = self.client.text
        n = units(text)
        # code-unit offsets that are code point boundaries
        bounds = [0]
        for ch in text:
            bounds.append(bounds[-1] + (2 if ord(ch) > 0xFFFF else 1))
        pos = rng.choice(bounds)
        if n > 0 and rng.random() < 0.35:
            end = rng.choice([b for b in bounds if b > pos] or [pos])
            return [x for x in (pos, -(end - pos), n - end) if x]
        piece = rng.choice(["a", "b", "x", " ", "\n", "😀", "漢字", "é", "e\u0301", "🎉ok",
                            "def f():\n    return 1\n", "한국어", "𝔘𝔫𝔦", "—"])
        return [x for x in (pos, piece, n - pos) if x]

    def edit(self, op: list) -> None:
        out = self.client.local_edit(op)
        if out is not None and not self.paused:
            self.send(out)

    async def close(self) -> None:
        if self.janus:
            self.janus.on_close = None
        if self.pc:
            await self.pc.close()
        if self.janus:
            await self.janus.close()


@contextlib.asynccontextmanager
async def joined_peers(janus_url: str, interview: dict, roles=("applicant", "recruiter")):
    """Peers of the given roles (the first token of each), joined with their data channel open;
    closed again on the way out, whatever happened."""
    peers = [Peer(janus_url, interview["id"], interview["tokens"][role][0], name=role[0])
             for role in roles]
    try:
        for p in peers:
            joined = await p.connect()
            assert joined["interview"] == "joined", joined
        yield peers
    finally:
        for p in peers:
            await p.close()
