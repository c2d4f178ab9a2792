"""Join control with the real service, the real Janus and the plugin: the whole access matrix.
Interviews are scheduled relative to now, so the real clock is used throughout."""

import asyncio
import socket
import threading
import time

import pytest

from conftest import run
from stack import Janus, JanusClient, Service, plugin_data


async def joined_handle(client: JanusClient):
    if client.session_id is None:
        await client.create_session()
    return await client.attach()


async def join(client: JanusClient, handle: int, interview_id: str, token: str) -> dict:
    return plugin_data(await client.message(
        handle, {"request": "join", "interview_id": interview_id, "token": token}))


def assert_refused(answer: dict, name: str, code: int) -> None:
    assert answer["interview"] == "error", answer
    assert (answer["error"], answer["error_code"]) == (name, code), answer
    assert answer["message"]


def test_participants_join_inside_the_window_and_see_each_other(janus, service):
    iv = service.schedule(start_in_minutes=5)

    async def body():
        async with JanusClient(janus.ws_url) as c:
            applicant = await joined_handle(c)
            answer = await join(c, applicant, iv["id"], iv["tokens"]["applicant"][0])
            assert answer["interview"] == "joined", answer
            assert answer["interview_id"] == iv["id"]
            assert answer["you"]["role"] == "applicant"
            assert answer["you"]["name"] == "Ada Applicant"
            assert answer["participants"] == []
            assert answer["start"] == iv["start"]
            assert answer["title"] == "Backend interview"

            recruiter = await joined_handle(c)
            answer = await join(c, recruiter, iv["id"], iv["tokens"]["recruiter"][0])
            assert answer["you"]["role"] == "recruiter"
            assert [p["role"] for p in answer["participants"]] == ["applicant"]
            event = plugin_data(await c.next_event(applicant))
            assert event["event"] == "participant_joined"
            assert event["participant"]["role"] == "recruiter"

            # a handle joins once
            again = await join(c, recruiter, iv["id"], iv["tokens"]["recruiter"][0])
            assert_refused(again, "already_joined", 465)

            # leave: the others are told
            left = plugin_data(await c.message(recruiter, {"request": "leave"}))
            assert left["event"] == "left"
            event = plugin_data(await c.next_event(applicant))
            assert (event["event"], event["participant"]["role"]) == ("participant_left",
                                                                     "recruiter")
            # and the query_session state follows
            info = janus.admin({"janus": "handle_info", "session_id": c.session_id,
                                "handle_id": applicant})
            specific = info["info"]["plugin_specific"]
            assert specific["state"] == "joined"
            assert specific["interview_id"] == iv["id"]
            assert specific["role"] == "applicant"
    run(body())


def test_the_window_opens_fifteen_minutes_before_the_start(janus, service):
    later = service.schedule(start_in_minutes=20)
    soon = service.schedule(start_in_minutes=14)

    async def body():
        async with JanusClient(janus.ws_url) as c:
            handle = await joined_handle(c)
            answer = await join(c, handle, later["id"], later["tokens"]["applicant"][0])
            assert_refused(answer, "too_early", 473)
            assert answer["opens_at"] == later["opens_at"]
            answer = await join(c, handle, soon["id"], soon["tokens"]["applicant"][0])
            assert answer["interview"] == "joined", answer
    run(body())


def test_every_refusal_has_its_own_code(janus, service):
    over = service.schedule(start_in_minutes=-120, duration_minutes=60)
    one = service.schedule(start_in_minutes=1)
    other = service.schedule(start_in_minutes=1)
    revoked = service.schedule(start_in_minutes=1)
    cancelled = service.schedule(start_in_minutes=1)
    pid = next(p["id"] for p in revoked["participants"] if p["role"] == "applicant")
    assert service.admin("POST", f"/v1/interviews/{revoked['id']}/participants/{pid}/revoke")[0] == 200
    assert service.admin("POST", f"/v1/interviews/{cancelled['id']}/cancel")[0] == 200

    async def body():
        async with JanusClient(janus.ws_url) as c:
            h = await joined_handle(c)
            cases = [
                (over["id"], over["tokens"]["applicant"][0], "interview_ended", 474),
                (one["id"], other["tokens"]["applicant"][0], "token_other_interview", 472),
                (revoked["id"], revoked["tokens"]["applicant"][0], "token_revoked", 476),
                (cancelled["id"], cancelled["tokens"]["applicant"][0], "interview_cancelled", 475),
                ("no-such-interview", one["tokens"]["applicant"][0], "unknown_interview", 470),
                (one["id"], "A" * 43, "invalid_token", 471),
                (one["id"], "x' OR '1'='1", "invalid_token", 471),
            ]
            for interview_id, token, name, code in cases:
                assert_refused(await join(c, h, interview_id, token), name, code)
            # none of it stuck: the handle can still join properly
            answer = await join(c, h, one["id"], one["tokens"]["recruiter"][0])
            assert answer["interview"] == "joined", answer
    run(body())


def test_joining_again_replaces_the_older_connection(janus, service):
    iv = service.schedule(start_in_minutes=0)
    token = iv["tokens"]["applicant"][0]

    async def body():
        async with JanusClient(janus.ws_url) as first, JanusClient(janus.ws_url) as second:
            recruiter = await joined_handle(first)
            await join(first, recruiter, iv["id"], iv["tokens"]["recruiter"][0])
            old = await joined_handle(first)
            assert (await join(first, old, iv["id"], token))["interview"] == "joined"
            await first.next_event(recruiter)  # participant_joined (applicant)
            new = await joined_handle(second)
            answer = await join(second, new, iv["id"], token)
            assert answer["interview"] == "joined"
            assert [p["role"] for p in answer["participants"]] == ["recruiter"]
            replaced = plugin_data(await first.next_event(old))
            assert replaced["event"] == "replaced"
            rejoined = plugin_data(await first.next_event(recruiter))
            assert (rejoined["event"], rejoined.get("reason")) == ("participant_joined", "rejoined")
            # the old handle is out: leaving it is refused
            data = plugin_data(await first.message(old, {"request": "leave"}))
            assert_refused(data, "not_joined", 464)
    run(body())


def test_the_room_holds_at_most_max_participants(janus, service):
    iv = service.schedule(start_in_minutes=0, recruiters=3, observers=1)
    tokens = iv["tokens"]["applicant"] + iv["tokens"]["recruiter"] + iv["tokens"]["observer"]

    async def body():
        async with JanusClient(janus.ws_url) as c:
            answers = []
            for token in tokens:
                answers.append(await join(c, await joined_handle(c), iv["id"], token))
            assert [a["interview"] for a in answers[:4]] == ["joined"] * 4
            assert_refused(answers[4], "room_full", 477)
    run(body())


def test_service_unreachable_fails_closed(workdir, service, service_key):
    iv = service.schedule(start_in_minutes=0)
    # nothing listens on this port inside the namespace
    j = Janus(workdir, name="janus-noservice", service_url="http://127.0.0.1:8999",
              service_key=service_key, ws_port=8288, http_port=8289, admin_port=7289).start()
    try:
        async def body():
            async with JanusClient(j.ws_url) as c:
                h = await joined_handle(c)
                answer = await join(c, h, iv["id"], iv["tokens"]["applicant"][0])
                assert_refused(answer, "service_unavailable", 478)
        run(body())
    finally:
        assert j.stop() == 0


def test_a_service_that_hangs_is_abandoned_after_the_timeout(workdir, service_key):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    accepted = []
    stop = threading.Event()

    def accept_and_hang():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except socket.timeout:
                pass

    thread = threading.Thread(target=accept_and_hang)
    thread.start()
    j = Janus(workdir, name="janus-hang", service_url=f"http://127.0.0.1:{port}",
              service_key=service_key, ws_port=8388, http_port=8389, admin_port=7389,
              plugin_settings={"service_timeout_ms": 700}).start()
    try:
        async def body():
            async with JanusClient(j.ws_url) as c:
                h = await joined_handle(c)
                began = time.monotonic()
                answer = await join(c, h, "some-interview", "B" * 43)
                elapsed = time.monotonic() - began
                assert_refused(answer, "service_unavailable", 478)
                assert elapsed < 5, elapsed  # bounded, not Janus's or TCP's default
                # the plugin still answers other requests
                assert plugin_data(await c.message(h, {"request": "info"}))["interview"] == "info"
        run(body())
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
        assert j.stop() == 0


def test_participants_are_told_when_the_time_is_over(workdir, service, service_key):
    j = Janus(workdir, name="janus-grace0", service_key=service_key, ws_port=8488,
              http_port=8489, admin_port=7489, plugin_settings={"grace_minutes": 0}).start()
    # one minute long, ending three seconds from now
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 57))
    iv = service.schedule(start_in_minutes=0, duration_minutes=1, start=start)
    try:
        async def body():
            async with JanusClient(j.ws_url) as c:
                h = await joined_handle(c)
                answer = await join(c, h, iv["id"], iv["tokens"]["applicant"][0])
                assert answer["interview"] == "joined", answer
                event = plugin_data(await c.next_event(h, timeout=10))
                assert event["event"] == "interview_over"
                # nobody is admitted any more
                again = await join(c, await joined_handle(c), iv["id"],
                                   iv["tokens"]["recruiter"][0])
                assert_refused(again, "interview_ended", 474)
        run(body())
    finally:
        assert j.stop() == 0


def test_observers_may_not_publish_or_edit(janus, service):
    """An observer's offer to send audio or video is refused; receiving is fine. (Editing is
    refused on the data channel: see test_relay.py's bad-input test.)"""
    from aiortc import RTCPeerConnection

    iv = service.schedule(start_in_minutes=0, observers=1)

    async def offer(direction: str) -> str:
        pc = RTCPeerConnection()
        pc.createDataChannel("interview")
        pc.addTransceiver("audio", direction=direction)
        pc.addTransceiver("video", direction=direction)
        await pc.setLocalDescription(await pc.createOffer())
        sdp = pc.localDescription.sdp
        await pc.close()
        return sdp

    async def body():
        async with JanusClient(janus.ws_url) as c:
            # each attempt on a handle of its own (joining again replaces the previous one)
            for direction in ("sendrecv", "sendonly"):
                observer = await joined_handle(c)
                await join(c, observer, iv["id"], iv["tokens"]["observer"][0])
                reply = await c.message(observer, {"request": "connect"},
                                        jsep={"type": "offer", "sdp": await offer(direction)})
                assert_refused(plugin_data(reply), "forbidden_for_role", 479)
                assert "jsep" not in reply
            observer = await joined_handle(c)
            assert (await join(c, observer, iv["id"], iv["tokens"]["observer"][0]))["interview"] \
                == "joined"
            reply = await c.message(observer, {"request": "connect"},
                                    jsep={"type": "offer", "sdp": await offer("recvonly")})
            assert plugin_data(reply)["interview"] == "connected"
            assert reply["jsep"]["type"] == "answer"
            # an applicant may offer to send
            applicant = await joined_handle(c)
            await join(c, applicant, iv["id"], iv["tokens"]["applicant"][0])
            reply = await c.message(applicant, {"request": "connect"},
                                    jsep={"type": "offer", "sdp": await offer("sendrecv")})
            assert plugin_data(reply)["interview"] == "connected"
            # connect before join, and without an offer, are refused
            other = await joined_handle(c)
            reply = await c.message(other, {"request": "connect"},
                                    jsep={"type": "offer", "sdp": await offer("recvonly")})
            assert_refused(plugin_data(reply), "not_joined", 464)
            reply = await c.message(applicant, {"request": "connect"})
            assert_refused(plugin_data(reply), "missing_field", 461)
    run(body())
