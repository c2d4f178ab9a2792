"""Hostile and odd input against docs/PROTOCOL.md's promises, with the real Janus, Redis and
service: client ids spoofed or spent by the dozen, a short edit that its transform makes too
long for one message, messages past Janus's 16-bit length, and the smaller documented
behaviours (Redis down, catch-up authors, lone surrogates, edits before hello, join refusals,
the join throttle, a schedule moved into the window)."""

import asyncio
import json
import time

import pytest

from conftest import run
from ot_client import units
from peers import Peer, joined_peers
from stack import Janus, JanusClient, plugin_data
from test_hostile import acknowledged, tap
from test_relay import redis_text


@pytest.fixture(scope="module")
def proto(workdir, service, service_key, redis):
    # Default limits; a Redis that stops answering counts as gone after 1 s.
    j = Janus(workdir, name="janus-proto", service_key=service_key, ws_port=9388,
              http_port=9389, admin_port=7939, plugin_settings={"redis_timeout_ms": 1000}).start()
    yield j
    assert j.stop() == 0, j.log()[-3000:]


def seqs_in_redis(redis, interview_id: str) -> dict[str, int]:
    flat = redis.command("HGETALL", f"{{iv:{interview_id}}}:seqs")
    return {flat[i].decode(): int(flat[i + 1]) for i in range(0, len(flat), 2)}


def first(seen, predicate):
    return next((m for m, _, _ in seen if predicate(m)), None)


def test_client_ids_belong_to_their_participant(proto, service, redis):
    """A recruiter sends an op under the applicant's client id with a huge seq: refused with
    `invalid_field`, and the applicant's seqs are untouched (its next edits are applied).
    Redis keys seqs by participant and client id. A participant spending 40 client ids keeps
    the records of its 16 most recent ones."""
    iv = service.schedule(start_in_minutes=0)
    pids = {p["id"] for p in iv["participants"]}

    async def body():
        async with joined_peers(proto.ws_url, iv) as (a, r):
            a.edit(["hello\n"])
            await acknowledged(a)
            await r.wait_for(lambda q: q.client.revision == a.client.revision)
            seen = tap(r)
            huge = 10 ** 15
            r.send({"type": "op", "client_id": a.client.client_id, "seq": huge,
                    "revision": r.client.revision, "op": [units(r.client.text), "evil"]})
            await r.wait_for(lambda q: first(seen, lambda m: m.get("type") == "error"))
            refusal = first(seen, lambda m: m.get("type") == "error")
            assert (refusal["error"], refusal.get("seq")) == ("invalid_field", huge), refusal
            for i in range(5):
                a.edit([units(a.client.text), f"line {i}\n"])
                await acknowledged(a)
            assert [s for _, s in a.client.acked] == [1, 2, 3, 4, 5, 6]
            await r.wait_for(lambda q: q.client.revision == a.client.revision)
            assert r.client.text == a.client.text and "evil" not in a.client.text
            stored = seqs_in_redis(redis, iv["id"])
            a_pid, r_pid = a.joined["you"]["id"], r.joined["you"]["id"]
            assert stored == {f"{a_pid}:{a.client.client_id}": 6}, stored

            # 40 tabs of the recruiter, one edit each
            tabs = [f"tab-{i:02d}" for i in range(40)]
            for tab in tabs:
                r.send({"type": "op", "client_id": tab, "seq": 1, "revision": r.client.revision,
                        "op": [units(r.client.text), "."]})
                await r.wait_for(lambda q: q.received_ops[-1]["client_id"] == tab)
            stored = seqs_in_redis(redis, iv["id"])
            assert all(key.split(":", 1)[0] in pids for key in stored), stored
            mine = sorted(key.split(":", 1)[1] for key in stored if key.startswith(r_pid + ":"))
            print(f"40 client ids of one participant: {len(mine)} records left in Redis")
            assert mine == tabs[-16:], mine
            assert stored[f"{a_pid}:{a.client.client_id}"] == 6
            # the newest is remembered: its seq 1 again is acknowledged again, not applied
            revision = r.client.revision
            count = len(r.received_ops)
            r.send({"type": "op", "client_id": tabs[-1], "seq": 1, "revision": revision,
                    "op": [units(r.client.text), "."]})
            # a forgotten one is a new client: its seq 1 is applied again
            r.send({"type": "op", "client_id": tabs[0], "seq": 1, "revision": revision,
                    "op": [units(r.client.text), "!"]})
            await r.wait_for(lambda q: len(q.received_ops) >= count + 2)
            again, new = r.received_ops[count:count + 2]
            assert (again["client_id"], again["seq"], again["revision"]) == \
                (tabs[-1], 1, revision)
            assert (new["client_id"], new["seq"], new["revision"]) == (tabs[0], 1, revision + 1)
            await a.wait_for(lambda q: q.client.revision == revision + 1)
            assert a.client.text.endswith("." * 40 + "!")
            assert not a.errors
    run(body())


async def append(peer: Peer, text: str, piece: int = 50_000) -> None:
    """Appends text in edits of at most `piece` characters, each acknowledged."""
    for i in range(0, len(text), piece):
        n = units(peer.client.text)
        peer.edit([n, text[i:i + piece]] if n else [text[i:i + piece]])
        await acknowledged(peer)


async def delete_across(a: Peer, b: Peer, base_text: str, ops: list[list]) -> dict:
    """b deletes the whole text on revision r, but its message is slow to leave: a commits
    `ops` first (each on the revision before it), then b's delete arrives, made on r. Returns
    b's op message as sent."""
    await append(a, base_text)
    await b.wait_for(lambda q: q.client.revision == a.client.revision)
    base = b.client.revision
    held = b.client.local_edit([-len(base_text)])
    assert held["revision"] == base and len(json.dumps(held)) < 200
    for op in ops:
        a.edit(op)
        await acknowledged(a)
    await b.wait_for(lambda q: q.client.revision == base + len(ops))
    b.send(held)
    return held


def test_a_long_transformed_edit_is_committed_in_pieces(proto, service, redis):
    """One editor commits three ops of 2,700 inserts each (10 characters after every 100)
    on revision r; the other's delete of the whole text as it was at r (a tiny message), made
    on r, becomes 16,200 components and 64,800 bytes of JSON once transformed across them:
    too long for one message, it is committed in pieces, each message at most 65,000 bytes,
    every piece but the last with seq 0, and its author is acknowledged once."""
    iv = service.schedule(start_in_minutes=0)
    blocks, per_op = 8100, 2700

    def inserts(k):  # "aaaaaaaaaa" after each of the blocks [k * per_op, (k + 1) * per_op)
        before, after = k * per_op * 110, (blocks - (k + 1) * per_op) * 100
        op = [c for _ in range(per_op) for c in (100, "a" * 10)]
        return ([before] if before else []) + op + ([after] if after else [])

    async def body():
        async with joined_peers(proto.ws_url, iv) as (a, b):
            seen_a, seen_b = tap(a), tap(b)
            held = await delete_across(a, b, "y" * (blocks * 100), [inserts(k) for k in range(3)])
            base = held["revision"]
            await acknowledged(b)
            await a.wait_for(lambda q: q.client.revision == b.client.revision)
            b_pid = b.joined["you"]["id"]
            pieces = [m for m, _, _ in seen_a if m.get("type") == "op" and m["author"] == b_pid]
            largest = max(s for _, s, _ in seen_a + seen_b)
            print(f"a delete on revision {base} across 8,100 inserts: {len(pieces)} pieces "
                  f"of {[len(m['op']) for m in pieces]} components, largest message "
                  f"{largest} bytes")
            assert len(pieces) >= 2
            assert [m["revision"] for m in pieces] == \
                list(range(base + 4, base + 4 + len(pieces)))
            assert [m["seq"] for m in pieces] == [0] * (len(pieces) - 1) + [held["seq"]]
            assert {m["client_id"] for m in pieces} == {b.client.client_id}
            assert largest <= 65_000
            assert a.largest_received <= 65_000 and b.largest_received <= 65_000
            assert b.client.acked.count((b.client.client_id, held["seq"])) == 1
            assert a.client.text == b.client.text == "a" * 10 * blocks
            assert redis_text(redis, iv["id"])[0] == a.client.text
            assert not a.errors and not b.errors, (a.errors, b.errors)
    run(body())


def test_a_delete_across_14000_single_inserts_is_committed_in_pieces(proto, service):
    """Two ops of 7,000 single inserts each, between the characters of the text at r: a delete
    of that text made on r transforms into 28,000 components. Its author sent one."""
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(proto.ws_url, iv) as (a, b):
            await delete_across(a, b, "y" * 14_000, [
                [c for _ in range(7000) for c in (2, "a")],                   # "yya" x 7000
                [1] + [c for _ in range(6999) for c in ("b", 3)] + ["b", 2],  # "ybya" x 7000
            ])
            await b.wait_for(lambda q: q.client.idle() or q.errors, 30)
            assert not b.errors, b.errors
            await a.wait_for(lambda q: q.client.revision == b.client.revision)
            assert a.client.text == b.client.text == "ba" * 7000
    run(body())


def test_janus_drops_the_answers_max_message_size(proto, service):
    """docs/PROTOCOL.md: the plugin puts a=max-message-size on its answer's data m-line, but Janus
    1.1.2 strips it (janus_sdp_anonymize) and its merge adds none, so the client gets no limit
    and must keep to max_message_bytes itself. If a Janus ever passes it on, this fails: then
    the docs (and this test) say it is advertised."""
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(proto.ws_url, iv, roles=("applicant",)) as (a,):
            [data] = [s for s in a.answer_sdp.split("\r\nm=") if s.startswith("application")]
            assert not [line for line in data.split("\r\n")
                        if line.startswith("a=max-message-size")], data
    run(body())


def test_messages_past_janus_16_bit_length(proto, service):
    """A sender that ignores the advertised size. aiortc 1.4 is one: it parses the remote
    max-message-size (RTCSctpCapabilities) but never enforces it (RTCSctpTransport.start
    ignores the remote capabilities, _data_channel_send checks no size), so it sends these as
    they are. Janus delivers a message's length modulo 65,536: 65,535 bytes is refused as
    possibly cut, a cut that still parses is taken as what it is, one that does not parse is
    malformed."""
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(proto.ws_url, iv) as (a, r):
            a.edit(["hello"])
            await acknowledged(a)
            await r.wait_for(lambda q: q.client.text == "hello")
            seen = tap(a)

            def errors():
                return [m for m, _, _ in seen if m.get("type") == "error"]
            a.send(" " * 65_535)  # the one length that may be a cut one
            await a.wait_for(lambda q: len(errors()) == 1)
            assert errors()[0]["error"] == "message_too_large", errors()
            # 65,570 bytes: the plugin sees the first 34, a simple edit, and applies it
            op = '{"op":"insert","char":"x","pos":0}'
            assert len(op) == 34
            a.send(op + " " * (65_570 - 34))
            await r.wait_for(lambda q: q.client.text == "xhello")
            simple = r.received_ops[-1]
            print(f"a 65,570-byte message was taken as its first 34 bytes: {simple}")
            assert simple["client_id"] == f"simple-{a.joined['you']['id']}"
            assert simple["op"] == ["x", 5]
            # 70,000 bytes of a valid edit: the 4,464 bytes the plugin sees are not JSON
            text = '{"type":"op","client_id":"' + a.client.client_id + '","seq":99,' \
                '"revision":' + str(r.client.revision) + ',"op":[6,"'
            text += "z" * (70_000 - len(text) - 3) + '"]}'
            assert len(text.encode()) == 70_000 and json.loads(text)
            a.send(text)
            await a.wait_for(lambda q: len(errors()) == 2)
            assert errors()[1]["error"] == "malformed_request", errors()
            # nothing else changed
            await a.wait_for(lambda q: q.client.text == "xhello")
            ping = {"type": "ping", "t": 7}
            a.send(ping)
            await a.wait_for(lambda q: any(m == {"type": "pong", "t": 7} for m, _, _ in seen))
            assert r.client.text == "xhello" and r.client.revision == a.client.revision
            assert len(errors()) == 2
    run(body())


def test_while_redis_is_down_each_message_gets_its_documented_answer(proto, service, redis):
    """Redis stopped: `ping` gets `pong`, an `op` gets `storage_unavailable` with its seq,
    `hello` gets `paused`. A room first opened during the outage: its edit is refused the same
    way and it gets `resumed` when Redis is back; then its edits are applied."""
    iv = service.schedule(start_in_minutes=0)
    late = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(proto.ws_url, iv) as (a, r):
            a.edit(["before\n"])
            await acknowledged(a)
            seen_r = tap(r)
            redis.stop()
            newcomer = Peer(proto.ws_url, late["id"], late["tokens"]["applicant"][0], name="n")
            try:
                for p in (a, r):
                    await p.wait_for(lambda q: q.paused, 15)
                seen = tap(a)
                a.send({"type": "ping", "t": 42})
                seq = a.client.seq + 1
                a.send({"type": "op", "client_id": a.client.client_id, "seq": seq,
                        "revision": a.client.revision, "op": [units(a.client.text), "x"]})
                a.send({"type": "hello", "client_id": a.client.client_id,
                        "last_revision": a.client.revision})
                await a.wait_for(lambda q: len(seen) >= 3, 15)
                ping, op, hello = (m for m, _, _ in seen[:3])
                assert ping == {"type": "pong", "t": 42}, ping
                assert (op["type"], op["error"], op["seq"]) == ("error", "storage_unavailable",
                                                               seq), op
                assert hello["type"] == "paused", hello
                # a room opened now: its hello waits (or is told paused), its edit is refused
                joined = await newcomer.connect(hello=False)
                assert joined["interview"] == "joined", joined
                seen_n = tap(newcomer)
                newcomer.send({"type": "hello", "client_id": newcomer.client.client_id,
                               "last_revision": None})
                newcomer.edit(["first"])
                await newcomer.wait_for(lambda q: any(
                    e["error"] == "storage_unavailable" for e in q.errors), 15)
            finally:
                redis.start()
            try:
                for p, seen_p in ((a, seen), (r, seen_r), (newcomer, seen_n)):
                    try:
                        await p.wait_for(lambda q: first(seen_p, lambda m: m.get("type") ==
                                                         "resumed") and q.synced.is_set(), 20)
                    except asyncio.TimeoutError:
                        raise AssertionError(f"{p.name}: no resumed and synced; got "
                                             f"{[m.get('type') for m, _, _ in seen_p]}, "
                                             f"{p.errors}") from None
                # the newcomer's edit, kept, is resent after its hello and applied once
                await acknowledged(newcomer)
                assert newcomer.client.text == "first" and newcomer.client.acked == \
                    [(newcomer.client.client_id, 1)]
                a.edit([units(a.client.text), "after\n"])
                await acknowledged(a)
                await r.wait_for(lambda q: q.client.revision == a.client.revision)
                assert r.client.text == a.client.text == "before\nafter\n"
            finally:
                await newcomer.close()
    run(body())


def test_catch_up_ops_carry_their_author(proto, service):
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(proto.ws_url, iv) as (a, r):
            a.edit(["one\n"])
            await acknowledged(a)
            await r.wait_for(lambda q: q.client.revision == a.client.revision)
            await r.close()
            for line in ("two\n", "three\n"):
                a.edit([units(a.client.text), line])
                await acknowledged(a)
            count = len(r.received_ops)
            await r.reconnect()  # hello with its last revision: the ops it missed, then synced
            caught_up = r.received_ops[count:]
            assert [m["revision"] for m in caught_up] == [2, 3]
            assert {m["author"] for m in caught_up} == {a.joined["you"]["id"]}
            assert r.client.text == a.client.text == "one\ntwo\nthree\n"
    run(body())


def test_lone_surrogates_and_edits_before_hello_are_refused(proto, service):
    iv = service.schedule(start_in_minutes=0, recruiters=2)

    async def body():
        async with joined_peers(proto.ws_url, iv) as (a, r):
            a.edit(["text"])
            await acknowledged(a)
            seen = tap(a)
            # "\ud83d" as JSON text: what JSON.stringify writes for a string cut in a pair
            a.send('{"type":"op","client_id":"' + a.client.client_id + '","seq":50,'
                   f'"revision":{a.client.revision},"op":[4,"\\ud83d"]}}')
            await a.wait_for(lambda q: first(seen, lambda m: m.get("type") == "error"))
            refusal = first(seen, lambda m: m.get("type") == "error")
            assert (refusal["error"], refusal.get("reason")) == \
                ("invalid_operation", "lone_surrogate"), refusal
            # a second recruiter opens its channel and edits before its hello
            late = Peer(proto.ws_url, iv["id"], iv["tokens"]["recruiter"][1], name="late")
            try:
                await late.connect(hello=False)
                seen_late = tap(late)
                late.send({"type": "op", "client_id": late.client.client_id, "seq": 1,
                           "revision": a.client.revision, "op": [4, "!"]})
                await late.wait_for(lambda q: first(seen_late,
                                                    lambda m: m.get("type") == "error"))
                refusal = first(seen_late, lambda m: m.get("type") == "error")
                assert (refusal["error"], refusal.get("seq")) == ("hello_required", 1), refusal
                late.send({"type": "hello", "client_id": late.client.client_id,
                           "last_revision": None})
                await late.wait_for(lambda q: q.synced.is_set())
                assert late.client.text == "text" and late.client.revision == a.client.revision
                # and the others never saw it: the next op they get is the next edit
                late.edit([4, "?"])
                await acknowledged(late)
                await r.wait_for(lambda q: q.client.text == "text?")
                assert [m["op"] for m in r.received_ops][-1] == [4, "?"]
            finally:
                await late.close()
    run(body())


def test_join_refusals_name_the_request_and_joins_are_throttled(proto, service):
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with JanusClient(proto.ws_url) as c:
            await c.create_session()
            h = await c.attach()

            async def join(body):
                return plugin_data(await c.message(h, {"request": "join", **body}))
            for body, name in (({"interview_id": iv["id"], "token": "x' OR '1'='1"},
                                "invalid_token"),
                               ({"interview_id": iv["id"]}, "missing_field")):
                answer = await join(body)
                assert (answer["error"], answer.get("request")) == (name, "join"), answer
            answer = await join({"interview_id": iv["id"], "token": iv["tokens"]["applicant"][0]})
            assert answer["interview"] == "joined", answer
            answer = await join({"interview_id": iv["id"], "token": iv["tokens"]["applicant"][0]})
            assert (answer["error"], answer.get("request")) == ("already_joined", "join"), answer
            # another handle tries twelve joins at once (well-formed tokens the service refuses)
            other = await c.attach()
            answers = await asyncio.gather(*(
                c.message(other, {"request": "join", "interview_id": iv["id"],
                                  "token": "B" * 43}) for _ in range(12)))
            answers = [plugin_data(x) for x in answers]
            limited = [x for x in answers if x.get("error") == "rate_limited"]
            print("twelve joins at once on a handle: " + ", ".join(
                sorted(x.get("error", x["interview"]) for x in answers)))
            assert 1 <= len(limited) <= 2, answers
            assert all(x.get("request") == "join" and x["error_code"] == 482 for x in limited)
        # the admin API: a kick in an interview that has no room here
        reply = proto.plugin_admin({"request": "kick", "interview_id": "no-such-interview",
                                    "participant_id": "somebody"})
        assert reply["response"]["error"] == "unknown_interview", reply
    run(body())


def test_a_patch_into_the_window_admits_at_once(proto, service):
    """Refused `too_early`, the interview is moved (PATCH) to start now: the next join is
    admitted at once (the plugin's cache of verify answers only ever admits)."""
    iv = service.schedule(start_in_minutes=30)

    async def body():
        async with JanusClient(proto.ws_url) as c:
            await c.create_session()
            h = await c.attach()
            request = {"request": "join", "interview_id": iv["id"],
                       "token": iv["tokens"]["applicant"][0]}
            answer = plugin_data(await c.message(h, request))
            assert (answer["error"], answer["request"]) == ("too_early", "join"), answer
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            status, _ = service.admin("PATCH", f"/v1/interviews/{iv['id']}", {"start": now})
            assert status == 200
            answer = plugin_data(await c.message(h, request))
            assert answer["interview"] == "joined", answer
    run(body())


def test_a_lone_surrogate_refusal_names_the_ops_seq(proto, service):
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(proto.ws_url, iv, roles=("applicant",)) as (a,):
            a.send('{"type":"op","client_id":"' + a.client.client_id + '","seq":1,'
                   '"revision":0,"op":["\\ud83d"]}')
            await a.wait_for(lambda q: q.errors)
            assert (a.errors[0]["reason"], a.errors[0].get("seq")) == ("lone_surrogate", 1)
    run(body())
