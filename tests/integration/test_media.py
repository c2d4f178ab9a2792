"""The video room end to end: aiortc participants publishing synthetic audio and video
(media_peer.MediaPeer) through the real Janus and the plugin, with the real service and Redis,
in the network namespace. What docs/PROTOCOL.md promises for `connect`, `configure`, the `media`
event and its errors: who receives whom, leaving and rejoining, observers, keyframe requests,
muting, and refused requests that leave the room working.

The sending peers' VP8 encoder (aiortc 1.4) makes a keyframe only at the start and then every
3000 frames (kf_max_dist), i.e. every 200 s at 15 fps, unless asked by a PLI: so a receiver that
comes in mid-call decodes nothing until the plugin obtains a keyframe for it."""

import asyncio
import contextlib
import time

import pytest
from aiortc import RTCPeerConnection

from conftest import run
from media_peer import MediaPeer, sdp_media_directions, stalls
from ot_client import units
from stack import Janus, JanusError

W, H = 320, 240  # the size media_peer's video source sends


@pytest.fixture(scope="module")
def room_janus(workdir, service, service_key, redis):
    j = Janus(workdir, name="janus-media", service_key=service_key).start()
    yield j
    rc = j.stop()
    assert rc == 0, f"Janus exited with {rc}:\n{j.log()[-3000:]}"


@contextlib.asynccontextmanager
async def peers(janus, iv, *specs):
    """MediaPeers for (name, role, index, options) specs, closed on the way out whatever
    happened. They are not connected here: tests choose the order."""
    made = [MediaPeer(janus.ws_url, iv["id"], iv["tokens"][role][index], name=name, **opts)
            for name, role, index, opts in specs]
    try:
        yield made
    finally:
        for p in made:
            await p.close()


@contextlib.asynccontextmanager
async def publishing_pair(janus, iv):
    """An applicant and a recruiter, connected in that order, once each decodes the other."""
    async with peers(janus, iv, ("applicant", "applicant", 0, {}),
                     ("recruiter", "recruiter", 0, {})) as (a, r):
        await connect(a, r)
        await all_see_each_other([a, r])
        yield a, r


async def connect(*ps: MediaPeer) -> None:
    """Joins and connects each peer in turn (join order decides slot order)."""
    for p in ps:
        joined = await p.connect()
        assert joined["interview"] == "joined", f"{p.name}: {joined}"


def sees(p: MediaPeer, other: MediaPeer, since: dict | None = None, video: int = 10,
         audio: int = 10) -> bool:
    """p's latest `media` event lists `other` as a publisher with one audio and one video slot
    of p's, and p has decoded `video` video frames (320x240) and `audio` audio frames of
    other's since the baseline `since` (a snapshot of p.by_participant)."""
    since = since or {}
    mids = p.mids_of(other.id)
    if other.id not in p.publisher_ids() or len(mids.get("audio", [])) != 1 or \
            len(mids.get("video", [])) != 1:
        return False
    v = mids["video"][0]
    got_v = p.frames_from(other.id, "video") - since.get((other.id, "video"), 0)
    got_a = p.frames_from(other.id, "audio") - since.get((other.id, "audio"), 0)
    return got_v >= video and got_a >= audio and v in p.received and \
        (p.received[v].width, p.received[v].height) == (W, H)


async def all_see_each_other(ps, timeout: float = 10, since: dict | None = None) -> None:
    for p in ps:
        for other in ps:
            if other is not p and other.publish_video:
                await p.wait_for(lambda q: sees(q, other, (since or {}).get(q.name)), timeout,
                                 f"{p.name} to decode {other.name}'s audio and video")


def baseline(ps) -> dict:
    return {p.name: dict(p.by_participant) for p in ps}


async def still_flowing(receiver: MediaPeer, mid: str, frames: int = 10,
                        timeout: float = 5) -> None:
    start = receiver.frames(mid)
    await receiver.wait_for(lambda q: q.frames(mid) >= start + frames, timeout,
                            f"more frames on mid {mid}")


def test_two_publishers_receive_each_other(room_janus, service):
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with peers(room_janus, iv, ("applicant", "applicant", 0, {}),
                         ("recruiter", "recruiter", 0, {})) as (a, r):
            await connect(a, r)
            t_joined = time.monotonic()
            await all_see_each_other([a, r], timeout=10)
            assert time.monotonic() - t_joined < 10
            for p, other in ((a, r), (r, a)):
                assert p.joined.get("max_participants") == 4, p.joined
                # the answer: what it publishes, and its receive slots, mid for mid
                assert p.connected_reply["published"] == {"audio": True, "video": True}, \
                    p.connected_reply
                slots = {(s["mid"], s["type"]) for s in p.connected_reply["slots"]}
                mine = {(m, k) for k in ("audio", "video") for m in p.slot_mids(k)}
                assert slots == mine and len(slots) == 6, (p.connected_reply, mine)
                directions = sdp_media_directions(p.answer_sdp)
                assert sorted(d for k, d, port in directions if k != "application") == \
                    ["recvonly"] * 2 + ["sendonly"] * 6, directions
                # the media event: the other one publishes both, unmuted, in one slot each
                media = p.media
                assert [x["participant"]["id"] for x in media["publishers"]] == [other.id]
                pub = media["publishers"][0]
                assert (pub["audio"], pub["video"], pub["audio_muted"],
                        pub["video_muted"]) == (True, True, False, False), pub
                assert pub["participant"]["role"] == other.joined["you"]["role"]
                assert media["interview_id"] == iv["id"]
                streams = sorted((s["type"], s["participant_id"]) for s in media["streams"])
                assert streams == [("audio", other.id), ("video", other.id)], media
                assert {s["mid"] for s in media["streams"]} <= {m for m, _ in slots}
                # the frames arrived on exactly the mids the event names
                mids = p.mids_of(other.id)
                assert p.frames(mids["video"][0]) >= 10 and p.frames(mids["audio"][0]) >= 10
                assert {r.mid for r in p.received.values() if r.frames} == \
                    {mids["video"][0], mids["audio"][0]}, p.state()
                assert p.received[mids["video"][0]].sizes == {(W, H)}
    run(body())


def test_three_participants_leave_and_rejoin(room_janus, service):
    iv = service.schedule(start_in_minutes=0, recruiters=2)

    async def body():
        async with peers(room_janus, iv, ("applicant", "applicant", 0, {}),
                         ("rita", "recruiter", 0, {}), ("ron", "recruiter", 1, {})) as ps:
            a, r, c = ps
            await connect(a, r, c)
            await all_see_each_other(ps, timeout=12)

            # c leaves: the others are told, its slots empty and its frames stop
            c_mids = {p.name: p.mids_of(c.id) for p in (a, r)}
            marks = {p.name: len(p.plugin_events) for p in (a, r)}
            left = await c.leave()
            assert left.get("event") == "left", left
            for p in (a, r):
                ev = await p.wait_event("participant_left", lambda e: e["participant"]["id"] ==
                                        c.id, after=marks[p.name])
                assert ev["reason"] == "left", ev
                await p.wait_event("media", lambda e: c.id not in
                                   [x["participant"]["id"] for x in e["publishers"]],
                                   after=marks[p.name])
                assert c.id not in p.publisher_ids()
                assert p.mids_of(c.id) == {}, p.media
            for p in (a, r):
                for kind in ("audio", "video"):
                    mid = c_mids[p.name][kind][0]
                    before, after = await stalls(lambda: p.frames(mid))
                    assert after == before, \
                        f"{p.name} still gets {c.name}'s {kind} on mid {mid} after it left: " \
                        f"{before} -> {after}"
            # the two who stayed still see each other
            await still_flowing(a, a.mids_of(r.id)["video"][0])
            await still_flowing(r, r.mids_of(a.id)["video"][0])
            await c.close()

            # c comes back on a new handle and is received again, and receives both
            c2 = MediaPeer(room_janus.ws_url, iv["id"], iv["tokens"]["recruiter"][1],
                           name="ron-again")
            ps.append(c2)
            since = baseline(ps)
            await connect(c2)
            assert c2.id == c.id
            await all_see_each_other([a, r, c2], timeout=12, since=since)
    run(body())


def test_an_observer_receives_everyone_and_is_seen_by_nobody(room_janus, service):
    iv = service.schedule(start_in_minutes=0, observers=1)

    async def body():
        async with peers(room_janus, iv, ("applicant", "applicant", 0, {}),
                         ("recruiter", "recruiter", 0, {}),
                         ("observer", "observer", 0,
                          {"publish_audio": False, "publish_video": False})) as (a, r, o):
            await connect(a, r, o)
            # the observer offers no sending m-line at all
            offered = sdp_media_directions(o.pc.localDescription.sdp)
            assert [d for k, d, _ in offered if k != "application"] == ["recvonly"] * 6, offered
            assert o.connected_reply["published"] == {"audio": False, "video": False}, \
                o.connected_reply
            for other in (a, r):
                await o.wait_for(lambda q: sees(q, other), 10,
                                 f"the observer to decode {other.name}")
            await all_see_each_other([a, r])
            # once the observer receives everything, it is in nobody's publishers or slots
            for p in (a, r):
                for ev in p.events_named("media"):
                    assert o.id not in [x["participant"]["id"] for x in ev["publishers"]], ev
                    assert o.id not in [s["participant_id"] for s in ev["streams"]], ev
                assert p.frames_from(o.id, "video") == p.frames_from(o.id, "audio") == 0
            assert o.media["streams"] and sorted(o.publisher_ids()) == sorted([a.id, r.id])
    run(body())


def test_a_receivers_pli_reaches_the_publisher_rate_limited(room_janus, service):
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with publishing_pair(room_janus, iv) as (a, r):
            mid = r.mids_of(a.id)["video"][0]
            plis = a.keyframe_requests["video"]
            # a PLI from the receiver becomes a keyframe request at the publisher, within the
            # rate limit's interval (keyframe_min_interval_ms, 500 by default) at worst
            n = len(plis)
            sent_at = time.monotonic()
            await r.send_pli(mid)
            await a.wait_for(lambda q: len(plis) > n, 2, "the PLI to reach the publisher")
            assert plis[-1] - sent_at < 1.2  # the interval plus generous delivery time
            # a burst inside the interval is deferred to its end, not dropped nor passed on
            await asyncio.sleep(0.6)  # out of the interval of the request above
            n = len(plis)
            sent_at = time.monotonic()
            for _ in range(3):
                await r.send_pli(mid)
            await a.wait_for(lambda q: len(plis) >= n + 2, 2.5,
                             "the first of a burst at once and one more at the interval's end")
            # the first of the burst goes at once: well before the interval's end (0.5 s)
            assert plis[n] - sent_at < 0.45, "the first request of the burst was deferred"
            await asyncio.sleep(0.7)  # any further request would have come by now
            gaps = [b - x for x, b in zip(plis, plis[1:])]
            assert min(gaps) >= 0.45, f"keyframe requests closer than the interval: {gaps}"
            assert len(plis) == n + 2, f"a burst of 3 gave {len(plis) - n} requests"
    run(body())


def test_a_late_receiver_gets_a_keyframe_at_once(room_janus, service):
    iv = service.schedule(start_in_minutes=0, recruiters=2)

    async def body():
        async with peers(room_janus, iv, ("applicant", "applicant", 0, {}),
                         ("rita", "recruiter", 0, {}), ("ron", "recruiter", 1, {})) as (a, r, c):
            await connect(a, r)
            await all_see_each_other([a, r])
            # let any keyframe requested for the first receiver go by, so that what comes next
            # is for the late one
            last = max(a.keyframe_requests["video"] + [0.0])
            await asyncio.sleep(max(0.0, last + 1.5 - time.monotonic()))
            n = len(a.keyframe_requests["video"])
            await connect(c)
            up = time.monotonic()
            await c.wait_for(lambda q: "video" in q.mids_of(a.id),
                             5, "a video slot for the applicant")
            mid = c.mids_of(a.id)["video"][0]
            await c.wait_for(lambda q: q.frames(mid) >= 1, 4,
                             "the late receiver's first decoded frame of the applicant")
            assert c.received[mid].first_at - up < 4
            assert len(a.keyframe_requests["video"]) > n, "the publisher saw no PLI"
            assert c.received[mid].sizes == {(W, H)}
    run(body())


def test_muting_audio_stops_forwarding_and_unmuting_resumes(room_janus, service):
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with publishing_pair(room_janus, iv) as (a, r):
            audio_mid = r.mids_of(a.id)["audio"][0]
            video_mid = r.mids_of(a.id)["video"][0]

            mark = len(r.plugin_events)
            answer = await a.configure(audio=False)
            assert (answer.get("event"), answer.get("audio"), answer.get("video")) == \
                ("configured", False, True), answer
            await r.wait_event("media", lambda e: any(
                x["participant"]["id"] == a.id and x["audio_muted"] for x in e["publishers"]),
                after=mark)
            assert r.publisher(a.id)["video_muted"] is False, r.media
            before, after = await stalls(lambda: r.frames(audio_mid))
            assert after == before, f"muted audio still forwarded: {before} -> {after}"
            await still_flowing(r, video_mid)  # video is not muted
            # the muted one still hears the other (muting is about what it publishes)
            await still_flowing(a, a.mids_of(r.id)["audio"][0], frames=20)

            mark = len(r.plugin_events)
            answer = await a.configure(audio=True)
            assert (answer.get("event"), answer.get("audio")) == ("configured", True), answer
            await r.wait_event("media", lambda e: any(
                x["participant"]["id"] == a.id and not x["audio_muted"]
                for x in e["publishers"]), after=mark)
            await still_flowing(r, audio_mid, frames=20)
    run(body())


def assert_error(answer: dict, name: str, code: int) -> None:
    assert answer.get("interview") == "error", answer
    assert (answer["error"], answer["error_code"]) == (name, code), answer
    assert answer.get("message"), answer


async def offer_without_data_channel() -> str:
    pc = RTCPeerConnection()
    pc.addTransceiver("audio", direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    await pc.close()
    return sdp


async def refused_offer_closed(p: MediaPeer, mark: int) -> None:
    """After refusing an offer the plugin closes Janus's half-made PeerConnection; Janus reports
    that with its `hangup` event, and only then does it take a new offer (before, it answers
    490 "Error setting ICE locally": its ICE agent for the refused offer still exists)."""
    await p.wait_for(lambda q: any(e.get("janus") == "hangup" for e in q.janus_events[mark:]),
                     5, "Janus's hangup of the refused offer's PeerConnection (the plugin must "
                        "close it, or the handle can never offer again)")


async def connect_again(p: MediaPeer, what: str) -> None:
    """A new offer on a handle whose earlier offer was refused: it must be answered."""
    try:
        answer = await p.send_connect()
    except JanusError as e:
        raise AssertionError(f"{p.name}: after {what}, Janus refused the next offer: "
                             f"{e.reply.get('error')}\n{p.state()}") from None
    assert answer.get("interview") == "connected", answer
    p.connected_reply = answer
    await p.finish_connect(p.last_reply)


async def room_still_works(publishers, others=(), since: dict | None = None) -> None:
    """Everyone receives every publisher afresh, and the document takes an edit."""
    since = since or baseline([*publishers, *others])
    await all_see_each_other(publishers, since=since)
    for o in others:
        for pub in publishers:
            await o.wait_for(lambda q: sees(q, pub, since.get(q.name)), 10,
                             f"{o.name} to decode {pub.name}")
    a, r = publishers[0], publishers[1]
    n = units(a.client.text)
    a.edit([n, "ok"] if n else ["ok"])
    await r.wait_for(lambda q: q.client.text == a.client.text and q.client.text.endswith("ok"),
                     10, f"{a.name}'s edit to reach {r.name}")
    assert not a.errors and not r.errors, (a.errors, r.errors)


ROOM = (("applicant", "applicant", 0, {}), ("rita", "recruiter", 0, {}))


def test_malformed_connects_are_refused_and_the_handle_connects_after(room_janus, service):
    iv = service.schedule(start_in_minutes=0, recruiters=2)

    async def body():
        async with peers(room_janus, iv, *ROOM, ("ron", "recruiter", 1, {})) as (a, r, c):
            await connect(a, r)
            await all_see_each_other([a, r])
            await c.attach()
            assert (await c.join())["interview"] == "joined"
            assert_error(await c.configure(audio=False), "not_connected", 467)
            assert_error(await c.request({"request": "connect"}), "missing_field", 461)
            # Janus itself refuses an unparsable SDP before the plugin sees it (Janus's 465,
            # JANUS_ERROR_JSEP_INVALID_SDP); one that parses but has no data channel is the
            # plugin's invalid_field
            with pytest.raises(JanusError) as refused:
                await c.send_connect(jsep={"type": "offer", "sdp": "v=0\r\ngarbage\r\n"})
            assert refused.value.reply["error"]["code"] == 465, refused.value.reply
            mark = len(c.janus_events)
            assert_error(await c.send_connect(sdp=await offer_without_data_channel()),
                         "invalid_field", 462)
            await refused_offer_closed(c, mark)
            await connect_again(c, "invalid_field")
            await room_still_works([a, r, c])
            # a JSEP "answer" never reaches the plugin on a handle without a pending offer:
            # Janus refuses it (469, JANUS_ERROR_UNEXPECTED_ANSWER). Checked last, on a handle
            # of its own, because Janus 1.1.2 then fails the handle's next offer ("Error
            # processing SDP"), which is Janus's doing, not the plugin's.
            x = MediaPeer(room_janus.ws_url, iv["id"], iv["tokens"]["recruiter"][1], name="x",
                          publish_audio=False, publish_video=False, slots=0)
            try:
                await x.attach()
                with pytest.raises(JanusError) as refused:
                    await x.send_connect(jsep={"type": "answer", "sdp": await x.make_offer()})
                assert refused.value.reply["error"]["code"] == 469, refused.value.reply
            finally:
                await x.close()
            await still_flowing(c, c.mids_of(a.id)["video"][0])
    run(body())


def test_connect_before_join_is_refused_and_the_handle_connects_after_joining(room_janus,
                                                                              service):
    iv = service.schedule(start_in_minutes=0, recruiters=2)

    async def body():
        async with peers(room_janus, iv, *ROOM, ("ron", "recruiter", 1, {})) as (a, r, c):
            await connect(a, r)
            await all_see_each_other([a, r])
            await c.attach()
            mark = len(c.janus_events)
            assert_error(await c.send_connect(), "not_joined", 464)
            assert (await c.join())["interview"] == "joined"
            await refused_offer_closed(c, mark)
            await connect_again(c, "not_joined")
            await room_still_works([a, r, c])
    run(body())


def test_an_observer_offering_to_send_is_refused_then_connects_with_slots(room_janus, service):
    iv = service.schedule(start_in_minutes=0, observers=1)

    async def body():
        async with peers(room_janus, iv, *ROOM, ("observer", "observer", 0,
                                                 {"publish_audio": False,
                                                  "publish_video": True})) as (a, r, o):
            await connect(a, r)
            await all_see_each_other([a, r])
            await o.attach()
            assert (await o.join())["interview"] == "joined"
            mark = len(o.janus_events)
            assert_error(await o.send_connect(), "forbidden_for_role", 479)
            for ev in a.events_named("media") + r.events_named("media"):
                assert o.id not in [x["participant"]["id"] for x in ev["publishers"]], ev
            # a new PeerConnection offering only receive slots
            await o.drop_pc()
            o.publish_video = False
            await refused_offer_closed(o, mark)
            await connect_again(o, "forbidden_for_role")
            await room_still_works([a, r], others=[o])
    run(body())


def test_a_second_connect_and_bad_configures_change_nothing(room_janus, service):
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with peers(room_janus, iv, *ROOM) as (a, r):
            await connect(a, r)
            await all_see_each_other([a, r])
            mark = len(a.janus_events)
            assert_error(await a.send_connect(sdp=a.offer_sdp), "already_connected", 466)
            assert_error(await a.configure(), "missing_field", 461)
            assert_error(await a.configure(audio="no"), "invalid_field", 462)
            assert_error(await a.configure(video=1), "invalid_field", 462)
            assert_error(await a.request({"request": "configure", "audio": None}),
                         "invalid_field", 462)
            assert_error(await a.request({"request": "configure", "video": False,
                                          "audio": "false"}), "invalid_field", 462)
            # nothing was muted (the last one had a valid field next to a bad one), and a's
            # PeerConnection survived the second offer
            assert r.publisher(a.id)["audio_muted"] is False, r.media
            assert r.publisher(a.id)["video_muted"] is False, r.media
            await room_still_works([a, r])
            assert not [e for e in a.janus_events[mark:] if e.get("janus") == "hangup"], \
                a.janus_events[mark:]
    run(body())
