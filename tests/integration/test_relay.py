"""The live code relay end to end: aiortc peers with the plugin's data channel, the real Janus,
the real service and a real Redis, in the network namespace."""

import asyncio
import json
import random
import signal
import time

import pytest

from conftest import run
from ot_client import apply
from peers import Peer, joined_peers
from stack import Janus, Redis, plugin_data

SEED = random.randrange(1 << 30)


@pytest.fixture(scope="module")
def relay(workdir, service, service_key, redis):
    j = Janus(workdir, name="janus-relay", service_key=service_key,
              plugin_settings={"max_ops_per_second": 100000, "snapshot_every": 50,
                               "op_log_size": 200, "redis_timeout_ms": 1000}).start()
    yield j
    assert j.stop() == 0, j.log()[-3000:]


def redis_text(redis: Redis, interview_id: str) -> tuple[str, int, list]:
    """Rebuilds the text from what Redis holds (snapshot + log), independently of the plugin."""
    doc = redis.command("HGETALL", f"{{iv:{interview_id}}}:doc")
    fields = {doc[i].decode(): doc[i + 1] for i in range(0, len(doc), 2)}
    snap = int(fields.get("snap", b"0"))
    text = fields.get("text", b"").decode("utf-8").encode("utf-16-le", "surrogatepass")
    entries = redis.command("XRANGE", f"{{iv:{interview_id}}}:log", "-", "+")
    applied = []
    for entry_id, flat in entries:
        rev = int(entry_id.decode().split("-")[0])
        f = {flat[i].decode(): flat[i + 1].decode() for i in range(0, len(flat), 2)}
        if rev <= snap:
            continue
        text = apply(json.loads(f["op"]), text)
        applied.append((rev, f["client"], int(f["seq"])))
    head = int(fields.get("head", b"0"))
    return text.decode("utf-16-le", "surrogatepass"), head, applied


def assert_acked_exactly_once(peers, redis, interview_id):
    seqs = redis.command("HGETALL", f"{{iv:{interview_id}}}:seqs")
    last = {seqs[i].decode(): int(seqs[i + 1]) for i in range(0, len(seqs), 2)}
    for p in peers:
        acked = [s for c, s in p.client.acked if c == p.client.client_id]
        assert acked == list(range(1, len(acked) + 1)), f"{p.name}: lost or doubled acks"
        assert p.client.seq == len(acked), f"{p.name}: unacknowledged edits remain"
        # the store scopes client ids to their participant
        assert last.get(f"{p.joined['you']['id']}:{p.client.client_id}", 0) == len(acked)


async def type_concurrently(peers, rng, ops_each: int):
    """Every peer types ops_each random edits at the same time as the others. A typist mostly
    waits for its edit's acknowledgement before the next (so each edit is its own operation,
    made on a revision that others' concurrent edits have moved on from), and sometimes types
    ahead (so the client's buffer composes edits)."""
    async def typist(p, seed):
        r = random.Random(seed)
        for _ in range(ops_each):
            p.edit(p.random_edit(r))
            if r.random() < 0.75:
                await p.wait_for(lambda q: q.client.outstanding is None, 30)
            else:
                await asyncio.sleep(0)
    await asyncio.gather(*(typist(p, rng.random()) for p in peers))


async def settle(peers, timeout=60):
    for p in peers:
        await p.wait_for(lambda q: q.client.idle(), timeout)
    head = max(p.client.revision for p in peers)
    for p in peers:
        await p.wait_for(lambda q: q.client.revision >= head, timeout)


def test_three_peers_typing_concurrently_converge_with_redis(relay, service, redis):
    rng = random.Random(SEED)
    iv = service.schedule(start_in_minutes=0, recruiters=2)
    tokens = iv["tokens"]["applicant"] + iv["tokens"]["recruiter"]

    async def body():
        peers = [Peer(relay.ws_url, iv["id"], t, name=f"p{i}") for i, t in enumerate(tokens)]
        try:
            for p in peers:
                joined = await p.connect()
                assert joined["interview"] == "joined", joined
            await type_concurrently(peers, rng, 500)
            await settle(peers)
            texts = {p.client.text for p in peers}
            assert len(texts) == 1, f"peers diverged (seed {SEED})"
            text = texts.pop()
            stored, head, applied = redis_text(redis, iv["id"])
            assert head == peers[0].client.revision
            assert stored == text, f"redis differs (seed {SEED})"
            # every acknowledged op is in Redis exactly once (the log is trimmed behind
            # snapshots, so the last seq per client tells for the older ones)
            in_redis = [(c, s) for _, c, s in applied]
            assert len(in_redis) == len(set(in_redis))
            assert_acked_exactly_once(peers, redis, iv["id"])
            # a log of everything broadcast rebuilds the same text
            replay = b""
            for m in sorted(peers[0].received_ops, key=lambda m: m["revision"]):
                replay = apply(m["op"], replay)
            assert replay.decode("utf-16-le", "surrogatepass") == text
            assert sum(len(p.client.acked) for p in peers) >= 1000
            assert not [e for p in peers for e in p.errors], [p.errors for p in peers]
        finally:
            for p in peers:
                await p.close()
    run(body())


def test_late_joiner_snapshot_reconnect_catch_up_and_too_old(relay, service, redis):
    rng = random.Random(SEED + 1)
    iv = service.schedule(start_in_minutes=0, recruiters=2)
    a_token, b_token = iv["tokens"]["applicant"][0], iv["tokens"]["recruiter"][0]
    c_token = iv["tokens"]["recruiter"][1]

    async def body():
        a = Peer(relay.ws_url, iv["id"], a_token, name="a")
        b = Peer(relay.ws_url, iv["id"], b_token, name="b")
        c = Peer(relay.ws_url, iv["id"], c_token, name="c")
        try:
            await a.connect()
            await type_concurrently([a], rng, 30)
            await settle([a])
            # a late joiner gets the document as a snapshot
            await b.connect()
            snapshots = [m for m in b.events if m.get("type") == "snapshot"]
            assert snapshots and snapshots[-1]["revision"] == a.client.revision
            assert b.client.text == a.client.text
            # b drops off, a types a few edits, b comes back with its revision: ops, no snapshot
            await b.close()
            await type_concurrently([a], rng, 10)
            await settle([a])
            seen = len(b.events)
            await b.reconnect()
            await settle([a, b])
            assert b.client.text == a.client.text
            assert not [m for m in b.events[seen:] if m.get("type") == "snapshot"]
            # c is further behind than the kept log (op_log_size 200): it gets a snapshot
            await c.connect()
            await c.close()
            before = c.client.revision
            await type_concurrently([a, b], rng, 130)
            await settle([a, b])
            assert a.client.revision - before > 200
            seen = len(c.events)
            await c.reconnect()
            assert [m for m in c.events[seen:] if m.get("type") == "snapshot"]
            assert c.client.text == a.client.text
            # and all of it is what Redis holds
            assert redis_text(redis, iv["id"])[0] == a.client.text
        finally:
            for p in (a, b, c):
                await p.close()
    run(body())


def test_end_interview_makes_the_document_read_only_and_hands_it_to_the_service(
        relay, service, redis):
    rng = random.Random(SEED + 2)
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(relay.ws_url, iv) as (a, r):
            await type_concurrently([a, r], rng, 20)
            await settle([a, r])
            # the applicant may not end it
            data = plugin_data(await a.janus.message(a.handle, {"request": "end_interview"}))
            assert data["error"] == "forbidden_for_role"
            data = plugin_data(await r.janus.message(r.handle, {"request": "end_interview"}))
            assert data["event"] == "ended"
            for p in (a, r):
                await p.wait_for(lambda q: any(m.get("type") == "read_only" for m in q.events))
            length = len(a.client.doc) // 2
            a.edit(["late", length] if length else ["late"])
            err = await a.next_message("error")
            assert err["error"] == "read_only"
            # the final text reached the service
            def final():
                status, body = service.admin("GET", f"/v1/interviews/{iv['id']}/final-code")
                return body if status == 200 else None
            deadline = time.monotonic() + 10
            while (got := final()) is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert got is not None
            assert got["code"] == r.client.text
            assert got["revision"] == r.client.revision
    run(body())


async def typing_through(peers, rng, ops_each: int, pace_s: float = 0, ack_timeout: float = 5):
    """Like type_concurrently, but a typist whose connection is down keeps typing locally (its
    edits wait in its client) instead of waiting for acknowledgements. `pace_s`: a pause after
    every edit (a typing rate under the plugin's default rate limit), none when 0."""
    async def typist(p, seed):
        r = random.Random(seed)
        for _ in range(ops_each):
            p.edit(p.random_edit(r))
            if p.connected and r.random() < 0.75:
                try:
                    await p.wait_for(lambda q: q.client.outstanding is None or not q.connected,
                                     ack_timeout)
                except asyncio.TimeoutError:
                    pass  # the checks after settle() tell whether anything was lost
            elif not pace_s:
                await asyncio.sleep(0)
            if pace_s:
                await asyncio.sleep(pace_s)  # the typing rate, not a wait for an event
    await asyncio.gather(*(typist(p, rng.random()) for p in peers))


def test_kill_9_of_janus_loses_no_acknowledged_edit(workdir, service, service_key, redis):
    rng = random.Random(SEED + 3)
    iv = service.schedule(start_in_minutes=0)
    j = Janus(workdir, name="janus-kill", service_key=service_key, ws_port=8588,
              http_port=8589, admin_port=7589,
              plugin_settings={"max_ops_per_second": 100000, "snapshot_every": 40}).start()

    async def body():
        async with joined_peers(j.ws_url, iv) as (a, b):
            typing = asyncio.ensure_future(typing_through([a, b], rng, 400))
            await a.wait_for(lambda q: len(q.client.acked) >= 100, 30)
            j.stop(signal.SIGKILL)  # in the middle of typing: ops in flight are lost with it
            await a.wait_for(lambda q: not q.connected, 10)
            await b.wait_for(lambda q: not q.connected, 10)
            acked_before = {p.name: list(p.client.acked) for p in (a, b)}
            j.start()
            for p in (a, b):
                joined = await p.reconnect()
                assert joined["interview"] == "joined", joined
            await typing
            await settle([a, b])
            assert a.client.text == b.client.text
            assert redis_text(redis, iv["id"])[0] == a.client.text
            assert_acked_exactly_once([a, b], redis, iv["id"])
            for p in (a, b):
                assert p.client.acked[:len(acked_before[p.name])] == acked_before[p.name]
    try:
        run(body())
    finally:
        assert j.stop() == 0


def test_a_janus_started_while_redis_is_down_pauses_its_rooms_until_redis_is_back(
        workdir, service, service_key):
    """Redis down before Janus starts: a room opened then is paused (its members told so), not
    left loading for ever; when Redis starts, it is resumed and the edits go through. A Redis of
    the test's own, so that the other tests' Janus instances never see it go away."""
    iv = service.schedule(start_in_minutes=0)
    own = Redis(workdir, port=6395, name="redis-late")
    j = Janus(workdir, name="janus-redis-down", service_key=service_key, ws_port=8592,
              http_port=8593, admin_port=7593,
              plugin_settings={"max_ops_per_second": 100000, "redis_port": own.port}).start()

    async def body():
        a = Peer(j.ws_url, iv["id"], iv["tokens"]["applicant"][0], name="a")
        try:
            joined = await a.connect(wait_synced=False)
            assert joined["interview"] == "joined", joined
            await a.wait_for(lambda q: q.paused, 15)
            own.start()
            await a.wait_for(lambda q: not q.paused, 20)
            await asyncio.wait_for(a.synced.wait(), 15)
            for ch in "abc":
                n = len(a.client.doc) // 2  # UTF-16 code units
                a.edit([n, ch] if n else [ch])
                await a.wait_for(lambda q: q.client.outstanding is None, 15)
            assert a.client.text.endswith("abc")
            assert redis_text(own, iv["id"])[0] == a.client.text
        finally:
            await a.close()
    try:
        run(body())
    finally:
        assert j.stop() == 0, j.log()[-3000:]
        own.stop()


@pytest.mark.parametrize("outage", ["restarted", "frozen"])
def test_redis_outage_pauses_edits_and_they_resume_losing_nothing(relay, service, redis, outage):
    """restarted: Redis stopped, then started again. frozen: Redis stopped with SIGSTOP, its
    connections left open, so commits are simply not answered: after the configured timeout
    (1 s here) the room pauses all the same. Either way, when Redis answers again the document
    is rebuilt from it and the edits resume."""
    rng = random.Random(SEED + (4 if outage == "restarted" else 6))
    iv = service.schedule(start_in_minutes=0)
    begin, end = (redis.stop, redis.start) if outage == "restarted" else (redis.freeze,
                                                                          redis.thaw)

    async def body():
        async with joined_peers(relay.ws_url, iv) as (a, b):
            typing = asyncio.ensure_future(typing_through([a, b], rng, 300))
            await a.wait_for(lambda q: len(q.client.acked) >= 60, 30)
            begin()
            try:
                for p in (a, b):
                    await p.wait_for(lambda q: q.paused, 10)
                paused_at = a.client.revision
            finally:
                end()
            for p in (a, b):
                await p.wait_for(lambda q: not q.paused, 20)
            await typing
            await settle([a, b])
            assert a.client.revision > paused_at
            assert a.client.text == b.client.text
            assert redis_text(redis, iv["id"])[0] == a.client.text
            assert_acked_exactly_once([a, b], redis, iv["id"])
            refused = [e for p in (a, b) for e in p.errors]
            assert all(e["error"] == "storage_unavailable" for e in refused), refused
    run(body())


def test_bad_data_channel_input_is_refused_and_changes_nothing(workdir, service, service_key,
                                                              redis):
    iv = service.schedule(start_in_minutes=0, observers=1)
    j = Janus(workdir, name="janus-strict", service_key=service_key, ws_port=8688,
              http_port=8689, admin_port=7689,
              plugin_settings={"max_ops_per_second": 20, "max_message_bytes": 4096}).start()

    async def body():
        a = Peer(j.ws_url, iv["id"], iv["tokens"]["applicant"][0], name="a")
        o = Peer(j.ws_url, iv["id"], iv["tokens"]["observer"][0], name="o")
        try:
            await a.connect()
            await o.connect()
            a.edit(["hello 😀 world"])
            await a.wait_for(lambda q: q.client.idle())
            text, revision = a.client.text, a.client.revision
            cid = a.client.client_id

            def op(ops, seq=99, rev=None):
                return json.dumps({"type": "op", "client_id": cid, "seq": seq,
                                   "revision": revision if rev is None else rev, "op": ops})

            cases = [
                ("not json at all", "malformed_request", None),
                ("[1, 2, 3]", "malformed_request", None),
                ('{"type": 5}', "invalid_field", None),
                ('{"kind": "op"}', "missing_field", None),
                ('{"type": "teleport"}', "unknown_request", None),
                ('{"type": "op", "client_id": "a b", "seq": 1, "revision": 0, "op": []}',
                 "invalid_field", None),
                ('{"type": "op", "client_id": "x", "seq": "1", "revision": 0, "op": []}',
                 "invalid_field", None),
                ('{"type": "op", "client_id": "x", "seq": 1, "revision": 0}', "missing_field",
                 None),
                (op([3]), "invalid_operation", "base_length_mismatch"),
                (op([7, "x", 7]), "invalid_operation", "splits_surrogate_pair"),
                (op(["a\r\n", 14]), "invalid_operation", "carriage_return"),
                (op([14, True]), "invalid_operation", "wrong_type"),
                (op([14, 0]), "invalid_operation", "invalid_component"),
                (op([14], rev=revision + 5), "invalid_operation", "revision_in_future"),
                ('{"op": "insert", "char": "x", "pos": 99}', "invalid_operation",
                 "position_out_of_range"),
                ('{"op": "delete", "pos": 7, "count": 1}', "invalid_operation",
                 "splits_surrogate_pair"),
                ('{"type": "language", "language": "Py thon"}', "invalid_field", None),
                ('{"type": "presence", "revision": 0, "cursor": -1}', "invalid_field", None),
                (op(["x" * 5000, 14]), "message_too_large", None),
            ]
            for raw, name, reason in cases:
                a.send(raw)
                err = await a.next_message("error")
                assert err["error"] == name, (raw[:60], err)
                if reason:
                    assert err.get("reason") == reason, (raw[:60], err)
            # an observer may not edit
            o.send(op([14, "!"], seq=1))
            err = await o.next_message("error")
            assert err["error"] == "forbidden_for_role"
            # nothing changed, and the plugin still serves the room
            assert (a.client.text, a.client.revision) == (text, revision)
            a.edit([14, "!"])
            await a.wait_for(lambda q: q.client.idle())
            assert a.client.text == text + "!"
            await o.wait_for(lambda q: q.client.text == text + "!")
            # a flood is rate limited (20 per second, a burst of 20)
            for i in range(60):
                a.send(op([15, "z"], seq=1000 + i, rev=a.client.revision))
            err = await a.next_message("error")
            assert err["error"] == "rate_limited"
            # leaving closes the handle's PeerConnection, data channel included (messages sent
            # before a join are refused with not_joined: see test_foundation and the ABI test)
            await a.janus.message(a.handle, {"request": "leave"})
            while (await a.janus.next_event(a.handle, timeout=10)).get("janus") != "hangup":
                pass  # Janus says when the PeerConnection is gone
        finally:
            for p in (a, o):
                await p.close()
    try:
        run(body())
    finally:
        assert j.stop() == 0


def test_a_flushed_commit_script_is_sent_again(relay, service, redis):
    """Commits go as EVALSHA of a script loaded per connection; if an operator flushes Redis's
    scripts, commits fall back to the script's text and nothing is lost."""
    rng = random.Random(SEED + 5)
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(relay.ws_url, iv) as (a, b):
            await type_concurrently([a, b], rng, 20)
            await settle([a, b])
            assert redis.command("SCRIPT", "FLUSH") == "OK"
            await type_concurrently([a, b], rng, 20)
            await settle([a, b])
            assert a.client.text == b.client.text == redis_text(redis, iv["id"])[0]
            assert_acked_exactly_once([a, b], redis, iv["id"])
    run(body())
