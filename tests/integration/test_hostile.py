"""Hostile load on the data channel, with the real Janus, Redis and service: floods of every
message type, checks that ask for a large document again and again, operations made to be
expensive to transform, and a participant that stops reading. For each, what docs/PROTOCOL.md
says happens ("Rate limits", "A slow receiver", "Work per message is bounded"), that the other
participants keep editing with bounded latency, and that Janus's memory stays bounded.

Latencies are measured in this one Python process, which also runs the hostile peers: they
include its own load, hence the generous bounds."""

import asyncio
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run
from ot_client import base_length, units
from peers import Peer, joined_peers
from stack import Janus, plugin_data
from test_relay import redis_text

MiB = 1 << 20
BUDGET = MiB                 # outbound_queue_bytes, the default
RSS_GROWTH_LIMIT = 64 * MiB  # what a flood may add to Janus's resident memory
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def hostile(workdir, service, service_key, redis):
    # The defaults throughout: the limits under test are the ones deployments get.
    j = Janus(workdir, name="janus-hostile", service_key=service_key, ws_port=9188,
              http_port=9189, admin_port=7919).start()
    yield j
    assert j.stop() == 0, j.log()[-3000:]


class RssWatch:
    """Janus's VmRSS, sampled in the background from start() until stop(): the peak growth."""

    def __init__(self, janus: Janus):
        self.janus = janus
        self.before = janus.rss_bytes()
        self.peak = self.before
        self._task = None

    def start(self) -> "RssWatch":
        async def sample():
            while True:
                self.peak = max(self.peak, self.janus.rss_bytes())
                await asyncio.sleep(0.1)
        self._task = asyncio.ensure_future(sample())
        return self

    def stop(self, what: str) -> int:
        if self._task:
            self._task.cancel()
        self.peak = max(self.peak, self.janus.rss_bytes())
        growth = self.peak - self.before
        print(f"{what}: Janus RSS {self.before / MiB:.1f} MiB -> peak {self.peak / MiB:.1f} MiB "
              f"(+{growth / MiB:.1f} MiB)")
        assert growth < RSS_GROWTH_LIMIT, f"{what}: Janus grew by {growth / MiB:.1f} MiB"
        return growth


async def keep_editing(peer: Peer, at_least: int, done=lambda: True) -> list[float]:
    """The peer types one-character edits at a typist's pace (20 a second at most, within
    max_ops_per_second), each waited for until acknowledged, at least `at_least` of them and
    until done(); returns each edit's time to its acknowledgement."""
    latencies = []
    while len(latencies) < at_least or not done():
        if latencies:
            await asyncio.sleep(0.05)  # pace, not a wait for anything
        n = units(peer.client.text)
        began = time.monotonic()
        peer.edit(["k", n] if n else ["k"])
        try:
            await peer.wait_for(lambda q: q.client.outstanding is None, 30)
        except asyncio.TimeoutError:
            raise AssertionError(f"{peer.name}: edit {len(latencies) + 1} unacknowledged; "
                                 f"errors {peer.errors[-3:]}, last {peer.events[-3:]}, "
                                 f"channel {peer.channel.readyState}") from None
        latencies.append(time.monotonic() - began)
    return latencies


async def acknowledged(peer: Peer, timeout: float = 30) -> None:
    """Waits until the peer has no edit in flight; says what it got instead if it times out."""
    try:
        await peer.wait_for(lambda q: q.client.idle(), timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"{peer.name}: edit unacknowledged; errors {peer.errors[-3:]}, "
                             f"revision {peer.client.revision}") from None


def assert_latency_bounded(latencies: list[float], what: str) -> None:
    median, worst = statistics.median(latencies), max(latencies)
    print(f"{what}: {len(latencies)} edits acknowledged, median {median * 1000:.0f} ms, "
          f"max {worst * 1000:.0f} ms")
    assert median < 0.5 and worst < 5, (what, median, worst)


async def poll(condition, timeout: float, what: str, interval: float = 0.02) -> None:
    """Polls a condition that no message announces (asyncio sleeps: the peers keep running)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        await asyncio.sleep(interval)


async def drained(peer: Peer, timeout: float = 60) -> None:
    """Pings until a pong comes back. The channel is ordered, so everything the plugin sent the
    peer before that pong has arrived (a pong is dropped while the peer is over its budget,
    hence more than one ping)."""
    deadline = time.monotonic() + timeout
    token = time.monotonic_ns()
    while True:
        token += 1
        peer.send({"type": "ping", "t": token})
        try:
            await peer.wait_for(lambda q: any(m.get("type") == "pong" and m.get("t") == token
                                              for m in q.events[-50:]), 0.5)
            return
        except asyncio.TimeoutError:
            assert time.monotonic() < deadline, f"{peer.name} never drained"


def tap(peer: Peer) -> list[tuple[dict, int, float]]:
    """From now on, every message the peer receives, with its size in bytes and when."""
    seen = []
    inner = peer._on_message

    def on_message(raw):
        seen.append((json.loads(raw), len(raw.encode()), time.monotonic()))
        inner(raw)
    peer.channel.remove_all_listeners("message")
    peer.channel.on("message", on_message)
    return seen


def snapshots_in(seen: list[tuple[dict, int, float]]) -> list[int]:
    """The size in bytes of each whole snapshot (all its parts) among messages received."""
    out, current = [], 0
    for m, size, _ in seen:
        if m.get("type") == "snapshot":
            current += size
            if m["part"] + 1 == m["parts"]:
                out.append(current)
                current = 0
    return out


async def build_document(editor: Peer, total: int, piece: int = 50_000) -> None:
    """Appends ASCII text in edits of `piece` bytes until the document has `total` bytes."""
    chunk = "0123456789abcdefghijklmnopqrstuvwxyz\n" * (piece // 37 + 1)
    while units(editor.client.text) < total:
        n = units(editor.client.text)
        text = chunk[:min(piece, total - n)]
        editor.edit([n, text] if n else [text])
        await editor.wait_for(lambda q: q.client.outstanding is None, 30)


def test_a_check_flood_on_a_large_document_costs_one_snapshot_past_the_budget(hostile, service):
    """An observer asks 200 times for a ~1 MB document (checks with a wrong checksum): the
    plugin answers with a snapshot, and while that one is still over the budget the other asks
    bring one more when it has drained, not one each (and past the check limit, `rate_limited`
    errors that are dropped while the queue is full)."""
    iv = service.schedule(start_in_minutes=0, observers=1)

    async def body():
        async with joined_peers(hostile.ws_url, iv,
                                roles=("applicant", "recruiter", "observer")) as (a, r, o):
            await build_document(a, 1_000_000)
            await o.wait_for(lambda q: q.client.revision == a.client.revision, 60)
            await r.wait_for(lambda q: q.client.revision == a.client.revision, 60)
            # The asks must meet a queue over its budget: the observer's SCTP withholds its
            # acknowledgements (SACKs) while the checks go out, so that nothing it was sent can
            # drain (it is an observer that reads slowly), then acknowledges again.
            seen = tap(o)
            rss = RssWatch(hostile).start()
            sctp = o.pc.sctp

            async def no_sack():
                sctp._sack_needed = False
            sctp._send_sack = no_sack
            try:
                for _ in range(200):
                    o.send({"type": "check", "revision": o.client.revision,
                            "checksum": "0" * 64})
                await poll(lambda: o.channel.bufferedAmount == 0 and not sctp._outbound_queue
                           and not sctp._sent_queue, 30, "the checks to reach Janus")
                # Janus has them all; an edit sent now is handled after them on the document
                # thread, so its acknowledgement says they were all read.
                await keep_editing(a, 1)
            finally:
                del sctp._send_sack
            await drained(o)
            snapshots = snapshots_in(seen)
            received = sum(size for _, size, _ in seen)
            print(f"check flood: {len(snapshots)} snapshots of {snapshots} bytes, "
                  f"{received} bytes in all to the observer")
            # What fits in the budget (here one: the document is a little under 1 MiB), one
            # past it, and one when that has drained for the asks that came meanwhile.
            assert 1 <= len(snapshots) <= BUDGET // max(snapshots) + 2, snapshots
            assert received < BUDGET + 2 * max(snapshots), received
            assert o.client.text == a.client.text
            kinds = {m.get("type") for m, _, _ in seen}
            assert kinds <= {"snapshot", "synced", "error", "pong"}, kinds
            # The same flood while the others edit: they are served at their own pace, and the
            # observer (a snapshot behind each time it drains) ends with the same text.
            for _ in range(200):
                o.send({"type": "check", "revision": o.client.revision, "checksum": "0" * 64})
            latencies = await keep_editing(r, 20)
            latencies += await keep_editing(a, 10)
            assert_latency_bounded(latencies, "others during a check flood")
            await drained(o)
            await o.wait_for(lambda q: q.client.revision == a.client.revision, 60)
            assert o.client.text == a.client.text == r.client.text
            rss.stop("check flood")
            assert not a.errors and not r.errors, (a.errors, r.errors)
    run(body())


FLOODS = {
    # name: (the message, the answer a message within the limit gets, burst, rate a second)
    "hello": (lambda p: {"type": "hello", "client_id": p.client.client_id,
                         "last_revision": p.client.revision}, "synced", 5, 1),
    "ping": (lambda p: {"type": "ping", "t": 1}, "pong", 10, 5),
    "language": (lambda p: {"type": "language", "language": "python"}, "language", 5, 2),
    "check": (lambda p: {"type": "check", "revision": p.client.revision,
                         "checksum": hashlib.sha256(p.client.text.encode()).hexdigest()},
              ("check_ok", "check_stale"), 5, 1),
}


@pytest.mark.parametrize("kind", [*FLOODS, "invalid"])
def test_a_flood_of_one_message_type_is_rate_limited_by_name(hostile, service, kind):
    """A participant floods one message type (or invalid messages) for about two seconds: past
    the type's burst and rate it gets `rate_limited` with `reason` naming the limit; invalid
    messages, past all messages' limit (twice 89 at once, then 89 a second), are dropped unread
    with one `rate_limited`, reason `messages`, a second at most. The other participant keeps
    editing meanwhile, and nothing the flood did reaches it but the accepted languages."""
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(hostile.ws_url, iv) as (a, r):
            a.edit(["some text\n"])
            await a.wait_for(lambda q: q.client.idle())
            await r.wait_for(lambda q: q.client.revision == a.client.revision)
            seen = tap(a)
            rss = RssWatch(hostile).start()
            make = FLOODS[kind][0] if kind != "invalid" else lambda p: "not json"
            sent = 0
            flooding = True
            began = time.monotonic()

            async def flood():
                # A burst at once, then a steady stream for two seconds: 50 a second of one
                # type (within all messages' limit, so that each gets its own answer), 300 a
                # second of invalid ones.
                nonlocal sent, flooding
                at_once, per_tick = (40, 5) if kind != "invalid" else (300, 30)
                for _ in range(at_once):
                    a.send(make(a))
                sent = at_once
                while time.monotonic() - began < 2:
                    await asyncio.sleep(0.1)  # the flood's own pace
                    for _ in range(per_tick):
                        a.send(make(a))
                    sent += per_tick
                flooding = False

            flooder = asyncio.ensure_future(flood())
            latencies = await keep_editing(r, 15, lambda: not flooding)
            await flooder
            duration = time.monotonic() - began

            def errors(name):
                return [m for m, _, _ in seen if m.get("type") == "error" and m["error"] == name]
            if kind == "invalid":
                await drained(a)  # past all messages' limit nothing is answered: ping after it
                limited, malformed = errors("rate_limited"), errors("malformed_request")
                print(f"invalid flood: {sent} sent in {duration:.1f} s, {len(malformed)} "
                      f"malformed_request, {len(limited)} rate_limited")
                assert limited and all(e.get("reason") == "messages" for e in limited), limited
                assert len(limited) <= duration + 2, len(limited)
                assert len(malformed) <= 2 * 89 + 89 * (duration + 1), len(malformed)
                assert len(malformed) + len(limited) < sent
            else:
                _, answer, burst, rate = FLOODS[kind]
                answers = (answer,) if isinstance(answer, str) else answer

                def answered():
                    return [m for m, _, _ in seen if m.get("type") in answers]
                # each message within all messages' limit is answered: wait for every answer
                await a.wait_for(lambda _: len(answered()) + len(errors("rate_limited")) >=
                                 sent, 30)
                limited = errors("rate_limited")
                print(f"{kind} flood: {sent} sent in {duration:.1f} s, {len(answered())} "
                      f"answered, {len(limited)} rate_limited")
                assert limited and all(e.get("reason") == kind for e in limited), limited[:3]
                assert burst <= len(answered()) <= burst + rate * (duration + 1), \
                    len(answered())
                assert {m["error"] for m, _, _ in seen if m.get("type") == "error"} == \
                    {"rate_limited"}
            assert_latency_bounded(latencies, f"the other editor during the {kind} flood")
            rss.stop(f"{kind} flood")
            assert not r.errors, r.errors
            assert {m.get("type") for m in r.events} <= {"snapshot", "language"}
            await a.wait_for(lambda q: q.client.revision == r.client.revision)
            assert a.client.text == r.client.text
    run(body())


def components_after(ops: list[dict], revision: int) -> int:
    """The components of every op committed after `revision` (what crossing them costs)."""
    return sum(len(m["op"]) for m in ops if m["revision"] > revision)


def test_huge_transforms_are_refused_and_cost_the_others_nothing(hostile, service):
    """An editor fills the op log with ops of 16,000 components (within the message size, the
    component cap and max_ops_per_second). Transforming across them is bounded: past 65,536
    steps an op gets `revision_too_old` and a snapshot, a presence is dropped; two huge ops
    back still works. The other editor types throughout with bounded latency."""
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(hostile.ws_url, iv) as (a, r):
            a.edit(["x" * 8000])
            await a.wait_for(lambda q: q.client.idle())
            await r.wait_for(lambda q: q.client.revision == a.client.revision)
            # 16,000 components each: 8,000 single inserts between the 8,000 x's, then 8,000
            # single deletes taking them out again (48,000 and 40,000 bytes of JSON). The
            # other editor's edits go at the start of the text, before the x's.
            grow = [c for _ in range(8000) for c in (1, "a")]
            shrink = [c for _ in range(8000) for c in (1, -1)]
            typing = True
            rss = RssWatch(hostile).start()
            editor = asyncio.ensure_future(keep_editing(r, 20, lambda: not typing))
            for i in range(30):
                before = units(a.client.text) - (16000 if i % 2 else 8000)
                a.edit(([before] if before else []) + (shrink if i % 2 else grow))
                await acknowledged(a)
                # the other editor keeps up, so that its edits are on a recent revision
                await r.wait_for(lambda q: q.client.revision >= a.client.revision, 30)
            head = a.client.revision
            ops = sorted(a.received_ops, key=lambda m: m["revision"])
            assert [m["revision"] for m in ops] == list(range(1, head + 1))
            huge = [m["revision"] for m in ops if len(m["op"]) >= 16000]
            too_old = huge[-5] - 1  # crossing five huge ops: more than 80,000 steps
            recent = huge[-2] - 1   # crossing two: about 32,000
            assert components_after(ops, too_old) > 65_536
            assert components_after(ops, recent) + 2 * (head - recent) < 40_000

            def length_at(rev):  # the text's length at a revision: the next op's base length
                return base_length(ops[rev]["op"])  # ops[rev] made revision rev + 1
            seen_a, seen_r = tap(a), tap(r)
            # Presence at revision 0 (out of the log), too old to move cheaply, recent, current
            for rev in (0, too_old, recent, head):
                a.send({"type": "presence", "revision": rev, "cursor": 0, "selection": []})
            # Ops of another client id of the same participant, on those revisions
            hostile_id = "hostile-" + a.client.client_id[-8:]
            sent_at = {}
            for seq, rev in ((1, 0), (2, too_old), (3, recent)):
                sent_at[seq] = time.monotonic()
                n = length_at(rev)
                a.send({"type": "op", "client_id": hostile_id, "seq": seq, "revision": rev,
                        "op": ["Z", n] if n else ["Z"]})

            def answer(peer_seen, seq):
                return next(((m, t) for m, _, t in peer_seen if m.get("seq") == seq and (
                    m.get("type") == "error" or m.get("client_id") == hostile_id)), None)
            # the op of seq 3 reaches the other editor after everything sent before it
            await r.wait_for(lambda q: answer(seen_r, 3), 30)
            await a.wait_for(lambda q: all(answer(seen_a, s) for s in (1, 2, 3)), 30)
            for seq in (1, 2):
                refusal, at = answer(seen_a, seq)
                assert (refusal["type"], refusal["error"]) == ("error", "revision_too_old")
                print(f"op on revision {(0, too_old)[seq - 1]} of {head}: "
                      f"revision_too_old after {(at - sent_at[seq]) * 1000:.0f} ms")
                assert at - sent_at[seq] < 2, at - sent_at[seq]
            assert answer(seen_a, 3)[0]["type"] == "op"
            # each refusal is followed by a snapshot; the text is the same
            await a.wait_for(lambda q: len(snapshots_in(seen_a)) >= 2, 30)
            assert len(snapshots_in(seen_a)) == 2, snapshots_in(seen_a)
            # only the two presences that were cheap to move reached the other editor
            presences = [m for m, _, _ in seen_r if m.get("type") == "presence"]
            assert len(presences) == 2, presences
            assert all(m["participant"]["id"] == a.joined["you"]["id"] for m in presences)
            typing = False
            latencies = await editor
            await a.wait_for(lambda q: q.client.idle(), 30)
            await r.wait_for(lambda q: q.client.revision == a.client.revision, 30)
            await a.wait_for(lambda q: q.client.revision == r.client.revision, 30)
            assert a.client.text == r.client.text
            assert a.client.text.count("Z") == 1  # the refused ops changed nothing
            assert a.largest_received <= 65_000 and r.largest_received <= 65_000
            assert_latency_bounded(latencies, "the other editor during huge transforms")
            rss.stop("huge transforms")
            assert not r.errors, r.errors
    run(body())


class ChildPeer:
    """stopped_peer.py in a process of its own: what it says, line by line."""

    def __init__(self, janus: Janus, interview_id: str, token: str):
        self.argv = [sys.executable, str(HERE / "stopped_peer.py"), janus.ws_url, interview_id,
                     token]
        self.proc = None
        self.facts: list[dict] = []

    async def start(self) -> "ChildPeer":
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=str(HERE))
        return self

    async def fact(self, predicate, timeout: float = 30) -> dict:
        while True:
            line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
            assert line, f"the peer process ended; it said {self.facts}"
            fact = json.loads(line)
            self.facts.append(fact)
            assert "error" not in fact, fact
            if predicate(fact):
                return fact

    def signal(self, sig) -> None:
        os.kill(self.proc.pid, sig)

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.signal(signal.SIGCONT)
            self.proc.stdin.close()
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()


def test_a_participant_that_stops_reading_is_disconnected(workdir, service, service_key, redis):
    """An observer's process is stopped (SIGSTOP: it reads neither its data channel nor its
    Janus WebSocket) while an editor types edits of 50,000 bytes. Its queue passes its budget
    and stays there: after slow_consumer_seconds (5 here) the plugin closes its PeerConnection
    (event `disconnected`, reason `slow_consumer`); meanwhile Janus's memory stays bounded and
    the other editor keeps its latency. Let go again, the observer connects again on the same
    handle (it stayed in the room) and gets the current text."""
    iv = service.schedule(start_in_minutes=0, observers=1)
    j = Janus(workdir, name="janus-slow", service_key=service_key, ws_port=9288,
              http_port=9289, admin_port=7929,
              plugin_settings={"slow_consumer_seconds": 5}).start()

    async def body():
        child = await ChildPeer(j, iv["id"], iv["tokens"]["observer"][0]).start()
        try:
            async with joined_peers(j.ws_url, iv) as (a, r):
                ready = await child.fact(lambda f: f.get("ready"))

                def connected():
                    info = j.admin({"janus": "handle_info", "session_id": ready["session_id"],
                                    "handle_id": ready["handle_id"]})
                    return info["info"]["plugin_specific"]["peer_connection"]
                assert connected()
                body_text = "".join(chr(ord("a") + i % 26) for i in range(50_000))
                a.edit([body_text])
                await acknowledged(a)
                rss = RssWatch(j).start()
                child.signal(signal.SIGSTOP)
                stopped_at = time.monotonic()
                typing = True

                async def large_edits():
                    # each edit replaces the 50,000 characters after the other's k's
                    count = 0
                    while typing:
                        kept = units(a.client.text) - 50_000
                        text = body_text[count % 26:] + body_text[:count % 26]
                        a.edit(([kept] if kept else []) + [text, -50_000])
                        await acknowledged(a)
                        count += 1
                        await asyncio.sleep(0.05)  # a paste every 50 ms, not a flood
                    return count
                pasting = asyncio.ensure_future(large_edits())
                editing = asyncio.ensure_future(keep_editing(r, 20, lambda: not typing))
                await poll(lambda: not connected(), 30,
                           "the plugin to close the stopped peer's PeerConnection", 0.25)
                closed_after = time.monotonic() - stopped_at
                typing = False
                pastes, latencies = await pasting, await editing
                print(f"stopped peer: PeerConnection closed {closed_after:.1f} s after SIGSTOP,"
                      f" {pastes} edits of 50,000 bytes meanwhile")
                assert 5 <= closed_after <= 20, closed_after
                assert_latency_bounded(latencies, "the other editor while a peer is stopped")
                rss.stop("a stopped peer")
                child.signal(signal.SIGCONT)
                event = await child.fact(lambda f: f.get("event", {}).get("event") ==
                                         "disconnected")
                assert event["event"]["reason"] == "slow_consumer", event
                await child.fact(lambda f: "hangup" in f)
                back = await child.fact(lambda f: f.get("reconnected"))
                await r.wait_for(lambda q: q.client.revision == a.client.revision, 30)
                assert back["revision"] == a.client.revision
                assert back["sha"] == hashlib.sha256(a.client.text.encode()).hexdigest()
                assert connected()
                assert a.client.text == r.client.text
                assert not a.errors and not r.errors, (a.errors, r.errors)
        finally:
            await child.stop()
    try:
        run(body())
    finally:
        assert j.stop() == 0, j.log()[-3000:]
