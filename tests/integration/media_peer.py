"""A headless participant with audio and video for the media integration tests: peers.Peer (the
Janus session, the plugin's `interview` data channel and the document client) extended with an
aiortc PeerConnection that publishes synthetic media and offers fixed receive slots, as
docs/PROTOCOL.md (`connect`, `configure`, the `media` event) describes.

What a MediaPeer records, for the tests to wait on:
- every event the plugin pushes to its handle (`media`, `participant_left`, `slow_link`, ...),
  and Janus's own per-handle events (`webrtcup`, `hangup`, `slowlink`, ...);
- per receive slot (transceiver mid): decoded video frames and their size, decoded audio frames,
  and per participant the frames decoded while the latest `media` event said the slot was theirs;
- per sending kind: the keyframe requests (RTCP PLI) the publisher received (see
  `_count_keyframe_requests` for why this patches aiortc).

One change is made to what aiortc offers: header extension ids made unique across the bundle
(`bundle_unique_extmap_ids`), without which aiortc 1.4 kills its own connection on the first
forwarded audio packet.

Runs only under Debian's /usr/bin/python3 (python3-aiortc 1.4.0), inside scripts/netns.sh."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamError

from peers import Peer, add_candidates
from stack import JanusClient, plugin_data

VIDEO_SOURCE = "testsrc=size=320x240:rate=15"
AUDIO_SOURCE = "sine=frequency=440"
DEFAULT_SLOTS = 3  # max_participants (4 by default) - 1


@dataclass
class Received:
    """What arrived on one receive slot (a transceiver the plugin sends into)."""
    mid: str
    kind: str
    frames: int = 0
    width: int | None = None
    height: int | None = None
    first_at: float | None = None   # time.monotonic() of the first decoded frame
    last_at: float | None = None
    sizes: set = field(default_factory=set)


class MediaPeer(Peer):
    """One participant with media. `publish_audio` / `publish_video` add a sending m-line of that
    kind (direction `publish_direction`, sendrecv as a browser's addTrack gives); `slots` is the
    number of recvonly audio and of recvonly video m-lines (receive slots) in the offer.

    Typical use: `await peer.connect()` (attach, join, offer, answer, data channel open, document
    synced), then `await peer.wait_for(lambda p: ..., timeout, "what")`, then `await peer.close()`.
    The steps are also available one by one (`attach`, `join`, `make_offer`, `send_connect`,
    `finish_connect`) for the tests of refused requests."""

    def __init__(self, janus_url: str, interview_id: str, token: str, name: str = "peer",
                 publish_audio: bool = True, publish_video: bool = True,
                 slots: int = DEFAULT_SLOTS, publish_direction: str = "sendrecv",
                 plugin: str = "janus.plugin.interview", hello: bool = True):
        super().__init__(janus_url, interview_id, token, name=name)
        self.publish_audio = publish_audio
        self.publish_video = publish_video
        self.slots = slots
        self.publish_direction = publish_direction
        self.plugin = plugin
        self.hello = hello
        self.plugin_events: list[dict] = []   # plugindata.data of every pushed plugin event
        self.janus_events: list[dict] = []    # Janus's own events: webrtcup, hangup, slowlink...
        self.received: dict[str, Received] = {}          # by mid
        self.by_participant: dict[tuple[str, str], int] = {}  # (participant id, kind) -> frames
        self.keyframe_requests: dict[str, list[float]] = {"audio": [], "video": []}
        self.connected_reply: dict | None = None
        self.offer_sdp: str | None = None    # the SDP last sent with `connect`
        self.answer_sdp: str | None = None
        self.players: list[MediaPlayer] = []
        self.local_tracks: list = []
        self.publish_transceivers: dict[str, object] = {}  # kind -> transceiver
        self._owner: dict[str, str] = {}      # mid -> participant id, from the last `media`
        self._tasks: list[asyncio.Task] = []
        self._pump: asyncio.Task | None = None

    # --- the Janus session ------------------------------------------------------------------

    async def attach(self) -> int:
        """A Janus session and a handle on the plugin; starts recording its pushed events."""
        self.janus = JanusClient(self.janus_url)
        self.janus.on_close = self._on_close
        await self.janus.__aenter__()
        await self.janus.create_session()
        self.handle = await self.janus.attach(self.plugin)
        self._pump = asyncio.create_task(self._pump_events())
        return self.handle

    async def _pump_events(self) -> None:
        while True:
            event = await self.janus.next_event(self.handle, timeout=None)
            if "plugindata" in event:
                data = plugin_data(event)
                self.plugin_events.append(data)
                if data.get("event") == "media":
                    self._owner = {s["mid"]: s["participant_id"]
                                   for s in data.get("streams", [])}
            else:
                self.janus_events.append(event)
            self._changed.set()

    async def request(self, body: dict, jsep: dict | None = None, timeout: float = 15) -> dict:
        """A plugin request on this handle; returns the plugin's answer (plugindata.data).
        A refusal by Janus itself (not the plugin) raises stack.JanusError."""
        return plugin_data(await self.janus.message(self.handle, body, jsep=jsep,
                                                    timeout=timeout))

    async def join(self) -> dict:
        self.joined = await self.request({"request": "join", "interview_id": self.interview_id,
                                          "token": self.token})
        return self.joined

    async def connect(self, last_revision: int | None = None) -> dict:
        """Attach, join and, when joined, connect with media; returns the `joined` answer."""
        if self.janus is None:
            await self.attach()
        joined = await self.join()
        if joined.get("interview") != "joined":
            return joined
        await self.open_channel(last_revision)
        return joined

    # --- the PeerConnection -----------------------------------------------------------------

    def build_pc(self) -> RTCPeerConnection:
        """The PeerConnection: the data channel, the publish m-lines, then the receive slots
        (audio and video alternating, as a browser client would add them)."""
        self.pc = RTCPeerConnection()
        self.channel = self.pc.createDataChannel("interview")
        self.channel.on("message", self._on_message)
        self.channel.on("close", self._on_close)
        if self.publish_audio:
            player = MediaPlayer(AUDIO_SOURCE, format="lavfi")
            self.players.append(player)
            self.local_tracks.append(player.audio)
            self.publish_transceivers["audio"] = self.pc.addTransceiver(
                player.audio, direction=self.publish_direction)
        if self.publish_video:
            player = MediaPlayer(VIDEO_SOURCE, format="lavfi")
            self.players.append(player)
            self.local_tracks.append(player.video)
            self.publish_transceivers["video"] = self.pc.addTransceiver(
                player.video, direction=self.publish_direction)
        for _ in range(self.slots):
            self.pc.addTransceiver("audio", direction="recvonly")
            self.pc.addTransceiver("video", direction="recvonly")
        for transceiver in self.publish_transceivers.values():
            self._count_keyframe_requests(transceiver.sender)
        self.pc.on("track", self._on_track)
        return self.pc

    def _count_keyframe_requests(self, sender) -> None:
        """Counts the keyframe requests this publisher receives, per kind.

        aiortc 1.4 keeps no count of them (its outbound stats have no pliCount). Its
        RTCRtpSender._handle_rtcp_packet answers an RTCP PSFB PLI by calling
        self._send_keyframe(), which only sets a private flag so that the next frame is encoded
        as a keyframe (aiortc ignores FIR altogether; the plugin sends PLI). Shadowing that method
        on this sender instance counts each request and then does exactly what aiortc did."""
        kind = sender.kind
        original = sender._send_keyframe

        def counted() -> None:
            self.keyframe_requests[kind].append(time.monotonic())
            self._changed.set()
            original()

        sender._send_keyframe = counted

    def _on_track(self, track) -> None:
        transceiver = next(t for t in self.pc.getTransceivers() if t.receiver.track is track)
        stats = self.received.setdefault(transceiver.mid, Received(transceiver.mid, track.kind))
        self._tasks.append(asyncio.create_task(self._consume(track, stats)))

    async def _consume(self, track, stats: Received) -> None:
        """Decoded frames of one remote track (aiortc decodes in its own thread and queues them)."""
        try:
            while True:
                frame = await track.recv()
                now = time.monotonic()
                stats.frames += 1
                stats.first_at = stats.first_at or now
                stats.last_at = now
                if stats.kind == "video":
                    stats.width, stats.height = frame.width, frame.height
                    stats.sizes.add((frame.width, frame.height))
                owner = self._owner.get(stats.mid)
                if owner is not None:
                    key = (owner, stats.kind)
                    self.by_participant[key] = self.by_participant.get(key, 0) + 1
                self._changed.set()
        except MediaStreamError:
            pass

    async def make_offer(self) -> str:
        """Builds the PeerConnection (once) and returns the offer's SDP to send (see
        bundle_unique_extmap_ids for the one change made to aiortc's)."""
        if self.pc is None:
            self.build_pc()
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return bundle_unique_extmap_ids(self.pc.localDescription.sdp)

    async def send_connect(self, sdp: str | None = None, jsep: dict | None = None,
                           body: dict | None = None) -> dict:
        """Sends `connect` with the offer (or the given jsep); returns the plugin's answer.
        The raw reply (with Janus's JSEP) is kept in self.last_reply."""
        if jsep is None:
            jsep = {"type": "offer", "sdp": sdp if sdp is not None else await self.make_offer()}
        self.offer_sdp = jsep.get("sdp")
        reply = await self.janus.message(self.handle, body or {"request": "connect"}, jsep=jsep,
                                         timeout=20)
        self.last_reply = reply
        return plugin_data(reply)

    async def finish_connect(self, reply: dict) -> None:
        """Takes Janus's answer: collects its trickled candidates until `completed`, puts them
        into the answer (aiortc needs them before setRemoteDescription, see peers.py) and waits
        for the data channel to open."""
        candidates = []
        while True:
            c = (await self.janus.next_trickle(self.handle, timeout=15))["candidate"]
            if c.get("completed"):
                break
            candidates.append(c)
        self.answer_sdp = reply["jsep"]["sdp"]
        opened = asyncio.Event()
        if self.channel.readyState == "open":
            opened.set()
        self.channel.on("open", opened.set)
        await self.pc.setRemoteDescription(RTCSessionDescription(
            add_candidates(self.answer_sdp, candidates), "answer"))
        await asyncio.wait_for(opened.wait(), 15)

    async def open_channel(self, last_revision: int | None = None) -> None:
        """connect: offer, answer, ICE/DTLS up, and (with `hello`) the document synced."""
        data = await self.send_connect()
        assert data.get("interview") == "connected", f"{self.name}: connect refused: {data}"
        self.connected_reply = data
        await self.finish_connect(self.last_reply)
        if self.hello:
            self.synced.clear()
            self.send({"type": "hello", "client_id": self.client.client_id,
                       "last_revision": last_revision})
            await self.wait_for(lambda p: p.synced.is_set(), 15, "the document to sync")
        self.connected = True

    async def drop_pc(self) -> None:
        """Closes this PeerConnection and its sources, so that `make_offer` builds a new one
        (after a refused offer, with other publish_* settings)."""
        for track in self.local_tracks:
            track.stop()
        if self.pc:
            await self.pc.close()
        self.pc, self.channel, self.local_tracks, self.publish_transceivers = None, None, [], {}

    # --- requests ---------------------------------------------------------------------------

    async def configure(self, audio: bool | None = None, video: bool | None = None,
                        **raw) -> dict:
        body = {"request": "configure", **raw}
        if audio is not None:
            body["audio"] = audio
        if video is not None:
            body["video"] = video
        return await self.request(body)

    async def leave(self) -> dict:
        return await self.request({"request": "leave"})

    async def hangup(self) -> None:
        """Janus's own hangup of this handle's PeerConnection (the handle stays)."""
        await self.janus.request({"janus": "hangup", "session_id": self.janus.session_id,
                                  "handle_id": self.handle})

    async def send_pli(self, mid: str) -> int:
        """Sends an RTCP PLI for what arrives on receive slot `mid`, as a browser does when it
        needs a keyframe; returns the media SSRC it named. aiortc's RTCRtpReceiver has
        _send_rtcp_pli(media_ssrc) for its own jitter buffer; the SSRC is the one Janus sends
        that slot with (the receiver's active synchronization sources)."""
        transceiver = self.transceiver(mid)
        sources = transceiver.receiver.getSynchronizationSources()
        assert sources, f"{self.name}: nothing received on mid {mid} yet, no SSRC to name"
        ssrc = sources[0].source
        await transceiver.receiver._send_rtcp_pli(ssrc)
        return ssrc

    # --- what was received ------------------------------------------------------------------

    def transceiver(self, mid: str):
        return next(t for t in self.pc.getTransceivers() if t.mid == mid)

    def slot_mids(self, kind: str | None = None) -> list[str]:
        """The mids of this peer's receive slots (recvonly transceivers), in offer order."""
        return [t.mid for t in self.pc.getTransceivers()
                if t.direction == "recvonly" and (kind is None or t.kind == kind)]

    def events_named(self, name: str) -> list[dict]:
        return [e for e in self.plugin_events if e.get("event") == name]

    @property
    def media(self) -> dict | None:
        """The latest `media` event (the whole state of what this handle sees)."""
        events = self.events_named("media")
        return events[-1] if events else None

    def publisher_ids(self) -> list[str]:
        return [p["participant"]["id"] for p in (self.media or {}).get("publishers", [])]

    def publisher(self, participant_id: str) -> dict | None:
        return next((p for p in (self.media or {}).get("publishers", [])
                     if p["participant"]["id"] == participant_id), None)

    def mids_of(self, participant_id: str) -> dict[str, list[str]]:
        """{kind: [mids]} of the slots the latest `media` event gives to this participant."""
        out: dict[str, list[str]] = {}
        for s in (self.media or {}).get("streams", []):
            if s["participant_id"] == participant_id:
                out.setdefault(s["type"], []).append(s["mid"])
        return out

    def frames(self, mid: str) -> int:
        return self.received[mid].frames if mid in self.received else 0

    def frames_from(self, participant_id: str, kind: str) -> int:
        return self.by_participant.get((participant_id, kind), 0)

    @property
    def id(self) -> str:
        return self.joined["you"]["id"]

    def state(self) -> str:
        """A short dump for failure messages."""
        recv = {m: (r.kind, r.frames, r.width, r.height) for m, r in sorted(self.received.items())}
        events = [e.get("event") or e.get("interview") for e in self.plugin_events]
        return (f"{self.name}: received {recv}; by participant {self.by_participant}; "
                f"keyframe requests { {k: len(v) for k, v in self.keyframe_requests.items()} }; "
                f"plugin events {events}; last media {json.dumps(self.media)}; "
                f"janus events {[e.get('janus') for e in self.janus_events]}; "
                f"ice {self.pc.iceConnectionState if self.pc else None}")

    async def wait_for(self, predicate, timeout: float = 20, what: str = "a condition"):
        """Waits until predicate(self) holds, re-checking whenever a frame, an event, a data
        channel message or a keyframe request arrives; fails loudly with the peer's state."""
        async def loop():
            while not predicate(self):
                self._changed.clear()
                await self._changed.wait()
        try:
            await asyncio.wait_for(loop(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"{self.name}: timed out after {timeout}s waiting for {what}\n"
                                 f"{self.state()}") from None

    async def wait_event(self, name: str, predicate=lambda e: True, after: int = 0,
                         timeout: float = 15) -> dict:
        """The first pushed plugin event `name` at index >= `after` in plugin_events that
        satisfies predicate."""
        def found(p):
            return next((e for e in p.plugin_events[after:]
                         if e.get("event") == name and predicate(e)), None)
        await self.wait_for(lambda p: found(p) is not None, timeout, f"event {name!r}")
        return found(self)

    # --- the end ----------------------------------------------------------------------------

    async def close(self) -> None:
        """Stops the synthetic sources (their threads keep the process alive otherwise), the
        PeerConnection, the consumer tasks and the Janus session."""
        for track in self.local_tracks:
            track.stop()
        self.local_tracks = []
        if self.janus:
            self.janus.on_close = None
        if self.pc:
            await self.pc.close()
        for task in self._tasks + ([self._pump] if self._pump else []):
            task.cancel()
        await asyncio.gather(*self._tasks, *([self._pump] if self._pump else []),
                             return_exceptions=True)
        self._tasks = []
        self._pump = None
        if self.janus:
            try:
                await self.janus.close()
            except Exception:
                pass


async def stalls(get_count, settle: float = 0.4, window: float = 1.2) -> tuple[int, int]:
    """Whether a frame counter has stopped: lets packets already in flight land (`settle`),
    then returns the count before and after `window` seconds. Stopping is the absence of an
    event, so this one waits for a fixed time."""
    await asyncio.sleep(settle)
    before = get_count()
    await asyncio.sleep(window)
    return before, get_count()


def bundle_unique_extmap_ids(sdp: str) -> str:
    """Gives each RTP header extension one id across the whole SDP.

    aiortc 1.4 offers ssrc-audio-level as id 2 on audio m-lines and abs-send-time as id 2 on
    video m-lines, in one BUNDLE group. That is not allowed (RFC 8843: an id means one extension
    throughout a bundle) and breaks aiortc itself: its bundled transport parses every incoming
    packet with a single id map, so a 1-byte audio-level (id 2) forwarded into an audio slot is
    read as a 3-byte abs-send-time, RtpPacket.parse raises, and the exception ends aiortc's DTLS
    receive loop: the whole PeerConnection, data channel included, goes dead. Browsers number
    the extensions uniquely; this does the same to the offer before it is sent. aiortc adopts
    the answer's ids (find_common_header_extensions keeps the remote ones), so sending and
    parsing then agree with what Janus negotiated."""
    ids: dict[str, int] = {}
    out = []
    for line in sdp.split("\r\n"):
        if line.startswith("a=extmap:"):
            _, uri = line.split(" ", 1)
            ids.setdefault(uri.split(" ")[0], len(ids) + 1)
            line = f"a=extmap:{ids[uri.split(' ')[0]]} {uri}"
        out.append(line)
    return "\r\n".join(out)


def sdp_media_directions(sdp: str) -> list[tuple[str, str, int]]:
    """(kind, direction, port) of each m-line of an SDP."""
    out = []
    for section in sdp.split("\r\nm=")[1:]:
        lines = section.split("\r\n")
        kind, port = lines[0].split()[0], int(lines[0].split()[1])
        direction = next((l[2:] for l in lines
                          if l in ("a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive")),
                         "sendrecv")
        out.append((kind, direction, port))
    return out
